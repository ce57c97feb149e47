import GRDB
import GRDBSQLite

/// `INSERT … VALUES (…), (…), …` in batches of up to `batch` rows: one
/// statement prepared for the full batches and one for the remainder, so a
/// cycle recording thousands of rows steps a few dozen statements instead of
/// thousands. Values are bound straight to SQLite (`RowBinder`): building GRDB
/// arguments (a `DatabaseValue` per value, mapped through a key path, then bound)
/// was 30 % of a cycle's record step.
struct MultiRowInsert {
    let db: Database
    let head: String
    let columns: Int
    let tail: String
    let batch: Int

    init(_ db: Database, _ head: String, columns: Int, tail: String = "", batch: Int = 200) {
        self.db = db; self.head = head; self.columns = columns; self.tail = tail; self.batch = batch
    }

    /// Inserts `count` rows, `row(i, &binder)` binding row i's `columns` values in order;
    /// `returned` reads each row of a RETURNING clause.
    func run(count rowCount: Int, row: (Int, inout RowBinder) -> Void,
             returned: ((OpaquePointer) -> Void)? = nil) throws {
        var full: Statement?
        var start = 0
        while start < rowCount {
            let count = min(batch, rowCount - start)
            let statement: Statement
            if count == batch, let full {
                statement = full
            } else {
                statement = try db.makeStatement(sql: sql(rows: count))
                if count == batch { full = statement }
            }
            let sqlite = statement.sqliteStatement
            sqlite3_reset(sqlite)
            var binder = RowBinder(statement: sqlite)
            for i in start..<start + count {
                let before = binder.index
                row(i, &binder)
                precondition(Int(binder.index - before) == columns, "\(head): \(binder.index - before) values for \(columns) columns")
            }
            if let code = binder.failure { throw Self.error(code, sqlite) }
            while true {
                let code = sqlite3_step(sqlite)
                if code == SQLITE_ROW { returned?(sqlite); continue }
                if code == SQLITE_DONE { break }
                let error = Self.error(code, sqlite)
                sqlite3_reset(sqlite)
                throw error
            }
            sqlite3_reset(sqlite)
            start += count
        }
    }

    static func error(_ code: CInt, _ statement: OpaquePointer) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))),
                      sql: String(cString: sqlite3_sql(statement)))
    }

    func sql(rows: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return "\(head) VALUES \(Array(repeating: one, count: rows).joined(separator: ",")) \(tail)"
    }
}

/// `DELETE … WHERE column IN (…)` over ids, in one statement (see `platformRowsIn`).
struct MultiRowDelete {
    let db: Database
    let head: String

    init(_ db: Database, _ head: String) { self.db = db; self.head = head }

    func run(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try db.cachedStatement(sql: "\(head) (\(SQLiteStore.idsIn))").execute(arguments: [SQLiteStore.jsonArray(ids)])
    }
}

/// Binds one statement's values in order, straight to SQLite (text copied by SQLite).
struct RowBinder {
    let statement: OpaquePointer
    var index: CInt = 1
    /// The first code other than SQLITE_OK (a misuse: the insert fails with it).
    var failure: CInt?

    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private mutating func done(_ code: CInt) {
        if code != SQLITE_OK, failure == nil { failure = code }
        index += 1
    }

    mutating func text(_ value: String?) {
        guard var value else { return null() }
        let code = value.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL.
            bytes.isEmpty ? sqlite3_bind_text(statement, index, "", 0, Self.transient)
                : sqlite3_bind_text(statement, index, bytes.baseAddress, CInt(bytes.count), Self.transient)
        }
        done(code)
    }

    mutating func int(_ value: Int64?) {
        guard let value else { return null() }
        done(sqlite3_bind_int64(statement, index, value))
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    mutating func real(_ value: Double?) {
        guard let value else { return null() }
        done(sqlite3_bind_double(statement, index, value))
    }

    mutating func null() { done(sqlite3_bind_null(statement, index)) }
}
