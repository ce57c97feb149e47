import CLibPQ
import Foundation

/// What PostgreSQL or libpq said, with the SQLSTATE when there is one. Never carries parameters.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The SQLSTATE code (`40P01`, `57P01`…), nil for a client-side failure.
    public let sqlState: String?
    public let message: String
    /// The connection is gone (server restart, network): the store reconnects.
    public let connectionLost: Bool

    public var description: String { message }
}

/// One libpq connection, used by one thread at a time (the store serialises).
/// Parameters are sent as text, their types inferred by the server; results come back as text.
final class PGConnection {
    let conn: OpaquePointer

    /// Connects to `url` (a libpq URI; several hosts and `target_session_attrs` are libpq's),
    /// with `password` kept out of the URI. The session speaks UTC and ISO dates.
    init(url: String, password: String?, applicationName: String = "relance", connectTimeout: Int = 10) throws {
        var keys = ["dbname", "application_name", "connect_timeout"]
        var values = [url, applicationName, String(connectTimeout)]
        if let password { keys.append("password"); values.append(password) }
        let cKeys = keys.map { strdup($0) } + [nil]
        let cValues = values.map { strdup($0) } + [nil]
        defer { (cKeys + cValues).forEach { free($0) } }
        let raw: OpaquePointer? = cKeys.withUnsafeBufferPointer { k in
            cValues.withUnsafeBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in
                        PQconnectdbParams(kp, vp, 1)
                    }
                }
            }
        }
        guard let raw else { throw PostgresError(sqlState: nil, message: "libpq: out of memory", connectionLost: true) }
        guard PQstatus(raw) == CONNECTION_OK else {
            let message = Self.clean(String(cString: PQerrorMessage(raw)))
            PQfinish(raw)
            throw PostgresError(sqlState: nil, message: "cannot connect to PostgreSQL: \(message)", connectionLost: true)
        }
        conn = raw
        relance_pq_silence(conn)
        _ = try exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3")
    }

    deinit { PQfinish(conn) }

    /// Whether libpq still holds a working connection.
    var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    /// libpq's messages end with a newline and may span lines; one line for the logs.
    static func clean(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }

    /// Runs `sql` with `$1…` parameters (text, nil for NULL). Without parameters, several
    /// statements may be sent at once (simple query protocol).
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws -> PGResult {
        let result: OpaquePointer?
        if params.isEmpty {
            result = PQexec(conn, sql)
        } else {
            let cParams = params.map { $0.flatMap { strdup($0) } }
            defer { cParams.forEach { free($0) } }
            result = cParams.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: p.count) { pp in
                    PQexecParams(conn, sql, Int32(params.count), nil, pp, nil, nil, 0)
                }
            }
        }
        guard let result else {
            throw PostgresError(sqlState: nil, message: Self.clean(String(cString: PQerrorMessage(conn))), connectionLost: !isOK)
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = Self.clean(String(cString: PQresultErrorMessage(result)))
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            PQclear(result)
            // Class 08 (connection exception) and 57P (operator intervention: shutdown) lose the session.
            let lost = !isOK || (state?.hasPrefix("08") ?? false) || (state?.hasPrefix("57P") ?? false)
            throw PostgresError(sqlState: state, message: message.isEmpty ? "PostgreSQL error" : message, connectionLost: lost)
        }
        return PGResult(result)
    }

    /// The socket, for waiting on notifications.
    var socket: Int32 { PQsocket(conn) }

    /// Reads what arrived on the socket and returns the notifications' channels.
    func notifications() throws -> [String] {
        guard PQconsumeInput(conn) == 1 else {
            throw PostgresError(sqlState: nil, message: Self.clean(String(cString: PQerrorMessage(conn))), connectionLost: true)
        }
        var channels: [String] = []
        while let n = PQnotifies(conn) {
            channels.append(String(cString: n.pointee.relname))
            PQfreemem(n)
        }
        return channels
    }
}

/// A result in text format; freed with the value.
final class PGResult {
    let result: OpaquePointer
    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    var count: Int { Int(PQntuples(result)) }
    var columns: Int { Int(PQnfields(result)) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    var affected: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func int(_ row: Int, _ column: Int) -> Int64? { text(row, column).flatMap { Int64($0) } }
    func double(_ row: Int, _ column: Int) -> Double? { text(row, column).flatMap { Double($0) } }
    func bool(_ row: Int, _ column: Int) -> Bool? { text(row, column).map { $0 == "t" } }
    func timestamp(_ row: Int, _ column: Int) -> Date? { text(row, column).flatMap(PGText.timestamp) }

    /// Each row as a view, for decoding by column name.
    var rows: [PGRow] { (0..<count).map { PGRow(result: self, index: $0) } }
}

/// One row of a result.
struct PGRow {
    let result: PGResult
    let index: Int
    func text(_ c: Int) -> String? { result.text(index, c) }
    func int(_ c: Int) -> Int64? { result.int(index, c) }
    func double(_ c: Int) -> Double? { result.double(index, c) }
    func bool(_ c: Int) -> Bool? { result.bool(index, c) }
    func timestamp(_ c: Int) -> Date? { result.timestamp(index, c) }
}
