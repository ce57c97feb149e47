import Foundation
import GRDB
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing
@testable import RelanceDelivery

/// The outbox drained through SMTP to a real server: retries that never lose
/// or double, and every row ending in a visible state.
@Suite(.serialized) struct DispatcherSMTPTests {
    static let decided = StoreFixture.t("2026-05-18T09:00:00Z")
    static let links = SignInLink(secret: "test link secret", baseURL: "https://app.example.org", ttl: 72 * 3600)
    static let templates = try! TemplateSet.load()

    /// A store with one reminder row per address.
    func store(_ addresses: [String]) throws -> StoreFixture {
        let f = try StoreFixture()
        var cycle = CycleRecord(now: Self.decided, startedAt: Self.decided)
        for (i, address) in addresses.enumerated() {
            let recipient = Recipient(kind: .practitioner, id: Int64(i + 1), displayName: "Dr Hélène Lefèvre \(i + 1)",
                                      locale: "fr", timezone: "Europe/Paris")
            cycle.decisions.append(Decision(key: "reminder:request:\(i + 1)", rule: .reminder, requestID: Int64(i + 1),
                                            practitionerID: Int64(i + 1), decidedAt: Self.decided,
                                            deliveries: [Delivery(channel: .email, address: address, recipient: recipient)]))
        }
        try f.store.record(cycle)
        return f
    }

    func dispatcher(_ f: StoreFixture, _ peer: SMTPPeer, port: Int? = nil, senders: Int = 1) -> Dispatcher {
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port ?? peer.port)", tls: .none)
        s.heloName = "client.example"
        s.connectTimeout = 2
        s.timeout = 10
        s.senders = senders
        var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
        settings.senders = senders
        return Dispatcher(store: f.store, renderer: Renderer(links: Self.links, templates: Self.templates), email: SMTPTransport(s), sms: nil,
                          settings: settings)
    }

    func row(_ f: StoreFixture, _ id: Int64 = 1) throws -> OutboxItem {
        try #require(f.store.outbox(state: nil).first { $0.id == id })
    }

    let later = DispatcherSMTPTests.decided.addingTimeInterval(3600)
    let muchLater = DispatcherSMTPTests.decided.addingTimeInterval(6 * 3600)
    let noJitter: @Sendable () -> Double = { 1 }

    @Test func rcpt450ThenAcceptedIsDeliveredOnce() throws {
        let f = try store(["a@example.fr"])
        let peer = try SMTPPeer(arguments: ["--rcpt-code", "450", "--rcpt-times", "1"])
        defer { peer.stop() }
        let d = dispatcher(f, peer)
        #expect(try d.drain(now: Self.decided, jitter: noJitter) == .init(retried: 1))
        let waiting = try row(f)
        #expect(waiting.state == .pending && waiting.attempts == 1)
        #expect(waiting.lastError?.contains("SMTP 450") == true)
        #expect(waiting.notBefore == Self.decided.addingTimeInterval(60))  // retry_initial, no jitter
        #expect(try d.drain(now: Self.decided.addingTimeInterval(30), jitter: noJitter) == .init())  // not due yet
        #expect(try d.drain(now: later, jitter: noJitter) == .init(sent: 1))
        #expect(try d.drain(now: muchLater, jitter: noJitter) == .init())
        let sent = try row(f)
        #expect(sent.state == .sent && sent.attempts == 2 && sent.lastError == nil)
        #expect(peer.received().count == 1)
    }

    @Test func rcpt550IsDeadAndNeverRetried() throws {
        let f = try store(["gone@example.fr"])
        let peer = try SMTPPeer(arguments: ["--rcpt-code", "550", "--rcpt-times", "-1"])
        defer { peer.stop() }
        let d = dispatcher(f, peer)
        #expect(try d.drain(now: Self.decided) == .init(dead: 1))
        #expect(try d.drain(now: muchLater) == .init())
        let dead = try row(f)
        #expect(dead.state == .dead && dead.attempts == 1)
        #expect(dead.lastError?.contains("SMTP 550") == true)
        #expect(peer.received().isEmpty)
    }

    @Test func data451IsRetriedThenDeliveredOnce() throws {
        let f = try store(["a@example.fr"])
        let peer = try SMTPPeer(arguments: ["--data-code", "451", "--data-times", "1"])
        defer { peer.stop() }
        let d = dispatcher(f, peer)
        #expect(try d.drain(now: Self.decided) == .init(retried: 1))
        #expect(try row(f).lastError?.contains("SMTP 451") == true)
        #expect(try d.drain(now: later) == .init(sent: 1))
        #expect(peer.received().count == 1)
        #expect(try row(f).attempts == 2)
    }

    @Test func serverDownThenUpDeliversAfterItReturns() throws {
        let f = try store(["a@example.fr", "b@example.fr"])
        let first = try SMTPPeer()
        let port = first.port
        first.stop()  // the port is now closed: connection refused
        let folder = Scratch.folder("peer")
        let d = dispatcher(f, first, port: port)
        #expect(try d.drain(now: Self.decided, jitter: noJitter) == .init(retried: 2))
        #expect(try row(f).lastError?.contains("127.0.0.1:\(port)") == true)
        let peer = try SMTPPeer(port: port, folder: folder)
        defer { peer.stop() }
        #expect(try d.drain(now: later, jitter: noJitter) == .init(sent: 2))
        #expect(peer.received().count == 2)
        #expect(try f.store.outbox(state: .sent).count == 2)
    }

    @Test func aServerDownForTheWholeLifetimeEndsDead() throws {
        let f = try store(["a@example.fr"])
        let gone = try SMTPPeer()
        gone.stop()
        let d = dispatcher(f, gone)
        #expect(try d.drain(now: Self.decided) == .init(retried: 1))
        #expect(try d.drain(now: Self.decided.addingTimeInterval(47 * 3600 + 59 * 60)) == .init(dead: 1))  // the next try would be past 2 days
        let dead = try row(f)
        #expect(dead.state == .dead && dead.attempts == 2)
        #expect(dead.lastError?.contains("gave up after 2 attempts") == true)
    }

    @Test(arguments: [1, 3]) func oneFailingRecipientNeverBlocksTheOthers(senders: Int) throws {
        let addresses = (1...6).map { $0 == 2 ? "nobody@example.fr" : "p\($0)@example.fr" }
        let f = try store(addresses)
        let peer = try SMTPPeer(arguments: ["--rcpt-reject", "nobody@example.fr"])
        defer { peer.stop() }
        #expect(try dispatcher(f, peer, senders: senders).drain(now: Self.decided) == .init(sent: 5, dead: 1))
        #expect(try f.store.outbox(state: .dead).map(\.delivery.address) == ["nobody@example.fr"])
        let received = peer.received()
        #expect(received.count == 5)
        let connections = Set(try received.map { try peer.meta($0)["connection"] as! Int })
        // Connections are reused; curl drops one after a failed transaction, so the refused recipient costs one more.
        #expect(connections.count <= senders + 1)
    }
}
