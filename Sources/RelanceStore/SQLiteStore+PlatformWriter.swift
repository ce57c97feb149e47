import GRDB

extension SQLiteStore: PlatformWriter {
    public func insertPlatformRows(_ tables: [PlatformRows]) throws {
        try pool.write { db in try Self.insert(tables, into: db) }
    }

    public func platformRowCount(_ table: String) throws -> Int {
        precondition(Contract.tables.contains(table), "not a platform table")
        return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// One prepared statement per table; booleans as the contract's 0/1.
    public static func insert(_ tables: [PlatformRows], into db: Database) throws {
        for t in tables {
            let marks = Array(repeating: "?", count: t.columns.count).joined(separator: ", ")
            let statement = try db.makeStatement(sql: "INSERT INTO \(t.table) (\(t.columns.joined(separator: ", "))) VALUES (\(marks))")
            for row in t.rows {
                try statement.execute(arguments: StatementArguments(row.map { value -> DatabaseValue in
                    switch value {
                    case .null: return .null
                    case .int(let v): return v.databaseValue
                    case .double(let v): return v.databaseValue
                    case .text(let v): return v.databaseValue
                    case .bool(let v): return (v ? 1 : 0).databaseValue
                    }
                }))
            }
        }
    }
}
