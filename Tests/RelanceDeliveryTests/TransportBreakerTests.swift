import Foundation
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing
@testable import RelanceDelivery

/// The circuit breaker of a transport: when it opens, how long it waits, what closes it.
@Suite struct TransportBreakerTests {
    let t0 = StoreFixture.t("2026-05-18T09:00:00Z")

    @Test func opensAfterThreeFailuresThenDoublesItsPauseUntilASuccess() {
        let b = TransportBreaker(transport: "email", threshold: 3, initialPause: 60, maxPause: 200)
        #expect(b.failed("refused", at: t0) == nil && b.failed("refused", at: t0) == nil)
        let opened = b.failed("timed out", at: t0.addingTimeInterval(5))
        #expect(opened == TransportHealth(transport: "email", failingSince: t0, lastError: "timed out",
                                          pausedUntil: t0.addingTimeInterval(65)))
        #expect(b.paused(at: t0.addingTimeInterval(64)) == t0.addingTimeInterval(65))
        #expect(b.paused(at: t0.addingTimeInterval(65)) == nil, "the pause is over: the next row is a probe")
        // The probe fails: paused again at once, twice as long; then capped at maxPause.
        #expect(b.failed("timed out", at: t0.addingTimeInterval(70))?.pausedUntil == t0.addingTimeInterval(190))
        #expect(b.failed("timed out", at: t0.addingTimeInterval(200))?.pausedUntil == t0.addingTimeInterval(400))
        #expect(b.current?.failingSince == t0)
        #expect(b.succeeded() == (resumed: true, clearRecord: true))
        #expect(b.current == nil && b.paused(at: t0.addingTimeInterval(201)) == nil)
        #expect(b.failed("refused", at: t0.addingTimeInterval(300)) == nil, "counting starts again")
    }

    /// A paused transport's record left by a previous process is cleared by the first success.
    @Test func theFirstSuccessClearsARecordLeftByAPreviousProcess() throws {
        let f = try DeliveryRobustnessTests.reminders(1)
        try f.store.setTransportHealth("email", TransportHealth(transport: "email", failingSince: t0, lastError: "x",
                                                                 pausedUntil: t0.addingTimeInterval(60)), at: t0)
        #expect(try f.store.failingTransports().count == 1)
        let d = Dispatcher(store: f.store, renderer: Renderer(links: DeliveryRobustnessTests.links, templates: DeliveryRobustnessTests.templates),
                           email: FileEmailTransport(folder: f.dir.appendingPathComponent("spool").path), sms: nil,
                           settings: .init(from: Mailbox(name: nil, address: "no-reply@example.org")))
        #expect(try d.drain(now: t0).sent == 1)
        #expect(try f.store.failingTransports().isEmpty)
    }
}
