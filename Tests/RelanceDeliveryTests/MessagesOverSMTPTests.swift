import Foundation
import RelanceCore
@testable import RelanceStore
import RelanceTestSupport
import Testing
@testable import RelanceDelivery

/// Every rule's email, sent through STARTTLS to a real server and read back
/// by a real parser (Python's `email` package, policy=default).
@Suite(.serialized) struct MessagesOverSMTPTests {
    static let decided = Items.decided
    static let links = SignInLink(secret: "test link secret", baseURL: "https://app.example.org", ttl: 72 * 3600)
    static let patientName = "Zoé Patiente 9", body = "texte médical confidentiel", procedure = "Implant dentaire"

    /// A store with one request (procedure set, a patient message) and a decision of every kind about it.
    func store() throws -> StoreFixture {
        let f = try StoreFixture()
        try f.practitioner(6, forward: 1)
        try f.patient(9)
        try f.request(1329, practitioner: 6, patient: 9, created: "2026-05-18T08:00:00Z", procedure: Self.procedure)
        var cycle = CycleRecord(now: Self.decided, startedAt: Self.decided)
        for (n, item) in Items.all.enumerated() {
            let r = item.delivery.recipient
            let name = r.kind == .patient ? Self.patientName : r.displayName
            let recipient = Recipient(kind: r.kind, id: r.kind == .patient ? 9 : 6, displayName: name, locale: r.locale, timezone: r.timezone)
            cycle.decisions.append(Decision(key: "\(item.decisionKey):\(n)", rule: item.rule, reason: item.reason, requestID: 1329,
                                            practitionerID: 6, patientID: 9, messageID: 132_900, decidedAt: Self.decided,
                                            deliveries: [Delivery(channel: .email, address: "r\(n)@example.fr", recipient: recipient)],
                                            content: item.content))
        }
        try f.store.record(cycle)
        return f
    }

    func dispatcher(_ f: StoreFixture, _ peer: SMTPPeer, tls: SMTPTransport.TLS) throws -> Dispatcher {
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(peer.port)", tls: tls)
        s.caFile = Scratch.certificate.cert
        s.heloName = "relance.example.org"
        let settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
        return Dispatcher(store: f.store, renderer: Renderer(links: Self.links, templates: try TemplateSet.load()),
                          email: SMTPTransport(s), sms: nil, settings: settings)
    }

    @Test func everyMessageParsesWithExactFrenchHeadersBothPartsAndLinksThatVerify() throws {
        let f = try store()
        let peer = try SMTPPeer(arguments: ["--tls", "starttls", "--cert", Scratch.certificate.cert, "--key", Scratch.certificate.key])
        defer { peer.stop() }
        let rows = try f.store.outbox(state: nil).sorted { $0.id < $1.id }
        #expect(try dispatcher(f, peer, tls: .starttls).drain(now: Self.decided) == .init(sent: rows.count))
        let mails = try ParsedMail.parse(peer.received())
        #expect(mails.count == rows.count)
        #expect(Set(mails.map(\.messageID)).count == mails.count)  // unique Message-IDs

        let renderer = Renderer(links: Self.links, templates: try TemplateSet.load())
        for mail in mails {
            let row = try #require(rows.first { mail.toAddress == $0.delivery.address })
            let expected = renderer.render(row, fullText: "Bonjour docteur, \(Self.body)")
            #expect(mail.defects.isEmpty, "\(mail.defects)")
            #expect(mail.maxLine <= 998)
            #expect(mail.subject == expected.subject)
            #expect(mail.toName == row.delivery.recipient.displayName)
            #expect(mail.json["from"] as? String == "Messagerie Santé <no-reply@example.org>")
            #expect(mail.json["auto_submitted"] as? String == "auto-generated")
            #expect(mail.json["content_type"] as? String == "multipart/alternative")
            #expect(mail.messageID.hasPrefix("<relance.\(row.id).") && mail.messageID.hasSuffix("@example.org>"))
            #expect(mail.parts.map { $0["type"] as? String } == ["text/plain", "text/html"])
            #expect(mail.parts.allSatisfy { $0["charset"] as? String == "utf-8" && $0["cte"] as? String == "quoted-printable" })
            #expect(mail.text.replacingOccurrences(of: "\r\n", with: "\n") == expected.text)  // the parts travel with CRLF
            #expect(mail.html.replacingOccurrences(of: "\r\n", with: "\n") == expected.html)

            // Links: every token verifies for this recipient and request.
            let tokens = Self.tokens(in: mail.text)
            #expect(tokens.isEmpty == (row.rule == .closureAutoReply || row.rule == .digest))  // the digest links to the list
            for token in tokens {
                guard case .valid(let claims) = Self.links.verify(token, now: Self.decided) else {
                    Issue.record("link does not verify in \(row.decisionKey)"); continue
                }
                #expect(claims.recipientKind == row.delivery.recipient.kind && claims.recipientID == row.delivery.recipient.id)
                #expect(claims.requestID == 1329)
            }

            // Privacy: no body outside rule 8, never the procedure, the patient's name only to the patient.
            let all = mail.subject + mail.text + mail.html
            #expect(all.contains(Self.body) == (row.rule == .fullTextForward), "\(row.decisionKey)")
            #expect(!all.contains(Self.procedure))
            if row.delivery.recipient.kind != .patient { #expect(!all.contains(Self.patientName), "\(row.decisionKey)") }
        }
        let french = Set(mails.map(\.subject))
        for subject in ["Rappel : une demande attend votre réponse", "Nouvelle demande d'un patient",
                        "7 demandes de patients attendent votre réponse", "D'autres praticiens proches peuvent vous répondre",
                        "Le cabinet est fermé jusqu'au lundi 1er juin 2026 inclus", "Message d'un patient (texte intégral)"] {
            #expect(french.contains(subject), "\(subject)")
        }
    }

    @Test func fullTextIsNeverSentWithoutTLS() throws {
        let f = try store()
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let report = try dispatcher(f, peer, tls: .none).drain(now: Self.decided)
        let rows = try f.store.outbox(state: nil)
        #expect(report == .init(sent: rows.count - 2, dead: 2))  // rule 8, fr and en
        for dead in try f.store.outbox(state: .dead) {
            #expect(dead.rule == .fullTextForward)
            #expect(dead.lastError?.contains("encrypted") == true)
        }
        let mails = try ParsedMail.parse(peer.received())
        #expect(mails.count == rows.count - 2)
        #expect(!mails.contains { ($0.text + $0.html).contains(Self.body) })
    }

    static func tokens(in text: String) -> [String] {
        text.components(separatedBy: "jeton=").dropFirst().map { rest in
            String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        }
    }
}
