import RelanceCore

/// Which durations a key accepts.
enum DurationKind {
    /// Elapsed time only (`"30s"`, `"72h"`, `"7 days"`), in seconds.
    case fixed(ClosedRange<Int>)
    /// Elapsed time or business days on the practitioner's calendar.
    case fixedOrBusiness(seconds: ClosedRange<Int>, businessDays: ClosedRange<Int>)
}

extension TableReader {
    /// A duration parsed by `DurationSpec.parse`, checked against `kind`.
    mutating func duration(_ key: String, default defaultValue: DurationSpec, _ kind: DurationKind) -> DurationSpec {
        guard let node = value(key) else { return defaultValue }
        guard case .string(let text) = node else {
            report(key, "expected a duration string such as \"30s\", \"15m\", \"72h\" or \"7 days\", found \(node.kindDescription)")
            return defaultValue
        }
        let spec: DurationSpec
        do {
            spec = try DurationSpec.parse(text)
        } catch {
            report(key, error.description)
            return defaultValue
        }
        switch (spec, kind) {
        case (.businessDays, .fixed):
            report(key, "\"\(text)\" counts business days, but \(key) needs a fixed duration such as "
                + "\"30s\", \"15m\", \"72h\" or \"7 days\"")
            return defaultValue
        case (.seconds(let s), .fixed(let range)), (.seconds(let s), .fixedOrBusiness(let range, _)):
            guard range.contains(s) else {
                report(key, "\"\(text)\" is out of range: \(key) must be between "
                    + "\(DurationSpec.seconds(range.lowerBound)) and \(DurationSpec.seconds(range.upperBound))")
                return defaultValue
            }
        case (.businessDays(let n), .fixedOrBusiness(_, let range)):
            guard range.contains(n) else {
                report(key, "\"\(text)\" is out of range: \(key) must be between "
                    + "\(DurationSpec.businessDays(range.lowerBound)) and \(DurationSpec.businessDays(range.upperBound))")
                return defaultValue
            }
        }
        return spec
    }

    /// A fixed duration in seconds.
    mutating func seconds(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        duration(key, default: .seconds(defaultValue), .fixed(range)).fixedSeconds ?? defaultValue
    }
}

/// Seconds in common units, for readable ranges.
enum Seconds {
    static let minute = 60
    static let hour = 3600
    static let day = 86_400
}
