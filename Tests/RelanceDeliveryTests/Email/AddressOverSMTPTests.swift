import Foundation
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing
@testable import RelanceDelivery

/// Issue 11, finding 1: addresses are checked, never rewritten. The peer logs every RCPT
/// command exactly as it arrived, so the test reads what a real server saw.
@Suite(.serialized) struct AddressOverSMTPTests {
    static let decided = StoreFixture.t("2026-05-18T09:00:00Z")

    func store(_ addresses: [String]) throws -> StoreFixture {
        let f = try StoreFixture()
        var cycle = CycleRecord(now: Self.decided, startedAt: Self.decided)
        for (i, address) in addresses.enumerated() {
            let recipient = Recipient(kind: .practitioner, id: Int64(i + 1), displayName: "Dr Test \(i + 1)",
                                      locale: "fr", timezone: "Europe/Paris")
            cycle.decisions.append(Decision(key: "reminder:request:\(i + 1)", rule: .reminder, requestID: Int64(i + 1),
                                            practitionerID: Int64(i + 1), decidedAt: Self.decided,
                                            deliveries: [Delivery(channel: .email, address: address, recipient: recipient)]))
        }
        try f.store.record(cycle)
        return f
    }

    @Test func theIssuesThreeAddressesAreSkippedAndNoRCPTCarriesThem() throws {
        let addresses = [
            "john doe@example.org",
            "a@example.org,attacker@evil.example",
            "dr9@example.fr\r\nRCPT TO:<attacker@evil.example>",
            "ok@example.org",
            "h.lefevre@hôpital.example",
        ]
        let f = try store(addresses)
        let folder = Scratch.folder("peer")
        let log = folder.appendingPathComponent("rcpt.log")
        let peer = try SMTPPeer(folder: folder, arguments: ["--rcpt-log", log.path])
        defer { peer.stop() }
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(peer.port)", tls: .none)
        s.connectTimeout = 2
        s.timeout = 10
        let d = Dispatcher(store: f.store,
                           renderer: Renderer(links: SignInLink(secret: String(repeating: "k", count: 32), baseURL: "https://app.example.org",
                                                                ttl: 3600), templates: try TemplateSet.load()),
                           email: SMTPTransport(s), sms: nil,
                           settings: .init(from: Mailbox(name: "Messagerie", address: "no-reply@example.org")))
        #expect(try d.drain(now: Self.decided) == .init(sent: 2, skipped: 3))
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) as! String
        }
        // Exactly two RCPT commands reached the server: the valid address, and the IDN one as its A-label
        // (in whichever order the senders took the two rows).
        #expect(lines.sorted() == ["RCPT TO:<h.lefevre@xn--hpital-ixa.example>", "RCPT TO:<ok@example.org>"])
        let skipped = try f.store.outbox(state: .skipped).sorted { $0.id < $1.id }
        #expect(skipped.map(\.id) == [1, 2, 3])
        #expect(skipped.map(\.lastError) == [
            "not a valid email address: it contains a space",
            "not a valid email address: it contains a comma or a semicolon (one address per recipient)",
            "not a valid email address: it contains a line break or a control character",
        ])
        for row in skipped { #expect(row.lastError?.contains("example") == false, "the reason never repeats the address") }
    }
}
