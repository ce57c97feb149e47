import Foundation

/// An email address checked as RFC 5321/5322 `addr-spec` (dot-atom form), and its form on the wire.
///
/// Addresses come from the platform's tables: they are input, and are checked, never rewritten.
/// Anything that could make SMTP send to someone else (a space, a comma, a CR/LF, a second `@`)
/// is refused with a reason that never repeats the address (logs stay free of it).
/// A Unicode domain goes out as its IDNA A-label (`hôpital.example` → `xn--hpital-3ya.example`);
/// a non-ASCII local part would need SMTPUTF8, which relance does not use, and is refused.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address as written in the platform's row.
    public let written: String
    /// The address as SMTP sends it: the same, with Unicode domain labels as A-labels.
    public let wire: String

    /// RFC 5321 §4.5.3.1.1: at most 64 octets before the `@`.
    public static let maxLocalOctets = 64
    /// RFC 5321 §4.5.3.1.3 (a 256-octet path, less the angle brackets).
    public static let maxOctets = 254

    /// Checks `text`; throws the reason it cannot be used.
    public init(_ text: String) throws(EmailAddressProblem) {
        written = text
        wire = try Self.check(text)
    }

    public var description: String { wire }

    /// `atext` of RFC 5322 §3.2.3, the characters of a dot-atom besides letters and digits.
    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func check(_ text: String) throws(EmailAddressProblem) -> String {
        guard !text.isEmpty else { throw .init(.empty) }
        for s in text.unicodeScalars {
            if s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s == "\u{2028}" || s == "\u{2029}" {
                throw .init(.controlCharacter)
            }
            if s.properties.isWhitespace { throw .init(.space) }
            if s == "," || s == ";" { throw .init(.list) }
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .init(.atSigns) }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, !domain.isEmpty else { throw .init(.emptyPart) }
        guard local.unicodeScalars.allSatisfy(\.isASCII) else { throw .init(.unicodeLocalPart) }
        guard isDotAtom(local.utf8, extra: atextSymbols) else { throw .init(.localPartSyntax) }
        guard local.utf8.count <= maxLocalOctets else { throw .init(.localPartTooLong) }
        var labels: [String] = []
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            labels.append(try aLabel(label))
        }
        let wire = "\(local)@\(labels.joined(separator: "."))"
        guard wire.utf8.count <= maxOctets else { throw .init(.tooLong) }
        return wire
    }

    /// A domain label as DNS carries it: ASCII letters, digits and inner hyphens, ≤ 63 octets;
    /// a Unicode label becomes `xn--` + Punycode of its NFC, lowercased form (UTS #46 in short).
    private static func aLabel(_ label: Substring) throws(EmailAddressProblem) -> String {
        guard !label.isEmpty else { throw .init(.domainSyntax) }
        var ascii: String
        if label.unicodeScalars.allSatisfy(\.isASCII) {
            ascii = String(label)
        } else {
            let mapped = String(label).lowercased().precomposedStringWithCanonicalMapping  // NFC, as IDNA requires
            guard mapped.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil
                || $0 == "-" || $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark }),
                let code = Punycode.encode(mapped)
            else { throw .init(.domainSyntax) }
            ascii = "xn--" + code
        }
        let bytes = Array(ascii.utf8)
        guard bytes.count <= 63 else { throw .init(.domainSyntax) }
        guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
              bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { throw .init(.domainSyntax) }
        return ascii
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }

    /// Atoms of letters, digits and `extra`, joined by single dots.
    private static func isDotAtom(_ bytes: Substring.UTF8View, extra: Set<UInt8>) -> Bool {
        var previousDot = true
        for b in bytes {
            if b == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
            } else if isAlphanumeric(b) || extra.contains(b) {
                previousDot = false
            } else {
                return false
            }
        }
        return !previousDot
    }
}

/// Why an address cannot be used. Its description never contains the address.
public struct EmailAddressProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case empty, controlCharacter, space, list, atSigns, emptyPart, unicodeLocalPart, localPartSyntax
        case localPartTooLong, domainSyntax, tooLong
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        let why = switch kind {
        case .empty: "it is empty"
        case .controlCharacter: "it contains a line break or a control character"
        case .space: "it contains a space"
        case .list: "it contains a comma or a semicolon (one address per recipient)"
        case .atSigns: "it must contain exactly one @"
        case .emptyPart: "nothing before or after its @"
        case .unicodeLocalPart: "its part before @ is not ASCII, which needs SMTPUTF8 (relance does not use it)"
        case .localPartSyntax: "its part before @ holds a character outside RFC 5322's dot-atom, or a misplaced dot"
        case .localPartTooLong: "its part before @ is longer than \(EmailAddress.maxLocalOctets) octets"
        case .domainSyntax: "its domain is not a host name (letters, digits, inner hyphens, dot-separated labels of 63 octets at most)"
        case .tooLong: "it is longer than \(EmailAddress.maxOctets) octets"
        }
        return "not a valid email address: \(why)"
    }
}
