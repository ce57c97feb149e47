import CCurl
import Foundation
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Synchronization
import Testing
@testable import RelanceDelivery

/// When things happen in a drain: times read at each attempt, pacing, and how SMTP
/// failures are classified (whose fault: the recipient's, or the relay's).
@Suite(.serialized) struct DispatcherTimingTests {
    static let decided = DeliveryRobustnessTests.decided

    /// Issue 10, case 12: a retry time counts from the failed attempt, not from the drain's start.
    /// The clock runs 600 times faster than the wall: the peer's 0.5 s per RCPT is 5 minutes.
    @Test func retryTimesAreTakenWhenTheAttemptHappens() throws {
        let f = try DeliveryRobustnessTests.reminders(3)
        let peer = try SMTPPeer(arguments: ["--rcpt-code", "450", "--rcpt-times", "-1",
                                            "--slow", "rcpt", "--slow-seconds", "0.5", "--slow-times", "-1"])
        defer { peer.stop() }
        let d = DeliveryRobustnessTests.dispatcher(f.store, port: peer.port)
        let start = Date()
        let clock: @Sendable () -> Date = { Self.decided.addingTimeInterval(Date().timeIntervalSince(start) * 600) }
        // One pass over the rows: at this speed they would soon be due again.
        let asked = Mutex(0)
        #expect(try d.drain(clock: clock, jitter: { 1 }, keepGoing: { asked.withLock { $0 += 1; return $0 <= 3 } }).retried == 3)
        // One connection: the attempts follow each other, each at least 0.5 s (300 s here) after the last,
        // so they end at about 300 s, 600 s and 900 s (in whatever order the rows got the connection);
        // retry_initial is 60 s.
        let retryAt = try f.store.outbox(state: .pending).map { $0.notBefore.timeIntervalSince(Self.decided) }.sorted()
        #expect(retryAt.count == 3 && zip(retryAt, retryAt.dropFirst()).allSatisfy { $1 - $0 >= 240 }, "\(retryAt)")
        #expect((retryAt.last ?? 0) >= 2 * 300 + 60, "\(retryAt)")
    }

    /// Issue 10, case 4: `email.rate` paces delivery (messages per second, per daemon).
    @Test func emailRatePacesDelivery() throws {
        let f = try DeliveryRobustnessTests.reminders(10)
        var settings = Dispatcher.Settings(from: Mailbox(name: nil, address: "no-reply@example.org"))
        settings.emailRate = 10
        let d = Dispatcher(store: f.store, renderer: Renderer(links: DeliveryRobustnessTests.links, templates: DeliveryRobustnessTests.templates),
                           email: FileEmailTransport(folder: f.dir.appendingPathComponent("spool").path), sms: nil, settings: settings)
        let start = ContinuousClock.now
        #expect(try d.drain(now: Self.decided).sent == 10)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(850), "10 messages at 10/s took \(elapsed)")
    }

    /// Whose fault a failure is: the relay's (the breaker; the row is retried) or the recipient's (the row is final).
    @Test(arguments: [
        // (curl code, reply, curl's text, the server's line, relay-level?, permanent when not)
        (CURLE_SEND_ERROR.rawValue, 550, "MAIL failed: 550", "550 5.7.1 Sender rejected", true, false),
        (CURLE_SEND_ERROR.rawValue, 554, "RCPT failed: 554", "554 5.7.1 <a@b.fr>: Relay access denied", true, false),
        (CURLE_SEND_ERROR.rawValue, 550, "RCPT failed: 550", "550 5.1.1 No such user", false, true),
        (CURLE_SEND_ERROR.rawValue, 450, "RCPT failed: 450", "450 4.2.1 Mailbox busy", false, false),
        (CURLE_LOGIN_DENIED.rawValue, 535, "Authentication failed: 535", "535 5.7.8 Bad credentials", true, false),
        (CURLE_SEND_ERROR.rawValue, 530, "MAIL failed: 530", "530 5.7.0 Authentication required", true, false),
        (CURLE_WEIRD_SERVER_REPLY.rawValue, 554, "Got unexpected smtp-server response: 554", "554 go away", true, false),
        (CURLE_WEIRD_SERVER_REPLY.rawValue, 451, "Weird server reply", "451 4.3.0 try later", false, false),
        (CURLE_WEIRD_SERVER_REPLY.rawValue, 552, "Weird server reply", "552 5.3.4 too big", false, true),
        (CURLE_OPERATION_TIMEDOUT.rawValue, 0, "Operation timed out after 2000 milliseconds", "", true, false),
        (CURLE_COULDNT_CONNECT.rawValue, 0, "Failed to connect", "", true, false),
    ] as [(UInt32, Int, String, String, Bool, Bool)])
    func smtpFailuresAreClassifiedByWhoseFaultTheyAre(_ c: (UInt32, Int, String, String, Bool, Bool)) {
        let outcome = SMTPFailure.classify(curl: c.0, reply: c.1, detail: c.2, said: c.3, server: "relay:25")
        switch outcome {
        case .transportFailure(let e):
            #expect(c.4, "\(c.2) is the recipient's: \(e)")
            #expect(!e.contains("@"), "no address in an error: \(e)")
        case .permanent: #expect(!c.4 && c.5, "\(c.2) → permanent")
        case .temporary: #expect(!c.4 && !c.5, "\(c.2) → temporary")
        default: Issue.record("\(c.2) → \(outcome)")
        }
    }
}
