import Foundation

/// The store's timestamp text, `YYYY-MM-DDTHH:MM:SSZ` (UTC), to and from `Date`.
///
/// Strict on purpose: a row whose timestamp does not parse breaks the store
/// contract and is skipped with a reason, rather than guessed at.
public enum Timestamp {
    /// Parsed straight from the UTF-8 bytes: a cycle parses several timestamps per row read.
    public static func parse(_ text: some StringProtocol) -> Date? {
        text.utf8.withContiguousStorageIfAvailable(parse(bytes:)) ?? Array(text.utf8).withUnsafeBufferPointer(parse(bytes:))
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count == 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              (1...12).contains(mo), d >= 1, d <= CivilDate.daysIn(month: mo, year: y),
              let h = number(11, 2), let m = number(14, 2), let s = number(17, 2), h < 24, m < 60, s < 60
        else { return nil }
        let seconds = CivilDate(year: y, month: mo, day: d).daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Written into one 20-byte buffer (years 0–9999; others through `CivilDate`'s text).
    public static func format(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let rest = t - day * 86_400
        let c = CivilDate(daysSinceEpoch: day)
        guard (0...9999).contains(c.year) else {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(c)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
        }
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ at: Int, _ width: Int, _ value: Int) {
                var v = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    out[i] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(0, 4, c.year); out[4] = UInt8(ascii: "-"); put(5, 2, c.month); out[7] = UInt8(ascii: "-")
            put(8, 2, c.day); out[10] = UInt8(ascii: "T"); put(11, 2, rest / 3600); out[13] = UInt8(ascii: ":")
            put(14, 2, rest / 60 % 60); out[16] = UInt8(ascii: ":"); put(17, 2, rest % 60); out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Accepts the store format and a few forms people type on a command line:
    /// `2026-12-01T09:00:00Z`, `2026-12-01T09:00Z`, `2026-12-01 09:00:00+01:00`, `2026-12-01`.
    public static func parseLenient(_ text: String) -> Date? {
        if let d = parse(text) { return d }
        if let day = CivilDate(iso: text) {
            return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400))
        }
        let f = ISO8601DateFormatter()
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            f.formatOptions = options
            if let d = f.date(from: normalized) { return d }
        }
        if normalized.count == 17, normalized.hasSuffix("Z") {
            return parse(normalized.dropLast() + ":00Z")
        }
        return nil
    }
}
