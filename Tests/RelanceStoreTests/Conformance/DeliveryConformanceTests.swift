import Foundation
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing

/// What every `MessageStore` driver must do for delivery (issue 10): claim by channel
/// and priority, hand rows back, postpone without an attempt, requeue, and keep a
/// paused transport's record.
@Suite struct DeliveryConformanceTests {
    let t = EngineFixture.t

    /// Rows decided at 09:00: three reply alerts (email), then a reminder (email) and an SMS alert at 09:01.
    func seeded(_ engine: TestEngine) throws -> EngineFixture {
        let f = try EngineFixture.make(engine)
        let at = t("2026-11-16T09:01:00Z")
        var record = CycleRecord(now: at, startedAt: at)
        let patient = Recipient(kind: .patient, id: 10, displayName: "Zoé", locale: "fr", timezone: "Europe/Paris")
        let doctor = Recipient(kind: .practitioner, id: 1, displayName: "Dr Praticien 1", locale: "fr", timezone: "Europe/Paris")
        for i in 1...3 {
            record.decisions.append(Decision(key: "reply_alert:message:\(i)", rule: .replyAlert, requestID: 100, decidedAt: t("2026-11-16T09:00:00Z"),
                                             deliveries: [Delivery(channel: .email, address: "p\(i)@example.fr", recipient: patient)]))
        }
        record.decisions.append(Decision(key: "reminder:request:100", rule: .reminder, requestID: 100, decidedAt: at,
                                         deliveries: [Delivery(channel: .email, address: "dr@example.fr", recipient: doctor)]))
        record.decisions.append(Decision(key: "patient_message_alert:message:9", rule: .patientMessageAlert, requestID: 100, decidedAt: at,
                                         deliveries: [Delivery(channel: .sms, address: "+33612345678", recipient: doctor)]))
        try f.store.record(record, notBefore: { $1.decidedAt })
        return f
    }

    @Test(arguments: TestEngine.underTest) func claimsThePractitionersWorkFirstAndOnlyOnOpenChannels(engine: TestEngine) throws {
        let f = try seeded(engine)
        let now = t("2026-11-16T09:05:00Z"), lease = now.addingTimeInterval(300)
        let email = try f.store.claimDue(now: now, limit: 2, leaseUntil: lease, channels: [.email])
        #expect(email.map(\.rule) == [.reminder, .replyAlert], "the reminder first, though decided later")
        #expect(try f.store.claimDue(now: now, limit: 10, leaseUntil: lease, channels: []).isEmpty)
        #expect(try f.store.claimDue(now: now, limit: 10, leaseUntil: lease, channels: [.sms]).map(\.delivery.channel) == [.sms])
        // Handed back: due again at once.
        try f.store.lease(email.map(\.id), until: now)
        #expect(try f.store.claimDue(now: now, limit: 10, leaseUntil: lease).count == 4)
    }

    @Test(arguments: TestEngine.underTest) func postponedCountsNoAttemptAndRequeueBringsRowsBack(engine: TestEngine) throws {
        let f = try seeded(engine)
        let now = t("2026-11-16T09:05:00Z")
        let rows = try f.store.claimDue(now: now, limit: 10, leaseUntil: now.addingTimeInterval(300))
        let ids = rows.map(\.id)
        try f.store.finish([(ids[0], .postponed(until: now.addingTimeInterval(60))),
                            (ids[1], .dead(error: "SMTP 550 5.7.1 relaying denied")),
                            (ids[2], .dead(error: "SMTP 550 5.1.1 permanent")),
                            (ids[3], .sent(providerID: nil))], at: now)
        let postponed = try #require(f.store.outbox(state: .pending, limit: 10).first { $0.id == ids[0] })
        #expect(postponed.attempts == 0 && postponed.notBefore == now.addingTimeInterval(60))
        #expect(try f.store.requeue(OutboxSelection(errorContains: "relaying denied"), now: now) == 1)
        #expect(try f.store.requeue(OutboxSelection(ids: [ids[3]]), now: now) == 0, "a sent row never comes back")
        let back = try #require(f.store.outbox(state: .pending, limit: 10).first { $0.id == ids[1] })
        #expect(back.attempts == 0 && back.notBefore == now)
        #expect(try f.store.requeue(OutboxSelection(state: .dead, rule: .replyAlert), now: now) <= 1)
    }

    @Test(arguments: TestEngine.underTest) func aPausedTransportIsRecordedUntilItWorksAgain(engine: TestEngine) throws {
        let f = try seeded(engine)
        let now = t("2026-11-16T09:05:00Z")
        let health = TransportHealth(transport: "email", failingSince: now, lastError: "timed out", pausedUntil: now.addingTimeInterval(60))
        try f.store.setTransportHealth("email", health, at: now)
        try f.store.setTransportHealth("email", health, at: now)
        #expect(try f.store.failingTransports() == [health])
        try f.store.setTransportHealth("email", nil, at: now)
        #expect(try f.store.failingTransports().isEmpty)
    }
}
