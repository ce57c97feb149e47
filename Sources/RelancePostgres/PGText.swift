import Foundation
import RelanceCore

/// Values to and from PostgreSQL's text format, in a session set to UTC and ISO dates.
enum PGText {
    /// `2026-11-16 09:00:00+00` or `2026-11-16 09:00:00.25+00` (TIMESTAMPTZ, UTC session).
    static func timestamp(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 22, u[10] == UInt8(ascii: " ") else { return nil }
        let iso = String(decoding: u[0..<10], as: UTF8.self) + "T" + String(decoding: u[11..<19], as: UTF8.self) + "Z"
        guard var date = Timestamp.parse(iso) else { return nil }
        if u[19] == UInt8(ascii: "."), let end = u[20...].firstIndex(where: { $0 < 48 || $0 > 57 }),
           let fraction = Double("0." + String(decoding: u[20..<end], as: UTF8.self)) {
            date.addTimeInterval(fraction)
        }
        return date
    }

    /// A parameter: the contract's UTC text, which PostgreSQL reads as a TIMESTAMPTZ, with the
    /// microseconds when there are any (the platform's `now()` has them: a row committed at
    /// 10:00:00.4 is visible to a cycle at 10:00:00.6, not one second later).
    static func param(_ date: Date) -> String {
        let whole = Timestamp.format(date)
        let micros = Int(((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000).rounded(.down))
        guard micros > 0 else { return whole }
        let digits = String(micros)
        return whole.dropLast() + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    /// An array parameter (`{1,2,3}`, `{"a","b",NULL}`) for `= ANY($1::bigint[])` and `unnest`.
    static func array(_ values: [Int64]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }

    static func array(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            var out = "\""
            for c in value.unicodeScalars {
                if c == "\"" || c == "\\" { out += "\\" }
                out.unicodeScalars.append(c)
            }
            return out + "\""
        }.joined(separator: ",") + "}"
    }
}
