import Foundation
import GRDB

/// SQLite's side of defensive decoding: platform rows become `PlatformValue`s
/// through `DatabaseValue.storage`, which never traps, whatever a column holds.
/// GRDB's typed subscripts (`row["x"] as String`) trap on a mismatched type and
/// are never used on platform data (a test fails if one is added).
extension SQLiteStore {
    static func platformValue(_ value: DatabaseValue) -> PlatformValue {
        switch value.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let data): .blob(data)
        }
    }

    /// The rows of `sql`, each read as values of `columns` (in that order, from `offset`).
    /// `cached`: the statement is kept prepared on the connection (for SQL text that never changes).
    static func platformRows(_ db: Database, _ columns: RowDecoder.Columns, sql: String,
                             arguments: StatementArguments = [], cached: Bool = false) throws -> [PlatformRow] {
        var rows: [PlatformRow] = []
        let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let cursor = try Row.fetchCursor(statement)
        // Each value read once, straight from the statement's current row (no intermediate Row values).
        let sqlite = statement.sqliteStatement
        let count = CInt(statement.columnCount)
        while try cursor.next() != nil {
            var values: [PlatformValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count { values.append(platformValue(DatabaseValue(sqliteStatement: sqlite, index: i))) }
            rows.append(PlatformRow(values: values, columns: columns))
        }
        return rows
    }

    /// `sql` ending in `IN`, over `ids`: one statement, prepared once per connection, whatever
    /// the number of ids (they go in as one JSON array, read by `json_each`). Chunks of 500
    /// bound ids, or of 500 literals, cost a statement preparation each (17 % of a large read).
    static func platformRowsIn(_ db: Database, _ columns: RowDecoder.Columns, _ sql: String, _ ids: [Int64],
                               suffix: String = "") throws -> [PlatformRow] {
        guard !ids.isEmpty else { return [] }
        return try platformRows(db, columns, sql: "\(sql) (\(idsIn)) \(suffix)", arguments: [jsonArray(ids)], cached: true)
    }

    /// The subquery that reads the ids of a `jsonArray` argument.
    static let idsIn = "SELECT value FROM json_each(?)"

    /// `[12,15,40]`: integers need no escaping.
    static func jsonArray(_ ids: [Int64]) -> String {
        var text = "["
        text.reserveCapacity(ids.count * 8 + 2)
        for (i, id) in ids.enumerated() {
            if i > 0 { text += "," }
            text += String(id)
        }
        return text + "]"
    }
}
