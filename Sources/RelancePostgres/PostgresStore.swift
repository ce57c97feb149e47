import Foundation
import RelanceCore
import RelanceStore

/// The PostgreSQL store: the platform's tables plus relance's own, over libpq.
///
/// One connection, used by one thread at a time; several replicas share the
/// database: the rule pass runs under a transaction-scoped advisory lock,
/// decisions are inserted once by key, outbox rows are claimed with
/// `FOR UPDATE SKIP LOCKED` and a lease. No transaction is held across network I/O.
///
/// A lost connection fails the call in progress (its transaction rolled back by
/// the server); the next call reconnects, at most once per backoff step (1 s doubling to 30 s).
public final class PostgresStore: MessageStore, @unchecked Sendable {
    public let url: String
    let password: String?
    let lock = NSRecursiveLock()
    var connection: PGConnection?
    /// Open transactions on `connection` (a rule pass wraps the calls inside it).
    var depth = 0
    var backoff: TimeInterval = 0
    var nextAttempt = Date.distantPast
    var lastFailure: PostgresError?

    public var engine: StoreEngine { .postgres }

    /// Advisory lock keys (one namespace for relance): migrations, and the rule pass.
    static let migrationLock: Int64 = 0x7265_6C61_6E63_6501
    static let rulePassLock: Int64 = 0x7265_6C61_6E63_6502

    /// Connects and migrates relance's tables under an advisory lock (replicas starting
    /// together migrate once). A database without the platform's tables is refused.
    public init(url: String, password: String?, migrate: Bool = true) throws {
        self.url = url
        self.password = password
        if migrate { try self.migrate() }
    }

    /// The URL without its user and query, for messages: `postgresql://host:port/db`.
    public var location: String { Self.redacted(url) }

    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return "postgresql" }
        var rest = url[scheme.upperBound...]
        if let q = rest.firstIndex(of: "?") { rest = rest[..<q] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(url[..<scheme.upperBound] + rest)
    }

    /// Runs `body` with the connection, connecting first when needed; a lost
    /// connection is dropped so that the next call reconnects.
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let c: PGConnection
        do {
            c = try connected()
        } catch let error as PostgresError {
            throw StoreUnavailable(location: location, reason: error.message)
        }
        do {
            return try body(c)
        } catch let error as PostgresError where error.connectionLost || !c.isOK {
            connection = nil
            depth = 0
            throw StoreUnavailable(location: location, reason: error.message)
        }
    }

    private func connected() throws -> PGConnection {
        if let connection { return connection }
        let now = Date()
        if now < nextAttempt, let lastFailure { throw lastFailure }
        do {
            let c = try PGConnection(url: url, password: password)
            connection = c
            backoff = 0
            lastFailure = nil
            return c
        } catch let error as PostgresError {
            backoff = min(30, max(1, backoff * 2))
            nextAttempt = now.addingTimeInterval(backoff)
            lastFailure = error
            throw error
        }
    }

    /// Runs `body` in a transaction, or inside the one already open (a rule pass).
    func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { c in
            if depth > 0 { return try body(c) }
            try c.exec("BEGIN")
            depth = 1
            defer { depth = 0 }
            do {
                let value = try body(c)
                try c.exec("COMMIT")
                return value
            } catch {
                if c.isOK { _ = try? c.exec("ROLLBACK") }
                throw error
            }
        }
    }

    /// A read: a single statement needs no transaction of its own.
    func query(_ sql: String, _ params: [String?] = []) throws -> PGResult {
        try withConnection { c in try c.exec(sql, params) }
    }

    public func withRulePass<T>(_ body: () throws -> T) throws -> T {
        try transaction { c in
            // Held until this transaction ends: a replica arriving meanwhile waits, then sees our commit.
            try c.exec("SELECT pg_advisory_xact_lock($1)", [String(Self.rulePassLock)])
            return try body()
        }
    }
}

extension PostgresStore {
    /// Runs SQL as it is (the tests' platform rows, the demo, the benchmarks): `$1…` parameters as text.
    public func execute(_ sql: String, _ params: [String?] = []) throws {
        try transaction { c in _ = try c.exec(sql, params) }
    }

    /// Every row of a query, each column as text (NULL as nil).
    public func rows(_ sql: String, _ params: [String?] = []) throws -> [[String?]] {
        let r = try query(sql, params)
        return (0..<r.count).map { i in (0..<r.columns).map { r.text(i, $0) } }
    }

    /// Drops the connection (the next call reconnects); for a clean stop.
    public func disconnect() {
        lock.lock()
        defer { lock.unlock() }
        connection = nil
        depth = 0
    }
}
