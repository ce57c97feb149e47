import GRDB

extension SQLiteStore {
    /// The contract's tables and columns absent from the file at `path` (read-only: nothing is created or migrated).
    public static func missingContract(path: String) throws -> [String] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            var missing: [String] = []
            for table in Contract.tables {
                guard try db.tableExists(table) else { missing.append("table \(table)"); continue }
                let present = Set(try db.columns(in: table).map(\.name))
                for column in Contract.columns[table] ?? [] where !present.contains(column) { missing.append("\(table).\(column)") }
            }
            return missing
        }
    }
}
