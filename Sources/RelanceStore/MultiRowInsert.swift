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

    /// Inserts `rows` (each of `columns` values); `each` runs each statement (e.g. to read its RETURNING rows).
    func run(_ rows: [[(any DatabaseValueConvertible)?]],
             each: (Statement) throws -> Void = { try $0.execute() }) throws {
        var full: Statement?
        var start = 0
        while start < rows.count {
            let count = min(batch, rows.count - start)
            let statement: Statement
            if count == batch, let full {
                statement = full
            } else {
                statement = try db.makeStatement(sql: sql(rows: count))
                if count == batch { full = statement }
            }
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(count * columns)
            for row in rows[start..<start + count] {
                precondition(row.count == columns, "\(head): \(row.count) values for \(columns) columns")
                values.append(contentsOf: row)
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
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + batch)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            try db.execute(sql: "\(head) (\(marks))", arguments: StatementArguments(chunk))
            start += chunk.count
        }
    }
}
