import Foundation

/// `Retry-After` in seconds from the response: either delta-seconds, or an
/// HTTP-date measured against the response's own `Date` header (so no local
/// clock is read). Nil when absent or unreadable.
enum RetryAfter {
    static func seconds(_ headers: [String: String]) -> TimeInterval? {
        guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let n = Int(value), n >= 0 { return TimeInterval(n) }
        guard let at = httpDate(value), let date = headers["date"].flatMap(httpDate) else { return nil }
        return max(0, at.timeIntervalSince(date))
    }

    /// RFC 9110's IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text)
    }
}
