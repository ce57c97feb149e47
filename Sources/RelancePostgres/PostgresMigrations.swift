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
                try c.exec(m.sql)
                try c.exec("INSERT INTO relance_migrations (id) VALUES ($1)", [m.id])
            }
        }
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
