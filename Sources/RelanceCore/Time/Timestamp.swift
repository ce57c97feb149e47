import Foundation

/// The store's timestamp text, `YYYY-MM-DDTHH:MM:SSZ` (UTC), to and from `Date`.
///
/// Strict on purpose: a row whose timestamp does not parse breaks the store
/// contract and is skipped with a reason, rather than guessed at.
public enum Timestamp {
    public static func parse(_ text: some StringProtocol) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
              b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "Z"),
              let date = CivilDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              let h = CivilDate.number(b[11..<13]), let m = CivilDate.number(b[14..<16]),
              let s = CivilDate.number(b[17..<19]), h < 24, m < 60, s < 60
        else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    public static func format(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let rest = t - day * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(CivilDate(daysSinceEpoch: day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
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
