import Foundation
import RelanceStore

extension PostgresStore {
    /// Why a database cannot be used as relance's store.
    public struct ContractError: Error, CustomStringConvertible {
        public let location: String
        /// Each missing table, or `table.column`.
        public let missing: [String]
        public var description: String {
            "\(location) is not a store of the contract: missing \(missing.joined(separator: ", ")); see `relance schema --engine postgres`"
        }
    }

    /// The contract's tables and columns absent from the database (empty when all are there).
    public func missingContract() throws -> [String] {
        let result = try query("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ANY($1::text[])
            """, [PGText.array(Contract.tables.map { Optional($0) })])
        var present: [String: Set<String>] = [:]
        for row in result.rows { present[row.text(0) ?? "", default: []].insert(row.text(1) ?? "") }
        var missing: [String] = []
        for table in Contract.tables {
            guard let columns = present[table] else { missing.append("table \(table)"); continue }
            for column in Contract.columns[table] ?? [] where !columns.contains(column) { missing.append("\(table).\(column)") }
        }
        return missing
    }

    /// Applies relance's pending migrations in one transaction under an advisory lock:
    /// replicas starting together wait for the first, then find nothing to do.
    public func migrate() throws {
        let missing = try missingContract()
        guard missing.isEmpty else { throw ContractError(location: location, missing: missing) }
        try transaction { c in
            try c.exec("SELECT pg_advisory_xact_lock($1)", [String(Self.migrationLock)])
            try c.exec("""
                CREATE TABLE IF NOT EXISTS relance_migrations (
                    id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let applied = Set(try c.exec("SELECT id FROM relance_migrations").rows.compactMap { $0.text(0) })
            for m in RelanceMigrations.all(.postgres) where !applied.contains(m.id) {
                for statement in Self.statements(m.sql) {
                    // Only a table's owner may index it, even when the index exists: one the platform
                    // created beforehand (a least-privilege relance role) is left as it is.
                    if let name = Self.indexName(statement),
                       try c.exec("SELECT to_regclass($1) IS NOT NULL", [name]).bool(0, 0) == true { continue }
                    try c.exec(statement)
                }
                try c.exec("INSERT INTO relance_migrations (id) VALUES ($1)", [m.id])
            }
        }
    }

    /// A migration's statements (they end with `;` at the end of a line), without comment lines.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = [], current = ""
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            current += line + "\n"
            if trimmed.hasSuffix(";") { out.append(current); current = "" }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(current) }
        return out
    }

    /// `name` of a `CREATE INDEX IF NOT EXISTS name ON …`.
    static func indexName(_ statement: String) -> String? {
        let words = statement.split(whereSeparator: \.isWhitespace)
        guard words.count > 6, words[0].uppercased() == "CREATE", words[1].uppercased() == "INDEX",
              words[2].uppercased() == "IF", words[3].uppercased() == "NOT", words[4].uppercased() == "EXISTS" else { return nil }
        return String(words[5])
    }

    /// Migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try query("SELECT id FROM relance_migrations ORDER BY applied_at, id").rows.compactMap { $0.text(0) }
    }

    /// Creates the platform's tables in an empty database (the demo and the tests), then migrates.
    public static func create(url: String, password: String?) throws -> PostgresStore {
        let store = try PostgresStore(url: url, password: password, migrate: false)
        let missing = try store.missingContract()
        if missing == Contract.tables.map({ "table \($0)" }) {
            try store.transaction { c in try c.exec(Contract.ddl(.postgres)) }
        }
        try store.migrate()
        return store
    }
}
