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
        let statement = try db.makeStatement(sql: sql)
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

    /// `sql` ending in `IN`, run over `ids` in chunks of 500.
    static func platformRowsIn(_ db: Database, _ columns: RowDecoder.Columns, _ sql: String, _ ids: [Int64],
                               suffix: String = "") throws -> [PlatformRow] {
        var rows: [PlatformRow] = []
        for list in idLists(ids) { rows += try platformRows(db, columns, sql: "\(sql) (\(list)) \(suffix)") }
        return rows
    }

    /// `ids` as SQL lists of integer literals (`12,15,40`), 500 at a time: integers need no
    /// escaping, and a literal list costs less than 500 bound arguments, each boxed.
    static func idLists(_ ids: [Int64], size: Int = 500) -> [String] {
        stride(from: 0, to: ids.count, by: size).map { start in
            ids[start..<min(ids.count, start + size)].map(String.init).joined(separator: ",")
        }
    }
}
