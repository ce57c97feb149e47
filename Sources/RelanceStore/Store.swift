import Foundation
import GRDB

/// The SQLite store: the platform's tables plus relance's own, in WAL mode.
///
/// Reads run in snapshot transactions; writes are short IMMEDIATE
/// transactions. No transaction is ever held across network I/O.
public final class SQLiteStore: Sendable {
    public let path: String
    public let pool: DatabasePool

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open store \(path): \(reason)" }
    }

    /// Opens (creating if needed) and migrates relance's tables up to `upTo` (all when nil).
    public init(path: String, busyTimeout: TimeInterval = 5, migrateUpTo: String? = nil) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        // The platform creates the store; opening a missing one is an error, never a new empty file.
        guard FileManager.default.fileExists(atPath: path) else {
            throw OpenError(path: path, reason: "no such file; the platform's store must exist (`relance demo --store PATH` makes one to try relance)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // A committed decision must survive a power cut, not only a crash: once the outbox
            // row is sent, losing its commit would decide and send it again. Set here, on the
            // writer, because GRDB sets NORMAL when it turns WAL on, after `prepareDatabase`
            // (where this setting was once made, and silently undone).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw OpenError(path: path, reason: "\(error)")
        }
        try migrate(upTo: migrateUpTo)
    }

    /// Runs pending migrations; a store without the platform's tables is refused.
    public func migrate(upTo target: String? = nil) throws {
        let missing = try pool.read { db in try Contract.tables.filter { try !db.tableExists($0) } }
        guard missing.isEmpty else {
            throw OpenError(path: path, reason: "not a store of the contract: missing table(s) \(missing.joined(separator: ", ")); see `relance schema`")
        }
        let migrator = RelanceMigrations.migrator()
        // A current schema is checked in a read: commands that only read never wait for the
        // platform's write lock (they would fail after busy_timeout while it holds one).
        let current = try pool.read { db in
            let applied = Set(try migrator.appliedIdentifiers(db))
            let wanted = target.map { t in Array(migrator.migrations.prefix { $0 != t }) + [t] } ?? migrator.migrations
            return Set(wanted).isSubset(of: applied)
        }
        guard !current else { return }
        if let target { try migrator.migrate(pool, upTo: target) } else { try migrator.migrate(pool) }
    }

    /// Creates the platform's tables (for the demo and tests) then migrates.
    public static func create(path: String) throws -> SQLiteStore {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.write { db in try db.execute(sql: Contract.ddl(.sqlite)) }
        try queue.close()
        return try SQLiteStore(path: path)
    }

    /// A write whose loss in a power cut costs nothing, committed without waiting for the disk
    /// (`synchronous = NORMAL` for this one transaction): a lease, a cycle's ingest. Were it lost,
    /// its rows would only come due again; the next write at FULL syncs the log, this one with it.
    func unsyncedWrite<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                let result = try body(db)
                try db.execute(sql: "COMMIT")
                return result
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
    }

    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try RelanceMigrations.migrator().appliedMigrations(db) }
    }
}
