import TOMLKit

/// A parsed TOML value as plain Swift data, detached from TOMLKit's C++ nodes so that
/// validation works on `Sendable` values.
enum TOMLNode: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLNode])
    case table([String: TOMLNode])
    /// A date, time or date-time, which no key of the config accepts; the payload names the kind.
    case other(String)

    init(_ value: any TOMLValueConvertible) {
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = .integer(value.int ?? 0)
        case .double: self = .float(value.double ?? 0)
        case .bool: self = .boolean(value.bool ?? false)
        case .array: self = .array(value.array.map { $0.map(TOMLNode.init) } ?? [])
        case .table: self = .table(value.table.map(TOMLNode.entries) ?? [:])
        case .date: self = .other("a date")
        case .time: self = .other("a time")
        case .dateTime: self = .other("a date-time")
        }
    }

    /// The entries of a TOMLKit table.
    static func entries(of table: TOMLTable) -> [String: TOMLNode] {
        var result: [String: TOMLNode] = [:]
        for (key, value) in table {
            result[key] = TOMLNode(value)
        }
        return result
    }

    /// "a string", "an integer"…, for "expected X, found Y" messages.
    var kindDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .other(let kind): kind
        }
    }
}
