import RelanceTestSupport
import Foundation
import PropertyBased
import RelanceCore
import Testing
@testable import RelanceDelivery

/// Issue 11, finding 9: the SMS builder and segment counter, and the link codec, over random input.
@Suite struct SMSAndLinkPropertyTests {
    static let cases = 10_000

    /// Segments as GSM 03.38 and 3GPP TS 23.040 count them, from the units.
    static func expectedSegments(_ s: SMSText) -> Int {
        switch s.encoding {
        case .gsm7: s.units <= 160 ? 1 : Int((Double(s.units) / 153).rounded(.up))
        case .ucs2: s.units <= 70 ? 1 : Int((Double(s.units) / 67).rounded(.up))
        }
    }

    @Test func anyTextIsMeasuredConsistently() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...200)) { text in
            let s = SMSText(text)
            #expect(s.text == text)
            #expect(s.segments == Self.expectedSegments(s))
            if s.encoding == .ucs2 { #expect(s.units == text.utf16.count) }
            if s.encoding == .gsm7 { #expect(s.units >= text.unicodeScalars.count && s.units <= 2 * text.unicodeScalars.count) }
        }
    }

    @Test func fittingKeepsTheLinkWholeAndTheWordsAsAPrefix() async {
        let input = zip(RandomText.string(of: 0...300), Gen.int(in: 1...10), Gen.int(in: 0...1))
        await propertyCheck(count: Self.cases, input: input) { words, maxSegments, withLink in
            let link = withLink == 1 ? "https://app.example.org/connexion?jeton=djF8cGF0aWVudHw5.AbC-_0" : nil
            let fitted = SMSText.fit(words, link: link, maxSegments: maxSegments)
            #expect(fitted == SMSText(fitted.text), "the builder's measure is the counter's")
            #expect(fitted.segments <= maxSegments || fitted.text == (link ?? ""))
            if let link { #expect(fitted.text.hasSuffix(link)) }
            // The words kept are the words (in their plain forms), or a prefix of them and an ellipsis.
            let plain = words.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
                .replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "«", with: "\"").replacingOccurrences(of: "»", with: "\"")
            var kept = Substring(fitted.text)
            if let link { kept = kept == Substring(link) ? "" : kept.dropLast(link.count + 1) }
            guard kept != Substring(plain), !kept.isEmpty else { return }
            let ellipsis = ["...", "…"].first { kept.hasSuffix($0) }
            #expect(ellipsis != nil, "\(fitted.text.debugDescription) from \(words.debugDescription)")
            let core = kept.dropLast(ellipsis?.count ?? 0).unicodeScalars
            let start = plain.unicodeScalars.drop { CharacterSet.whitespaces.contains($0) }
            #expect(start.starts(with: core), "\(fitted.text.debugDescription) from \(words.debugDescription)")
        }
    }

    static let link = SignInLink(secret: "property secret, long enough: 32+", baseURL: "https://app.example.org", ttl: 3600)

    static var claims: Generator<SignInLink.Claims, some SendableSequenceType> {
        zip(Gen.int(in: 0...2), Gen<Int64>.value(in: 0...Int64.max), Gen<Int64>.value(in: 0...Int64.max),
            Gen<Int64>.value(in: 0...SignInLink.maxExpiry), Gen<Int64>.value(in: -1...Int64.max))
            .map { kind, recipient, request, expiry, proposed in
                SignInLink.Claims(recipientKind: [Recipient.Kind.practitioner, .assistant, .patient][kind], recipientID: recipient,
                                  requestID: request, expires: Date(timeIntervalSince1970: TimeInterval(expiry)),
                                  proposedPractitionerID: proposed < 0 ? nil : proposed)
            }
    }

    @Test func everyTokenVerifiesToItsClaims() async {
        await propertyCheck(count: Self.cases, input: zip(Self.claims, Gen.int(in: 0...200))) { claims, mutate in
            let token = Self.link.token(for: claims)
            let before = claims.expires.addingTimeInterval(-1), after = claims.expires
            #expect(Self.link.verify(token, now: before) == .valid(claims))
            #expect(Self.link.verify(token, now: after) == .expired(claims))
            // Any one character changed: never valid.
            var chars = Array(token)
            let i = mutate % chars.count
            chars[i] = chars[i] == "A" ? "B" : "A"
            switch Self.link.verify(String(chars), now: before) {
            case .valid, .expired: Issue.record("a changed token verified: \(String(chars))")
            case .forged, .malformed: break
            }
        }
    }

    @Test func anyTextVerifiesWithoutCrashingAndNeverValid() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...80)) { text in
            switch Self.link.verify(text, now: Date(timeIntervalSince1970: 0)) {
            case .valid, .expired: Issue.record("random text verified: \(text.debugDescription)")
            case .forged, .malformed: break
            }
            // A validly signed random payload: parsed strictly, never a crash.
            switch Self.link.verify(Self.link.signed(text), now: Date(timeIntervalSince1970: 0)) {
            case .valid(let c), .expired(let c): #expect(Self.link.token(for: c) == Self.link.signed(text), "one spelling per claim")
            case .forged: Issue.record("its own signature refused")
            case .malformed: break
            }
        }
    }
}
