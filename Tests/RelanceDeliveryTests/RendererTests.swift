import Foundation
import RelanceCore
@testable import RelanceStore
import Testing
@testable import RelanceDelivery

/// Outbox rows of every rule, reason and locale, for rendering tests.
enum Items {
    static let decided = Date(timeIntervalSince1970: 1_779_094_800)  // 2026-05-18T09:00:00Z

    static func item(_ id: Int64, _ rule: RuleName, reason: String? = nil, locale: String = "fr", kind: Recipient.Kind = .practitioner,
                     name: String = "Dr Hélène Lefèvre", content: DecisionContent = DecisionContent()) -> OutboxItem {
        let recipient = Recipient(kind: kind, id: 6, displayName: name, locale: locale, timezone: "Europe/Paris")
        return OutboxItem(id: id, decisionKey: "\(rule.rawValue):request:\(id)", rule: rule, reason: reason, requestID: 1329,
                          practitionerID: 6, patientID: 9, messageID: 132_900, decidedAt: decided, content: content,
                          delivery: Delivery(channel: .email, address: "dest\(id)@example.fr", recipient: recipient),
                          state: .pending, notBefore: decided, attempts: 0)
    }

    static let nearby = [NearbyOption(practitionerID: 12, displayName: "Dr Marc Dupré", specialty: "Kinésithérapie", distanceKm: 1.234),
                         NearbyOption(practitionerID: 15, displayName: "Dr Anne Roy", specialty: nil, distanceKm: 12.05)]

    /// Every rule, every reason that changes the words, both locales.
    static var all: [OutboxItem] {
        var items: [OutboxItem] = []
        var id: Int64 = 0
        for locale in ["fr", "en"] {
            func add(_ rule: RuleName, _ reason: String? = nil, kind: Recipient.Kind = .practitioner, name: String = "Dr Hélène Lefèvre",
                     _ content: DecisionContent = DecisionContent()) {
                id += 1
                items.append(item(id, rule, reason: reason, locale: locale, kind: kind, name: name, content: content))
            }
            add(.patientMessageAlert, "new_request")
            add(.patientMessageAlert, "new_message", kind: .assistant, name: "Julie Martin")
            add(.digest, nil, DecisionContent(count: 7))
            add(.reminder, nil, DecisionContent(dueAt: decided))
            add(.nearbyProposal, "refused", kind: .patient, name: "Zoé Patiente", DecisionContent(nearby: nearby))
            add(.nearbyProposal, "unread", kind: .patient, name: "Zoé Patiente", DecisionContent(nearby: nearby))
            add(.nearbyProposal, "address_only", kind: .patient, name: "Zoé Patiente", DecisionContent(nearby: [nearby[1]]))
            add(.replyAlert, nil, kind: .patient, name: "Zoé Patiente")
            add(.fullTextForward)
            add(.closureAutoReply, nil, kind: .patient, name: "Zoé Patiente", DecisionContent(closureEndsOn: "2026-06-01"))
        }
        return items
    }
}

@Suite struct RendererTests {
    static let links = SignInLink(secret: "test link secret", baseURL: "https://app.example.org", ttl: 72 * 3600)
    static let templates = try! TemplateSet.load()
    let renderer = Renderer(links: RendererTests.links, templates: RendererTests.templates)
    let fullText = "Bonjour docteur,\nj'ai <mal> au genou & au \"dos\".\nMerci"

    /// The shipped templates say what the Swift-coded texts said, word for word.
    /// HTML differs in one way only: the template engine also writes an apostrophe
    /// inside a variable as `&#39;`, which browsers show the same.
    @Test(arguments: Items.all)
    func templatesRenderTheSameContentAsTheSwiftCodedTexts(_ item: OutboxItem) {
        let old = SwiftCodedRenderer(links: Self.links).render(item, fullText: fullText)
        let new = renderer.render(item, fullText: fullText)
        #expect(new.subject == old.subject)
        #expect(new.text == old.text)
        #expect(new.html.replacingOccurrences(of: "&#39;", with: "'") == old.html)
        #expect(new.sms == old.sms)
    }

    @Test func frenchDatesInTheRecipientsTimeZone() {
        let closure = renderer.render(Items.item(1, .closureAutoReply, content: DecisionContent(closureEndsOn: "2026-06-01")))
        #expect(closure.subject == "Le cabinet est fermé jusqu'au lundi 1er juin 2026 inclus")
        let reminder = renderer.render(Items.item(2, .reminder))
        #expect(reminder.text.contains("Ce lien de connexion est valable jusqu'au jeudi 21 mai 2026 à 11h00."))  // 09:00 UTC + 72 h, Paris summer time
        let proposal = renderer.render(Items.item(3, .nearbyProposal, content: DecisionContent(nearby: Items.nearby)))
        #expect(proposal.text.contains("• Dr Marc Dupré (Kinésithérapie), 1,2 km : https://app.example.org/connexion?jeton="))
        #expect(proposal.text.contains("• Dr Anne Roy, 12,1 km : "))
        #expect(!proposal.html.contains("praticien="))  // the practitioner is signed inside the token (issue 11)
    }

    @Test func variablesAreEscapedInHTMLButNotInText() {
        let item = Items.item(1, .replyAlert, kind: .patient, name: "Zoé <b>\"Roy\"</b> & fils")
        let r = renderer.render(item)
        #expect(r.text.hasPrefix("Bonjour Zoé <b>\"Roy\"</b> & fils,"))
        #expect(r.html.contains("<p>Bonjour Zoé &lt;b&gt;&quot;Roy&quot;&lt;/b&gt; &amp; fils,</p>"))
        #expect(!r.html.contains("<b>"))
    }

    @Test func onlyRule8CarriesTheFullText() {
        for item in Items.all {
            let r = renderer.render(item, fullText: fullText)
            let carries = r.text.contains("j'ai <mal> au genou")
            #expect(carries == (item.rule == .fullTextForward), "\(item.decisionKey)")
        }
    }
}
