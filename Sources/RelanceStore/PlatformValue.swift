import Foundation
import RelanceCore

/// One value read from a platform table, as the engine stored it: nothing is
/// assumed about its type. Each engine converts its own values to this
/// (never trapping), and `PlatformRow`'s checks turn it into a typed value or
/// a `Problem` that names the column and what is wrong, never the value.
public enum PlatformValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// What kind of value this is, for a skip reason.
    var kind: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        case .blob: "a BLOB"
        }
    }
}

/// Why a platform row cannot be used: the column and what is wrong with it.
/// Never carries the value itself (it may be a name, an address or a procedure).
struct Problem: Error, Sendable, Equatable {
    let column: String
    let what: String

    var reason: String { "\(column) \(what)" }
}

/// A platform row selected with a known column list, read by name.
/// The only way the store's SQL files look at platform values.
struct PlatformRow: Sendable {
    let values: [PlatformValue]
    let columns: RowDecoder.Columns
    var offset = 0

    init(values: [PlatformValue], columns: RowDecoder.Columns, offset: Int = 0) {
        self.values = values; self.columns = columns; self.offset = offset
    }

    /// The value of `name`; `.null` when the column is not in the list.
    func value(_ name: String) -> PlatformValue {
        // A scan of at most 14 names beats hashing `name` (most are small strings, compared as two words).
        guard let p = columns.names.firstIndex(of: name), offset + p < values.count else { return .null }
        return values[offset + p]
    }

    /// The row's id, when readable, for naming it in a skip reason.
    var id: Int64? { try? optionalInt64(columns.names.first ?? "id") }

    func int64(_ column: String) throws(Problem) -> Int64 {
        guard let v = try optionalInt64(column) else { throw Problem(column: column, what: "is NULL") }
        return v
    }

    func optionalInt64(_ column: String) throws(Problem) -> Int64? {
        switch value(column) {
        case .null: return nil
        case .integer(let i): return i
        case let other: throw Problem(column: column, what: "is \(other.kind), not an integer")
        }
    }

    func text(_ column: String) throws(Problem) -> String {
        guard let v = try optionalText(column) else { throw Problem(column: column, what: "is NULL") }
        return v
    }

    /// Text, or a BLOB holding valid UTF-8; anything else is a problem.
    func optionalText(_ column: String) throws(Problem) -> String? {
        switch value(column) {
        case .null: return nil
        case .text(let s): return s
        case .blob(let data):
            guard let s = String(validating: data, as: UTF8.self) else {
                throw Problem(column: column, what: "is a BLOB that is not UTF-8 text")
            }
            return s
        case let other: throw Problem(column: column, what: "is \(other.kind), not text")
        }
    }

    /// Text with a default when NULL (the contract's column defaults).
    func text(_ column: String, default value: String) throws(Problem) -> String {
        try optionalText(column) ?? value
    }

    func optionalDouble(_ column: String, within range: ClosedRange<Double>) throws(Problem) -> Double? {
        let d: Double
        switch value(column) {
        case .null: return nil
        case .integer(let i): d = Double(i)
        case .real(let r): d = r
        case let other: throw Problem(column: column, what: "is \(other.kind), not a number")
        }
        guard range.contains(d) else { throw Problem(column: column, what: "is out of \(range.lowerBound)…\(range.upperBound)") }
        return d
    }

    func bool(_ column: String, default value: Bool) throws(Problem) -> Bool {
        switch self.value(column) {
        case .null: return value
        case .integer(let i) where i == 0 || i == 1: return i == 1
        default: throw Problem(column: column, what: "is not 0 or 1")
        }
    }

    func timestamp(_ column: String) throws(Problem) -> Date {
        guard let d = try optionalTimestamp(column) else { throw Problem(column: column, what: "is NULL") }
        return d
    }

    func optionalTimestamp(_ column: String) throws(Problem) -> Date? {
        switch value(column) {
        case .null: return nil
        case .text(let raw):
            guard let d = Timestamp.parse(raw) else {
                throw Problem(column: column, what: "is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
            }
            return d
        case let other: throw Problem(column: column, what: "is \(other.kind), not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
        }
    }

    func date(_ column: String) throws(Problem) -> CivilDate {
        guard let date = CivilDate(iso: try text(column)) else { throw Problem(column: column, what: "is not a date YYYY-MM-DD") }
        return date
    }

    func enumValue<E: RawRepresentable>(_ column: String, _: E.Type) throws(Problem) -> E where E.RawValue == String {
        guard let v = try optionalEnum(column, E.self) else { throw Problem(column: column, what: "is NULL") }
        return v
    }

    func optionalEnum<E: RawRepresentable>(_ column: String, _: E.Type) throws(Problem) -> E? where E.RawValue == String {
        guard let raw = try optionalText(column) else { return nil }
        guard let v = E(rawValue: raw) else { throw Problem(column: column, what: "is not one of the contract's values") }
        return v
    }
}
