import Foundation

/// An SMS body measured as the network carries it: GSM 03.38 7-bit when every
/// character has a code there (160 per message, 153 per part of a long one,
/// extension characters counting two), UCS-2 otherwise (70, then 67 UTF-16 units).
public struct SMSText: Sendable, Equatable {
    public enum Encoding: String, Sendable { case gsm7, ucs2 }

    public let text: String
    public let encoding: Encoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public let units: Int
    public let segments: Int

    public init(_ text: String) {
        self.text = text
        if let septets = Self.gsm7Septets(text) {
            encoding = .gsm7; units = septets
            segments = septets <= 160 ? 1 : (septets + 152) / 153
        } else {
            encoding = .ucs2; units = text.utf16.count
            segments = units <= 70 ? 1 : (units + 66) / 67
        }
    }

    /// The GSM 03.38 basic character set.
    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    /// The extension table: each costs an escape plus its code.
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

    /// Septets needed in GSM-7, or nil when a character has no GSM-7 code.
    static func gsm7Septets(_ text: String) -> Int? {
        var n = 0
        for u in text.unicodeScalars {
            if basic.contains(u) { n += 1 } else if extended.contains(u) { n += 2 } else { return nil }
        }
        return n
    }

    /// `words` then `link`, shortened (never the link) until the whole fits in
    /// `maxSegments`. Typographic quotes and non-breaking spaces become their
    /// plain forms first, so French punctuation alone does not force UCS-2.
    public static func fit(_ words: String, link: String?, maxSegments: Int) -> SMSText {
        let plain = words.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            .replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "«", with: "\"").replacingOccurrences(of: "»", with: "\"")
        func compose(_ w: String) -> String { link.map { w.isEmpty ? $0 : "\(w) \($0)" } ?? w }
        let candidate = SMSText(compose(plain))
        guard candidate.segments > maxSegments else { return candidate }
        // "…" is not GSM-7: three dots keep a GSM-7 text in GSM-7.
        let ellipsis = SMSText(plain).encoding == .gsm7 ? "..." : "…"
        // The longest prefix that fits, by bisection: a longer prefix never takes fewer segments.
        let characters = Array(plain)
        func shortened(_ count: Int) -> SMSText {
            let kept = String(characters[..<count]).trimmingCharacters(in: .whitespaces)
            return SMSText(compose(kept.isEmpty ? "" : kept + ellipsis))
        }
        var fits = 0, tooLong = characters.count  // shortened(0) is the link alone; the whole is too long
        while tooLong - fits > 1 {
            let middle = (fits + tooLong) / 2
            if shortened(middle).segments <= maxSegments { fits = middle } else { tooLong = middle }
        }
        return shortened(fits)
    }
}

extension SMSText {
    /// A rendered SMS whose last word is its link: the words may be shortened, the link never.
    public static func fit(rendered: String, maxSegments: Int) -> SMSText {
        if let space = rendered.lastIndex(of: " "), rendered[rendered.index(after: space)...].hasPrefix("http") {
            return fit(String(rendered[..<space]), link: String(rendered[rendered.index(after: space)...]), maxSegments: maxSegments)
        }
        return fit(rendered, link: nil, maxSegments: maxSegments)
    }
}

/// E.164: a plus sign, a country code that does not start with 0, at most 15 digits.
public enum E164 {
    /// Byte by byte (no Regex: its engine would be paged in for this one check): `+`, a digit
    /// 1–9, then 6 to 14 ASCII digits.
    public static func isValid(_ number: String) -> Bool {
        let b = Array(number.utf8)
        guard (8...16).contains(b.count), b[0] == UInt8(ascii: "+"), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(b[1]) else {
            return false
        }
        return b[2...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
