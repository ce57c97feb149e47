import Foundation
import GRDB
import RelanceCore
import RelancePostgres
import RelanceStore

/// An engine the engine-parameterised tests run against.
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// Raw SQL on a throwaway store of one engine, for the tests' platform rows.
/// Placeholders are `?`; values are Int, Int64, Double, String, Bool or nil.
public protocol SQLAccess: Sendable {
    func sql(_ text: String, _ args: [(any Sendable)?]) throws
    func count(_ text: String, _ args: [(any Sendable)?]) throws -> Int
    /// The first column of each row, as text (NULL as nil).
    func texts(_ text: String, _ args: [(any Sendable)?]) throws -> [String?]
}

/// A throwaway store of one engine, with its raw SQL access and the helpers
/// writing platform rows, the same on every engine.
public final class EngineFixture: Sendable {
    public let engine: TestEngine
    public let store: any MessageStore
    public let db: any SQLAccess
    /// Where the SQLite file or the PostgreSQL database is, for the commands' configs.
    public let location: String
    /// For `[store]` of a config: `path = …` or `engine = "postgres"` and `url = …`.
    public let storeTOML: String

    public init(engine: TestEngine, store: any MessageStore, db: any SQLAccess, location: String, storeTOML: String) {
        self.engine = engine; self.store = store; self.db = db; self.location = location; self.storeTOML = storeTOML
    }

    /// A new empty contract store of `engine`, migrated.
    public static func make(_ engine: TestEngine) throws -> EngineFixture {
        switch engine {
        case .sqlite:
            let f = try StoreFixture()
            return EngineFixture(engine: .sqlite, store: f.store, db: SQLiteAccess(pool: f.store.pool), location: f.path,
                                 storeTOML: "path = \"\(f.path)\"")
        case .postgres:
            let cluster = try PostgresCluster.get()
            let url = cluster.url(try cluster.createDatabase())
            let store = try PostgresStore.create(url: url, password: PostgresCluster.password)
            return EngineFixture(engine: .postgres, store: store, db: PostgresAccess(store: store), location: url,
                                 storeTOML: "engine = \"postgres\"\nurl = \"\(url)\"\npassword_file = \"\(cluster.passwordFile)\"")
        }
    }

    public struct NoEngine: Error, CustomStringConvertible {
        public let engine: TestEngine
        public var description: String { "no \(engine) engine in this test run" }
    }

    public func sql(_ text: String, _ args: [(any Sendable)?] = []) throws { try db.sql(text, args) }
    public func count(_ text: String, _ args: [(any Sendable)?] = []) throws -> Int { try db.count(text, args) }
    public func texts(_ text: String, _ args: [(any Sendable)?] = []) throws -> [String?] { try db.texts(text, args) }

    public static func t(_ s: String) -> Date { Timestamp.parse(s)! }

    /// A Paris practitioner with an email, optionally procedures.
    public func practitioner(_ id: Int64, profile: String = "complete", email: String? = "dr@example.fr",
                             lat: Double? = 48.8566, lon: Double? = 2.3522, notify: Bool = true, sms: Bool = false,
                             phone: String? = nil, forward: Bool = false, open: Bool = true, procedures: [String] = []) throws {
        try sql("""
            INSERT INTO practitioners (id, display_name, email, phone, profile, latitude, longitude,
                notify_each_request, sms_alerts, forward_full_text, messaging_open)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [id, "Dr Praticien \(id)", email, phone, profile, lat, lon, notify, sms, forward, open])
        for p in procedures {
            try sql("INSERT INTO practitioner_procedures (practitioner_id, procedure) VALUES (?, ?)", [id, p])
        }
    }

    public func patient(_ id: Int64, email: String? = "patient@example.org", phone: String? = nil, smsOptIn: Bool = false) throws {
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
        try message(messageID ?? id * 100, request: id, author: "patient", authorID: patient, created: created)
    }

    public func message(_ id: Int64, request: Int64, author: String, authorID: Int64, created: String,
                        deliverAt: String? = nil, body: String = "Bonjour docteur, texte médical confidentiel") throws {
        try sql("""
            INSERT INTO messages (id, request_id, author, author_id, body, created_at, deliver_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [id, request, author, authorID, body, created, deliverAt])
    }
}

/// `SQLAccess` over GRDB.
struct SQLiteAccess: SQLAccess {
    let pool: DatabasePool

    func arguments(_ args: [(any Sendable)?]) -> StatementArguments {
        StatementArguments(args.map { value -> DatabaseValue in
            switch value {
            case nil: return .null
            case let v as Bool: return (v ? 1 : 0).databaseValue
            case let v as Int: return v.databaseValue
            case let v as Int64: return v.databaseValue
            case let v as Double: return v.databaseValue
            case let v as String: return v.databaseValue
            case let v?: return "\(v)".databaseValue
            }
        })
    }

    func sql(_ text: String, _ args: [(any Sendable)?]) throws {
        try pool.write { db in try db.execute(sql: text, arguments: arguments(args)) }
    }

    func count(_ text: String, _ args: [(any Sendable)?]) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: text, arguments: arguments(args)) ?? 0 }
    }

    func texts(_ text: String, _ args: [(any Sendable)?]) throws -> [String?] {
        try pool.read { db in
            try Row.fetchAll(db, sql: text, arguments: arguments(args)).map { row -> String? in
                let v: DatabaseValue = row[0]
                switch v.storage {
                case .null: return nil
                case .int64(let i): return String(i)
                case .double(let d): return String(d)
                case .string(let s): return s
                case .blob(let b): return String(decoding: b, as: UTF8.self)
                }
            }
        }
    }
}

extension TestEngine {
    /// The engines of this test run.
    public static let underTest: [TestEngine] = [.sqlite, .postgres]
}

/// `SQLAccess` over the PostgreSQL store's own connection: `?` become `$1…`, values go as text.
struct PostgresAccess: SQLAccess {
    let store: PostgresStore

    static func numbered(_ sql: String) -> String {
        var out = "", n = 0, quoted = false
        for c in sql {
            if c == "'" { quoted.toggle() }
            if c == "?" && !quoted { n += 1; out += "$\(n)" } else { out.append(c) }
        }
        return out
    }

    static func text(_ args: [(any Sendable)?]) -> [String?] {
        args.map { value -> String? in
            switch value {
            case nil: return nil
            case let v as Bool: return v ? "true" : "false"
            case let v?: return "\(v)"
            }
        }
    }

    func sql(_ text: String, _ args: [(any Sendable)?]) throws { try store.execute(Self.numbered(text), Self.text(args)) }

    func count(_ text: String, _ args: [(any Sendable)?]) throws -> Int {
        Int(try store.rows(Self.numbered(text), Self.text(args)).first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    func texts(_ text: String, _ args: [(any Sendable)?]) throws -> [String?] {
        try store.rows(Self.numbered(text), Self.text(args)).map { $0.first.flatMap { $0 } }
    }
}
