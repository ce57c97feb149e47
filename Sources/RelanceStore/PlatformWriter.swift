/// A value of a platform row, as the demo writes it.
public enum PlatformCell: Sendable, Hashable {
    case null, int(Int64), double(Double), text(String), bool(Bool)
}

/// Rows of one platform table, in the contract's column names.
public struct PlatformRows: Sendable {
    public let table: String
    public let columns: [String]
    public var rows: [[PlatformCell]]

    public init(table: String, columns: [String], rows: [[PlatformCell]] = []) {
        self.table = table; self.columns = columns; self.rows = rows
    }
}

/// Writes platform rows (the demo's; relance itself never writes the platform's tables).
public protocol PlatformWriter: Sendable {
    /// Inserts every table's rows in one transaction, in the order given.
    func insertPlatformRows(_ tables: [PlatformRows]) throws
    /// Rows in a platform table.
    func platformRowCount(_ table: String) throws -> Int
}
