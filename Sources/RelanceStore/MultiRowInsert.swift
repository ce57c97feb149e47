import GRDB

/// `INSERT … VALUES (…), (…), …` in batches of up to `batch` rows: one
/// statement prepared for the full batches and one for the remainder, so a
/// cycle recording thousands of rows steps a few dozen statements instead of
/// thousands.
struct MultiRowInsert {
    let db: Database
    let head: String
    let columns: Int
    let tail: String
    let batch: Int

    init(_ db: Database, _ head: String, columns: Int, tail: String = "", batch: Int = 200) {
        self.db = db; self.head = head; self.columns = columns; self.tail = tail; self.batch = batch
    }

    /// Inserts `count` rows, `row(i, &values)` appending row i's `columns` values; `each` runs
    /// each statement (e.g. to read its RETURNING rows). Values go into one flat buffer per
    /// statement: no array per row, no boxed value per column.
    func run(count rowCount: Int, row: (Int, inout [DatabaseValue]) -> Void,
             each: (Statement) throws -> Void = { try $0.execute() }) throws {
        var full: Statement?
        var start = 0
        var values: [DatabaseValue] = []
        while start < rowCount {
            let count = min(batch, rowCount - start)
            let statement: Statement
            if count == batch, let full {
                statement = full
            } else {
                statement = try db.makeStatement(sql: sql(rows: count))
                if count == batch { full = statement }
            }
            values.removeAll(keepingCapacity: true)
            values.reserveCapacity(count * columns)
            for i in start..<start + count {
                let before = values.count
                row(i, &values)
                precondition(values.count - before == columns, "\(head): \(values.count - before) values for \(columns) columns")
            }
            statement.setUncheckedArguments(StatementArguments(values))
            try each(statement)
            start += count
        }
    }

    func sql(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return "\(head) VALUES \(Array(repeating: one, count: rows).joined(separator: ",")) \(tail)"
    }
}

/// `DELETE … WHERE column IN (…)` in batches of up to `batch` ids.
struct MultiRowDelete {
    let db: Database
    let head: String
    let batch = 500

    init(_ db: Database, _ head: String) { self.db = db; self.head = head }

    func run(_ ids: [Int64]) throws {
        for list in SQLiteStore.idLists(ids, size: batch) { try db.execute(sql: "\(head) (\(list))") }
    }
}
