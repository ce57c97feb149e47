import Foundation
import RelanceCore
@testable import RelanceStore
import Testing
@testable import RelanceDelivery

/// Issue 11, finding 6: a validly signed token is still parsed strictly, and every
/// parameter of a link is inside its MAC.
@Suite struct SignInLinkStrictTests {
    static let link = SignInLink(secret: String(repeating: "s", count: 32), baseURL: "https://app.example.org", ttl: 72 * 3600)
    static let before = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: [
        "v1|practitioner|+1|1329|1795692470",
        "v1|practitioner|0002|1329|1795692470",
        "v1|practitioner|6|+1329|1795692470",
        "v1|practitioner|6|01329|1795692470",
        "v1|practitioner|-6|1329|1795692470",
        "v1|practitioner| 6|1329|1795692470",
        "v1|practitioner|6|1329|01795692470",
        "v1|practitioner|6|1329|+1795692470",
        "v1|practitioner|6|1329|1795692470.0",
        "v1|practitioner|6|1329|9223372036854775807",
        "v1|practitioner|6|1329|9223372036854775808",
        "v1|practitioner|6|1329|253402300800",
        "v1|practitioner|6|1329|1795692470|",
        "v1|practitioner|6|1329|1795692470|012",
        "v1|practitioner|6|1329|1795692470|12|13",
        "v1|practitioner|6|1329|",
        "v1|practitioner|6||1795692470",
        "v2|practitioner|6|1329|1795692470",
        "v1|doctor|6|1329|1795692470",
        "v1|practitioner|٦|1329|1795692470",  // an Arabic-Indic six: a digit to Unicode, not to us
    ])
    func validlySignedButNotCanonicalIsMalformed(_ payload: String) {
        #expect(Self.link.verify(Self.link.signed(payload), now: Self.before) == .malformed)
    }

    /// README's second worked example: a nearby proposal's token.
    @Test func readmeNearbyExample() {
        let link = SignInLink(secret: "correct horse battery staple", baseURL: "https://app.example.org", ttl: 72 * 3600)
        let claims = SignInLink.Claims(recipientKind: .patient, recipientID: 9, requestID: 1329,
                                       expires: Date(timeIntervalSince1970: 1_795_692_470), proposedPractitionerID: 12)
        let token = "djF8cGF0aWVudHw5fDEzMjl8MTc5NTY5MjQ3MHwxMg.r9cVNADR6HOI6UOGr3ivqdNRNQmRrp0ASM4y5CIa7Ac"
        #expect(link.token(for: claims) == token)
        #expect(link.verify(token, now: Date(timeIntervalSince1970: 1_795_692_469)) == .valid(claims))
        #expect(link.url(recipient: Recipient(kind: .patient, id: 9, displayName: "Zoé", locale: "fr", timezone: "Europe/Paris"),
                         requestID: 1329, issuedAt: Date(timeIntervalSince1970: 1_795_692_470 - 72 * 3600), proposing: 12)
                == "https://app.example.org/connexion?jeton=" + token)
    }

    @Test func theLatestExpiryIsAcceptedAndPrintable() {
        let token = Self.link.signed("v1|patient|0|1|253402300799")
        guard case .valid(let claims) = Self.link.verify(token, now: Self.before) else {
            Issue.record("expected valid")
            return
        }
        #expect(claims.recipientID == 0 && claims.requestID == 1)
        #expect(Timestamp.format(claims.expires) == "9999-12-31T23:59:59Z")
    }

    /// The nearby proposal's practitioner is in the token, and the URL carries nothing else.
    @Test func aNearbyProposalsPractitionerIsInsideTheMAC() throws {
        let renderer = Renderer(links: Self.link, templates: try TemplateSet.load())
        let item = Items.item(1, .nearbyProposal, kind: .patient, content: DecisionContent(nearby: Items.nearby))
        let nearby = try #require(renderer.variables(item, fullText: nil)["nearby"] as? [[String: Any]])
        #expect(nearby.count == 2)
        for (option, expected) in zip(nearby, Items.nearby) {
            let link = try #require(option["link"] as? String)
            let url = try #require(URLComponents(string: link))
            #expect(url.queryItems?.map(\.name) == ["jeton"], "no parameter outside the token")
            let token = try #require(url.queryItems?.first?.value)
            guard case .valid(let claims) = Self.link.verify(token, now: Items.decided) else {
                Issue.record("expected valid")
                continue
            }
            #expect(claims.proposedPractitionerID == expected.practitionerID)
            #expect(claims.recipientKind == .patient && claims.requestID == 1329)
        }
        let text = renderer.render(item).text + renderer.render(item).html
        #expect(!text.contains("praticien="))
    }

    /// No email states a validity date unless a signed link stands under it.
    @Test(arguments: Items.all)
    func aValidityDateOnlyUnderASignedLink(_ item: OutboxItem) {
        let renderer = Renderer(links: Self.link, templates: try! TemplateSet.load())
        let expiry = LocalDate.dateTime(item.decidedAt.addingTimeInterval(Self.link.ttl), timezone: item.delivery.recipient.timezone,
                                        locale: item.delivery.recipient.locale)
        let r = renderer.render(item, fullText: "x")
        for part in [r.text, r.html] where part.contains(expiry) {
            #expect(part.contains("/connexion?jeton="), "\(item.decisionKey) (\(item.delivery.recipient.locale)) promises \(expiry)")
        }
    }
}
