import Foundation

/// A duration as written in the config: `"30s"`, `"15m"`, `"72h"`, `"7 days"`, `"2 business days"`.
public enum DurationSpec: Hashable, Sendable, CustomStringConvertible {
    /// Elapsed time in seconds.
    case seconds(Int)
    /// Business days on a practitioner's calendar.
    case businessDays(Int)

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "\"\(text)\" is not a duration; write e.g. \"30s\", \"15m\", \"72h\", \"7 days\" or \"2 business days\""
        }
    }

    private static let units: [(names: [String], seconds: Int)] = [
        (["s", "sec", "secs", "second", "seconds"], 1),
        (["m", "min", "mins", "minute", "minutes"], 60),
        (["h", "hour", "hours"], 3600),
        (["d", "day", "days"], 86_400),
        (["w", "week", "weeks"], 7 * 86_400),
    ]

    public static func parse(_ raw: String) throws(ParseError) -> DurationSpec {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        guard !digits.isEmpty, digits.count <= 9, let n = Int(digits) else { throw ParseError(text: raw) }
        if unit == "business day" || unit == "business days" { return .businessDays(n) }
        guard let u = units.first(where: { $0.names.contains(unit) }) else { throw ParseError(text: raw) }
        return .seconds(n * u.seconds)
    }

    /// Seconds for a fixed duration; nil for business days.
    public var fixedSeconds: Int? {
        if case .seconds(let s) = self { return s }
        return nil
    }

    public var description: String {
        switch self {
        case .businessDays(let n): return n == 1 ? "1 business day" : "\(n) business days"
        case .seconds(let s):
            if s != 0, s % 86_400 == 0 { return s == 86_400 ? "1 day" : "\(s / 86_400) days" }
            if s != 0, s % 3600 == 0 { return "\(s / 3600)h" }
            if s != 0, s % 60 == 0 { return "\(s / 60)m" }
            return "\(s)s"
        }
    }
}
