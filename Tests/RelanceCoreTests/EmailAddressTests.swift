import Testing
@testable import RelanceCore

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("a@example.org", "a@example.org"),
        ("first.last+tag@sub.example.org", "first.last+tag@sub.example.org"),
        ("h.lefevre@hôpital.example", "h.lefevre@xn--hpital-ixa.example"),
        ("h.lefevre@ho\u{302}pital.example", "h.lefevre@xn--hpital-ixa.example"),  // decomposed: NFC first
        ("h.lefevre@HÔPITAL.example", "h.lefevre@xn--hpital-ixa.example"),
        ("x@Bücher.example", "x@xn--bcher-kva.example"),
        ("user@exämple.de", "user@xn--exmple-cua.de"),
    ])
    func validAddressesGoOutAsTheirWireForm(_ written: String, _ wire: String) throws {
        #expect(try EmailAddress(written).wire == wire)
    }

    static let longLocal: String = String(repeating: "l", count: 65) + "@example.org"
    static let longLabel: String = "a@" + String(repeating: "d", count: 64) + ".org"
    static let tooLong: String = {
        let labels: [String] = Array(repeating: String(repeating: "d", count: 60), count: 4)
        return String(repeating: "l", count: 64) + "@" + labels.joined(separator: ".") + ".org"
    }()
    static let invalid: [(String, EmailAddressProblem.Kind)] = [
        ("", EmailAddressProblem.Kind.empty),
        ("john doe@example.org", .space),
        ("a@example.org,attacker@evil.example", .list),
        ("a@example.org;b@example.org", .list),
        ("dr9@example.fr\r\nRCPT TO:<attacker@evil.example>", .controlCharacter),
        ("a\u{0}@example.org", .controlCharacter),
        ("a@b@example.org", .atSigns),
        ("example.org", .atSigns),
        ("@example.org", .emptyPart),
        ("a@", .emptyPart),
        ("jérôme@example.org", .unicodeLocalPart),
        (".a@example.org", .localPartSyntax),
        ("a..b@example.org", .localPartSyntax),
        ("<a>@example.org", .localPartSyntax),
        ("\"quoted\"@example.org", .localPartSyntax),
        ("a@-example.org", .domainSyntax),
        ("a@example..org", .domainSyntax),
        ("a@[127.0.0.1]", .domainSyntax),
        ("a@exa_mple.org", .domainSyntax),
        (longLocal, .localPartTooLong),
        (longLabel, .domainSyntax),
        (tooLong, .tooLong),
    ]

    @Test(arguments: EmailAddressTests.invalid)
    func invalidAddressesAreRefusedWithTheirReason(_ written: String, _ kind: EmailAddressProblem.Kind) {
        #expect(throws: EmailAddressProblem(kind)) { try EmailAddress(written) }
    }

    @Test func lengthLimitsAreInclusive() throws {
        let local = String(repeating: "l", count: 64)
        #expect(try EmailAddress(local + "@example.org").wire.count == 76)
        let domain = Array(repeating: String(repeating: "d", count: 61), count: 3).joined(separator: ".") + ".abc"  // 189
        let whole = local + "@" + domain
        #expect(whole.utf8.count == 254)
        #expect(try EmailAddress(whole).wire == whole)
    }

    /// RFC 3492 §7.1 sample strings.
    @Test(arguments: [
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}", "egbpdaj6bu4bxfgehfvwxn"),
    ])
    func punycodeMatchesTheRFC(_ unicode: String, _ encoded: String) {
        #expect(Punycode.encode(unicode) == encoded)
        #expect(Punycode.decode(encoded) == unicode)
    }
}
