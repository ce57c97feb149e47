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
    static func platformRows(_ db: Database, _ columns: RowDecoder.Columns, sql: String,
                             arguments: StatementArguments = []) throws -> [PlatformRow] {
        var rows: [PlatformRow] = []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() {
            rows.append(PlatformRow(values: row.databaseValues.map(platformValue), columns: columns))
        }
        return rows
    }

    /// `sql` ending in `IN`, run over `ids` in chunks (SQLite bounds host parameters).
    static func platformRowsIn(_ db: Database, _ columns: RowDecoder.Columns, _ sql: String, _ ids: [Int64],
                               suffix: String = "") throws -> [PlatformRow] {
        var rows: [PlatformRow] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            rows += try platformRows(db, columns, sql: "\(sql) (\(marks)) \(suffix)", arguments: StatementArguments(chunk))
            start += chunk.count
        }
        return rows
    }
}
