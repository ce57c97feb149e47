import Foundation
import GRDB
import RelanceCore

/// A platform row that breaks the store contract: skipped with this reason,
/// while every other row is processed.
public struct SkippedRow: Sendable, Hashable, CustomStringConvertible {
    public let table: String
    public let id: Int64?
    public let reason: String

    public var description: String { "\(table) row \(id.map(String.init) ?? "?") skipped: \(reason)" }
}

/// Decoding of the platform's rows into core values, checking the contract
/// field by field so that the skip reason names the column.
enum RowDecoder {
    struct Problem: Error { let reason: String }

    /// Each table's columns in a fixed order: rows are selected with these
    /// lists and read by position (GRDB's by-name lookup costs a scan per column).
    struct Columns: Sendable {
        let names: [String]
        let position: [String: Int]

        init(_ names: [String]) {
            self.names = names
            position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        }

        /// `a.id, a.display_name, …` for a SELECT.
        func select(_ alias: String) -> String { names.map { "\(alias).\($0)" }.joined(separator: ", ") }
    }

    static let practitionerColumns = Columns(["id", "display_name", "email", "phone", "profile", "specialty", "latitude",
        "longitude", "timezone", "locale", "messaging_open", "notify_each_request", "sms_alerts", "forward_full_text"])
    static let patientColumns = Columns(["id", "display_name", "email", "phone", "locale", "latitude", "longitude",
        "email_opt_in", "sms_opt_in"])
    static let assistantColumns = Columns(["id", "practitioner_id", "display_name", "email", "phone"])
    static let closureColumns = Columns(["practitioner_id", "starts_on", "ends_on", "note"])
    static let requestColumns = Columns(["id", "practitioner_id", "patient_id", "procedure", "status", "refusal_reason",
        "handled_outside", "secondary", "redirected_from", "created_at", "first_read_at", "answered_at", "closed_at", "updated_at"])
    static let messageColumns = Columns(["id", "request_id", "author", "author_id", "created_at", "deliver_at", "read_at"])

    /// A row selected with a `Columns` list, starting at `offset`.
    struct View {
        let row: Row
        let columns: Columns
        var offset = 0
        subscript<T: DatabaseValueConvertible>(_ name: String) -> T? {
            row[offset + columns.position[name]!]
        }
        func value(_ name: String) -> DatabaseValue { row[offset + columns.position[name]!] }
    }

    static func int64(_ row: View, _ column: String) throws(Problem) -> Int64 {
        guard let v: Int64 = row[column] else { throw Problem(reason: "\(column) is NULL") }
        return v
    }

    static func text(_ row: View, _ column: String) throws(Problem) -> String {
        guard let v: String = row[column] else { throw Problem(reason: "\(column) is NULL") }
        return v
    }

    static func bool(_ row: View, _ column: String, default value: Bool) throws(Problem) -> Bool {
        switch row.value(column).storage {
        case .null: return value
        case .int64(let i) where i == 0 || i == 1: return i == 1
        default: throw Problem(reason: "\(column) is not 0 or 1")
        }
    }

    static func timestamp(_ row: View, _ column: String) throws(Problem) -> Date {
        let raw = try text(row, column)
        guard let d = Timestamp.parse(raw) else {
            throw Problem(reason: "\(column) '\(raw.prefix(40))' is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
        }
        return d
    }

    static func optionalTimestamp(_ row: View, _ column: String) throws(Problem) -> Date? {
        guard let raw: String = row[column] else { return nil }
        guard let d = Timestamp.parse(raw) else {
            throw Problem(reason: "\(column) '\(raw.prefix(40))' is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
        }
        return d
    }

    static func enumValue<E: RawRepresentable>(_ row: View, _ column: String, _: E.Type) throws(Problem) -> E
        where E.RawValue == String {
        let raw = try text(row, column)
        guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(column) '\(raw.prefix(40))'") }
        return v
    }

    static func optionalEnum<E: RawRepresentable>(_ row: View, _ column: String, _: E.Type) throws(Problem) -> E?
        where E.RawValue == String {
        guard let raw: String = row[column] else { return nil }
        guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(column) '\(raw.prefix(40))'") }
        return v
    }

    static func practitioner(_ raw: Row, offset: Int = 0) throws(Problem) -> Practitioner {
        let row = View(row: raw, columns: practitionerColumns, offset: offset)
        return Practitioner(
            id: try int64(row, "id"), displayName: try text(row, "display_name"),
            email: row["email"], phone: row["phone"],
            profile: try enumValue(row, "profile", Practitioner.Profile.self),
            specialty: row["specialty"], latitude: row["latitude"], longitude: row["longitude"],
            timezone: (row["timezone"] as String?) ?? "Europe/Paris", locale: (row["locale"] as String?) ?? "fr",
            messagingOpen: try bool(row, "messaging_open", default: true),
            notifyEachRequest: try bool(row, "notify_each_request", default: true),
            smsAlerts: try bool(row, "sms_alerts", default: false),
            forwardFullText: try bool(row, "forward_full_text", default: false))
    }

    static func patient(_ raw: Row, offset: Int = 0) throws(Problem) -> Patient {
        let row = View(row: raw, columns: patientColumns, offset: offset)
        return Patient(
            id: try int64(row, "id"), displayName: try text(row, "display_name"),
            email: row["email"], phone: row["phone"], locale: (row["locale"] as String?) ?? "fr",
            latitude: row["latitude"], longitude: row["longitude"],
            emailOptIn: try bool(row, "email_opt_in", default: true),
            smsOptIn: try bool(row, "sms_opt_in", default: false))
    }

    static func assistant(_ raw: Row, offset: Int = 0) throws(Problem) -> Assistant {
        let row = View(row: raw, columns: assistantColumns, offset: offset)
        return Assistant(id: try int64(row, "id"), practitionerID: try int64(row, "practitioner_id"),
                  displayName: try text(row, "display_name"), email: row["email"], phone: row["phone"])
    }

    static func closure(_ raw: Row, offset: Int = 0) throws(Problem) -> Closure {
        let row = View(row: raw, columns: closureColumns, offset: offset)
        let s = try text(row, "starts_on"), e = try text(row, "ends_on")
        guard let start = CivilDate(iso: s) else { throw Problem(reason: "starts_on '\(s.prefix(20))' is not a date") }
        guard let end = CivilDate(iso: e) else { throw Problem(reason: "ends_on '\(e.prefix(20))' is not a date") }
        return Closure(practitionerID: try int64(row, "practitioner_id"), startsOn: start, endsOn: end, note: row["note"])
    }

    static func request(_ raw: Row, offset: Int = 0) throws(Problem) -> Request {
        let row = View(row: raw, columns: requestColumns, offset: offset)
        return Request(
            id: try int64(row, "id"), practitionerID: try int64(row, "practitioner_id"),
            patientID: try int64(row, "patient_id"), procedure: row["procedure"],
            status: try enumValue(row, "status", Request.Status.self),
            refusalReason: try optionalEnum(row, "refusal_reason", Request.RefusalReason.self),
            handledOutside: try optionalEnum(row, "handled_outside", Request.HandledOutside.self),
            secondary: try bool(row, "secondary", default: false), redirectedFrom: row["redirected_from"],
            createdAt: try timestamp(row, "created_at"), firstReadAt: try optionalTimestamp(row, "first_read_at"),
            answeredAt: try optionalTimestamp(row, "answered_at"), closedAt: try optionalTimestamp(row, "closed_at"),
            updatedAt: try timestamp(row, "updated_at"))
    }

    static func message(_ raw: Row, offset: Int = 0) throws(Problem) -> Message {
        let row = View(row: raw, columns: messageColumns, offset: offset)
        return Message(
            id: try int64(row, "id"), requestID: try int64(row, "request_id"),
            author: try enumValue(row, "author", Message.Author.self), authorID: try int64(row, "author_id"),
            createdAt: try timestamp(row, "created_at"), deliverAt: try optionalTimestamp(row, "deliver_at"),
            readAt: try optionalTimestamp(row, "read_at"))
    }
}
