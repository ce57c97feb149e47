import Foundation
import GRDB
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Synchronization
import Testing
@testable import RelanceDelivery

/// Delivery against a misbehaving world, with the real SMTP peer: late replies,
/// a locked store, a relay that refuses or never greets, a stop mid-drain.
/// Nothing may be lost, nothing sent twice, no row killed for the relay's fault.
@Suite(.serialized) struct DeliveryRobustnessTests {
    static let decided = StoreFixture.t("2026-05-18T09:00:00Z")
    static let links = SignInLink(secret: "test link secret", baseURL: "https://app.example.org", ttl: 72 * 3600)
    static let templates = try! TemplateSet.load()
    let later = DeliveryRobustnessTests.decided.addingTimeInterval(3600)

    /// A store with one email row per (rule, decided-at), addresses r1@…, r2@…
    static func store(_ rows: [(RuleName, Date)]) throws -> StoreFixture {
        let f = try StoreFixture()
        var cycle = CycleRecord(now: decided, startedAt: decided)
        for (i, (rule, at)) in rows.enumerated() {
            let kind: Recipient.Kind = rule == .replyAlert ? .patient : .practitioner
            let recipient = Recipient(kind: kind, id: Int64(i + 1), displayName: "Dr Hélène Lefèvre \(i + 1)",
                                      locale: "fr", timezone: "Europe/Paris")
            cycle.decisions.append(Decision(key: "\(rule.rawValue):request:\(i + 1)", rule: rule, requestID: Int64(i + 1),
                                            practitionerID: Int64(i + 1), decidedAt: at,
                                            deliveries: [Delivery(channel: .email, address: "r\(i + 1)@example.fr", recipient: recipient)]))
        }
        try f.store.record(cycle)
        return f
    }

    static func reminders(_ n: Int) throws -> StoreFixture { try store(Array(repeating: (.reminder, decided), count: n)) }

    static func dispatcher(_ store: SQLiteStore, port: Int, timeout: Int = 10, senders: Int = 1) -> Dispatcher {
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port)", tls: .none)
        s.heloName = "client.example"
        s.connectTimeout = 2
        s.timeout = timeout
        s.senders = senders
        var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
        settings.senders = senders
        return Dispatcher(store: store, renderer: Renderer(links: links, templates: templates), email: SMTPTransport(s), sms: nil,
                          settings: settings)
    }

    /// Outbox ids of the messages the peer accepted, one entry per accepted message (from their Message-ID).
    static func deliveredIDs(_ peer: SMTPPeer) throws -> [Int64] {
        try peer.received().map { url in
            let text = try String(contentsOf: url, encoding: .utf8)
            let line = try #require(text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") }
                ?? text.split(separator: "\n").first { $0.lowercased().hasPrefix("message-id:") })
            let id = try #require(line.split(separator: "<").last?.split(separator: ".").dropFirst().first)
            return try #require(Int64(id))
        }
    }

    /// Issue 10, case 10: after a timeout the connection is closed, so a late reply is never read as
    /// the next message's answer (it made rows dead with "MAIL failed: 550" or deferred with "DATA failed: 250").
    @Test func aLateReplyIsNeverReadAsTheNextMessagesAnswer() throws {
        let f = try Self.reminders(3)
        // The reply to the first message's end comes after 3 s; curl gives up at 2 s but, on its own, keeps the connection.
        let peer = try SMTPPeer(arguments: ["--slow", "data", "--slow-seconds", "3", "--slow-times", "1"])
        defer { peer.stop() }
        let d = Self.dispatcher(f.store, port: peer.port, timeout: 2)
        let first = try d.drain(now: Self.decided, jitter: { 1 })
        #expect(first.dead == 0 && first.sent == 2 && first.retried == 1, "\(first)")
        let rows = try f.store.outbox(state: nil)
        #expect(!rows.contains { $0.state == .dead }, "\(rows.map { ($0.id, $0.state, $0.lastError ?? "") })")
        let deferred = rows.filter { $0.state == .pending }
        #expect(deferred.count == 1 && deferred.allSatisfy { $0.lastError?.contains("curl 28") == true },
                "only the row that timed out waits: \(deferred.map { $0.lastError ?? "" })")
        _ = try d.drain(now: later, jitter: { 1 })
        #expect(try f.store.outbox(state: .sent).count == 3)
        Thread.sleep(forTimeInterval: 1.2)  // the late reply's message, if the peer ever completes one
        let ids = try Self.deliveredIDs(peer)
        #expect(ids.sorted() == [1, 2, 3], "each row exactly once: \(ids)")
    }

    /// Issue 10, case 7: the platform holds the write lock longer than busy_timeout while relance drains.
    /// Every row sent is recorded as sent once the lock is gone: 0 duplicates, even after the leases expire.
    @Test func aStoreLockedDuringDeliveryNeverSendsTwice() throws {
        let f = try Self.reminders(12)
        let store = try SQLiteStore(path: f.path, busyTimeout: 1)
        let peer = try SMTPPeer(arguments: ["--slow", "data", "--slow-seconds", "0.15", "--slow-times", "-1"])
        defer { peer.stop() }
        let platform = try DatabaseQueue(path: f.path)
        let received = peer.out.path
        let locker = Thread {
            let end = Date().addingTimeInterval(20)
            let count = { ((try? FileManager.default.contentsOfDirectory(atPath: received)) ?? []).filter { $0.hasSuffix(".eml") }.count }
            while count() < 2 && Date() < end { usleep(5_000) }
            try? platform.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                Thread.sleep(forTimeInterval: 2.5)  // longer than busy_timeout (1 s)
                try db.execute(sql: "ROLLBACK")
            }
        }
        locker.start()
        let d = Self.dispatcher(store, port: peer.port)
        // The drain may end early on the lock; it is taken up again, as the daemon does.
        for _ in 0..<20 {
            if (try? d.drain(now: Self.decided)) != nil, try f.store.outbox(state: .pending).isEmpty { break }
            usleep(200_000)
        }
        while !locker.isFinished { usleep(10_000) }
        _ = try? d.drain(now: later)  // every lease has run out by now
        let ids = try Self.deliveredIDs(peer)
        #expect(ids.count == Set(ids).count, "duplicates: \(ids.sorted())")
        #expect(Set(ids) == Set(1...12), "\(ids.sorted())")
        let sent = try f.store.outbox(state: .sent)
        #expect(sent.count == 12 && sent.allSatisfy { $0.attempts == 1 }, "\(sent.map { ($0.id, $0.attempts) })")
    }

    /// Issue 10, case 12: rows are leased close to their send, so a stop (or a crash) mid-drain strands a few rows, not a batch.
    @Test func aStopMidDrainLeavesOnlyAFewRowsLeased() throws {
        let f = try Self.reminders(40)
        let spool = f.dir.appendingPathComponent("spool").path
        let d = Dispatcher(store: f.store, renderer: Renderer(links: Self.links, templates: Self.templates),
                           email: FileEmailTransport(folder: spool), sms: nil,
                           settings: .init(from: Mailbox(name: nil, address: "no-reply@example.org")))
        let asked = Mutex(0)
        let report = try d.drain(now: Self.decided, keepGoing: { asked.withLock { $0 += 1; return $0 <= 3 } })
        #expect(report.sent == 3)
        let leased = try f.count("""
            SELECT COUNT(*) FROM relance_outbox WHERE state = 'pending' AND not_before > ?
            """, [Timestamp.format(Self.decided)])
        #expect(leased <= 8, "\(leased) rows leased though only 3 were sent")
    }

    /// Issue 10, case 13: a refusal that concerns the relay or the sender pauses the transport; no row dies for it.
    @Test(arguments: [
        ["--mail-code", "550", "--mail-times", "-1", "--mail-text", "5.7.1 Sender address rejected: relaying denied"],
        ["--rcpt-code", "554", "--rcpt-times", "-1", "--rcpt-text", "5.7.1 <r1@example.fr>: Relay access denied"],
    ])
    func aRelayRefusalTripsTheBreakerAndKillsNoRow(script: [String]) throws {
        let f = try Self.reminders(10)
        let peer = try SMTPPeer(arguments: script)
        let port = peer.port
        let d = Self.dispatcher(f.store, port: port)
        let report = try d.drain(now: Self.decided)
        #expect(report.dead == 0 && report.sent == 0, "\(report)")
        let rows = try f.store.outbox(state: nil)
        #expect(rows.allSatisfy { $0.state == .pending }, "\(rows.map { ($0.id, $0.state) })")
        // Three failures open the breaker; the other two workers may have a row in flight by then.
        #expect(rows.filter { $0.attempts > 0 }.count <= 5, "the relay is not hit row after row")
        #expect(try d.drain(now: Self.decided.addingTimeInterval(5)) == .init(), "paused")
        peer.stop()
        // The relay is fixed: once the pause is over, everything goes.
        let fixed = try SMTPPeer(port: port)
        defer { fixed.stop() }
        #expect(try d.drain(now: later).sent == 10)
        #expect(try Self.deliveredIDs(fixed).count == 10)
    }

    /// Issue 10, case 11: a relay that accepts TCP and never greets is paused after a few tries, not hit row after row.
    @Test func aRelayThatNeverGreetsIsPausedNotHitRowAfterRow() throws {
        let f = try Self.reminders(10)
        let peer = try SMTPPeer(arguments: ["--never-greet"])
        defer { peer.stop() }
        let d = Self.dispatcher(f.store, port: peer.port, timeout: 1)
        let report = try d.drain(now: Self.decided)
        #expect(report.dead == 0 && report.sent == 0)
        #expect(peer.connections() <= 5, "\(peer.connections()) connections for 10 rows")
        #expect(try f.store.outbox(state: nil).filter { $0.attempts > 0 }.count <= 5)
    }

    /// Issue 10, case 4: practitioner alerts, reminders and proposals go before bulk reply alerts.
    @Test func replyAlertsGoAfterThePractitionersWork() throws {
        let early = Self.decided.addingTimeInterval(-3600)
        let f = try Self.store(Array(repeating: (.replyAlert, early), count: 5)
            + [(.reminder, Self.decided), (.patientMessageAlert, Self.decided), (.nearbyProposal, Self.decided)])
        let spool = f.dir.appendingPathComponent("spool").path
        let d = Dispatcher(store: f.store, renderer: Renderer(links: Self.links, templates: Self.templates),
                           email: FileEmailTransport(folder: spool), sms: nil,
                           settings: .init(from: Mailbox(name: nil, address: "no-reply@example.org")))
        let asked = Mutex(0)
        #expect(try d.drain(now: Self.decided, keepGoing: { asked.withLock { $0 += 1; return $0 <= 3 } }).sent == 3)
        let sent = try f.store.outbox(state: .sent).map(\.rule)
        #expect(Set(sent) == [.reminder, .patientMessageAlert, .nearbyProposal], "\(sent)")
    }
}
