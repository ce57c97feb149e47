import RelanceStore

extension PostgresStore: PlatformWriter {
    /// Multi-row INSERTs of up to 1,000 rows, all in one transaction.
    public func insertPlatformRows(_ tables: [PlatformRows]) throws {
        try transaction { c in
            for t in tables {
                var start = 0
                while start < t.rows.count {
                    let chunk = t.rows[start..<min(t.rows.count, start + 1000)]
                    var params: [String?] = []
                    var tuples: [String] = []
                    for row in chunk {
                        var marks: [String] = []
                        for value in row {
                            params.append(Self.text(value))
                            marks.append("$\(params.count)")
                        }
                        tuples.append("(" + marks.joined(separator: ", ") + ")")
                    }
                    try c.exec("INSERT INTO \(t.table) (\(t.columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))", params)
                    start += chunk.count
                }
            }
        }
    }

    public func platformRowCount(_ table: String) throws -> Int {
        precondition(Contract.tables.contains(table), "not a platform table")
        return Int(try query("SELECT COUNT(*) FROM \(table)").int(0, 0) ?? 0)
    }

    static func text(_ value: PlatformCell) -> String? {
        switch value {
        case .null: return nil
        case .int(let v): return String(v)
        case .double(let v): return "\(v)"
        case .text(let v): return v
        case .bool(let v): return v ? "true" : "false"
        }
    }
}
