import Foundation
import GRDB
import RelanceCore
import RelanceStore

/// Test support shared by the test targets (not shipped).
/// A throwaway store in a temporary folder, with helpers to write platform rows.
public struct StoreFixture: Sendable {
    public let dir: URL
    public let store: SQLiteStore

    /// `constraints: false` makes the platform's tables with the contract's columns but no
    /// types, keys, CHECKs or NOT NULLs: a platform that does not enforce the contract.
    public init(migrateUpTo: String? = nil, constraints: Bool = true) throws {
        dir = try TemporaryFolders.make("test")
        let path = dir.appendingPathComponent("store.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: constraints ? Contract.ddl(.sqlite) : try Self.unconstrainedDDL()) }
        try queue.close()
        store = try SQLiteStore(path: path, migrateUpTo: migrateUpTo)
    }

    /// Opens an existing store file (a copy of another fixture's).
    public init(copying other: StoreFixture) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("store.sqlite").path
        try other.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try FileManager.default.copyItem(atPath: other.path, toPath: path)
        store = try SQLiteStore(path: path)
    }

    /// The contract's tables and columns, each column untyped and unconstrained.
    public static func unconstrainedDDL() throws -> String {
        let queue = try DatabaseQueue()
        try queue.write { db in try db.execute(sql: Contract.ddl(.sqlite)) }
        return try queue.read { db in
            try Contract.tables.map { table in
                let columns = try db.columns(in: table).map(\.name)
                return "CREATE TABLE \(table) (\(columns.joined(separator: ", ")));"
            }.joined(separator: "\n")
        }
    }

    /// Every column of every platform table, in contract order.
    public static func contractColumns() throws -> [(table: String, column: String)] {
        let queue = try DatabaseQueue()
        try queue.write { db in try db.execute(sql: Contract.ddl(.sqlite)) }
        return try queue.read { db in
            try Contract.tables.flatMap { table in try db.columns(in: table).map { (table, $0.name) } }
        }
    }

    public var path: String { store.path }

    public func sql(_ text: String, _ args: StatementArguments = []) throws {
        try store.pool.write { db in try db.execute(sql: text, arguments: args) }
    }

    public func count(_ text: String, _ args: StatementArguments = []) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: text, arguments: args) ?? 0 }
    }

    public static func t(_ s: String) -> Date { Timestamp.parse(s)! }

    /// A Paris practitioner with an email, optionally an assistant.
    public func practitioner(_ id: Int64, profile: String = "complete", email: String? = "dr@example.fr",
                      lat: Double? = 48.8566, lon: Double? = 2.3522, notify: Int = 1, sms: Int = 0,
                      phone: String? = nil, forward: Int = 0, open: Int = 1, procedures: [String] = []) throws {
        try sql("""
            INSERT INTO practitioners (id, display_name, email, phone, profile, latitude, longitude,
                notify_each_request, sms_alerts, forward_full_text, messaging_open)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, "Dr Praticien \(id)", email, phone, profile, lat, lon, notify, sms, forward, open])
        for p in procedures {
            try sql("INSERT INTO practitioner_procedures (practitioner_id, procedure) VALUES (?, ?)", [id, p])
        }
    }

    public func patient(_ id: Int64, email: String? = "patient@example.org", phone: String? = nil, smsOptIn: Int = 0) throws {
        try sql("INSERT INTO patients (id, display_name, email, phone, sms_opt_in) VALUES (?, ?, ?, ?, ?)",
                [id, "Zoé Patiente \(id)", email, phone, smsOptIn])
    }

    /// A request with its first patient message at `created`.
    public func request(_ id: Int64, practitioner: Int64, patient: Int64, created: String, status: String = "new",
                 procedure: String? = nil, firstRead: String? = nil, answered: String? = nil,
                 refusal: String? = nil, updated: String? = nil, messageID: Int64? = nil) throws {
        try sql("""
            INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, refusal_reason, created_at,
                first_read_at, answered_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, practitioner, patient, procedure, status, refusal, created, firstRead, answered,
                  updated ?? answered ?? firstRead ?? created])
        try sql("""
            INSERT INTO messages (id, request_id, author, author_id, body, created_at)
            VALUES (?, ?, 'patient', ?, 'Bonjour docteur, texte médical confidentiel', ?)
            """, [messageID ?? id * 100, id, patient, created])
    }
}
