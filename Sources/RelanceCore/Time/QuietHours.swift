import Foundation

/// Rule 10: the local hours during which SMS wait (e.g. 20:00–08:00).
/// A delivery window, not a rule: email is never delayed by it.
public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
    /// Minutes after local midnight at which quiet starts and ends; the window may wrap midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) { self.start = start; self.end = end }

    public static let `default` = QuietHours(start: 20 * 60, end: 8 * 60)

    /// Parses `"HH:MM-HH:MM"`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ s: String) -> Int? {
            let hm = s.split(separator: ":")
            guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
                  let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            return h * 60 + m
        }
        guard parts.count == 2, let s = minutes(parts[0]), let e = minutes(parts[1]), s != e else { return nil }
        self.init(start: s, end: e)
    }

    public func isQuiet(minuteOfDay m: Int) -> Bool {
        start < end ? (m >= start && m < end) : (m >= start || m < end)
    }

    /// `instant` itself outside quiet hours, else the instant they end in `timeZone`.
    public func nextAllowed(after instant: Date, in timeZone: TimeZone) -> Date {
        let cal = BusinessCalendar(timeZone: timeZone)
        let (date, seconds) = cal.local(instant)
        guard isQuiet(minuteOfDay: seconds / 60) else { return instant }
        let day = seconds / 60 >= end ? date.adding(days: 1) : date
        return cal.instant(day, seconds: end * 60)
    }

    public var description: String {
        func hm(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
        return "\(hm(start))-\(hm(end))"
    }
}
