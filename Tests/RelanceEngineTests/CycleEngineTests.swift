import Foundation
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// The cycle's rules through each engine's store: the same cases give the same decisions.
@Suite struct CycleEngineTests {
    let t = EngineFixture.t

    func cycle(_ f: EngineFixture, policy: Policy = Policy()) -> Cycle {
        Cycle(store: f.store, settings: .init(policy: policy, catchUp: 30 * 86_400))
    }

    @Test(arguments: TestEngine.underTest) func aSecondTickDecidesNothingTwiceAndAReplayNothingAgain(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")  // Monday
        let c = cycle(f)
        #expect(try c.run(now: t("2026-11-16T09:05:00Z")).decisions.map(\.key) == ["patient_message_alert:message:10000"])
        #expect(try c.run(now: t("2026-11-16T09:05:00Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.map(\.key) == ["reminder:request:100"])
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-16T09:30:00Z")).decisions.isEmpty, "a replay of the past")
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 2)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 2)
    }

    @Test(arguments: TestEngine.underTest) func smsWaitForQuietHoursToEnd(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1, sms: true, phone: "+33612345678")
        try f.sql("INSERT INTO assistants (id, practitioner_id, display_name, email) VALUES (5, 1, 'Secrétariat', 'sec@example.fr')")
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T21:00:00Z")
        #expect(try cycle(f).run(now: t("2026-11-16T21:01:00Z")).decisions.count == 1)
        let rows = try f.store.outbox(state: .pending, limit: 10)
        #expect(Set(rows.map { "\($0.delivery.channel.rawValue):\($0.delivery.address)" })
                == ["email:dr@example.fr", "email:sec@example.fr", "sms:+33612345678"])
        let sms = try #require(rows.first { $0.delivery.channel == .sms })
        #expect(Timestamp.format(sms.notBefore) == "2026-11-17T07:00:00Z")
    }

    @Test(arguments: TestEngine.underTest) func addressOnlyLeadsToANearbyProposal(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1, profile: "address_only", email: nil, procedures: ["détartrage"])
        try f.practitioner(2, lat: 48.86, lon: 2.35, procedures: ["détartrage"])
        try f.practitioner(3, lat: 48.90, lon: 2.40, procedures: ["détartrage"])
        try f.practitioner(4, lat: 48.857, lon: 2.353, procedures: ["extraction"])
        try f.practitioner(5, lat: 45.76, lon: 4.83, procedures: ["détartrage"])
        try f.practitioner(6, lat: 48.8567, lon: 2.3523, open: false, procedures: ["détartrage"])
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z", procedure: "détartrage")
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        let proposal = try #require(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.first { $0.rule == .nearbyProposal })
        #expect(proposal.reason == "address_only")
        #expect(proposal.content.nearby?.map(\.practitionerID) == [2, 3])
        #expect(try f.count("SELECT COUNT(*) FROM relance_proposals WHERE request_id = 100") == 2)
    }

    @Test(arguments: TestEngine.underTest) func unreadEscalatesAfterTheReminder(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1)
        try f.practitioner(2, lat: 48.86, lon: 2.35)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.map(\.rule) == [.reminder])
        #expect(try c.run(now: t("2026-11-19T08:59:59Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-19T09:00:00Z")).decisions.map(\.key) == ["nearby_proposal:request:100"])
    }

    @Test(arguments: TestEngine.underTest) func theDigestGoesOnceWithinSevenDays(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1, notify: false)
        for i in 1...5 { try f.patient(Int64(i)) }
        for i in 1...4 { try f.request(Int64(100 + i), practitioner: 1, patient: Int64(i), created: "2026-11-16T0\(i):00:00Z") }
        var policy = Policy()
        policy.reminder.enabled = false
        policy.nearbyProposal.enabled = false
        let c = cycle(f, policy: policy)
        let first = try c.run(now: t("2026-11-16T05:00:00Z"))
        #expect(first.decisions.map(\.rule) == [.digest] && first.decisions.first?.content.count == 4)
        try f.sql("UPDATE requests SET status = 'answered', answered_at = '2026-11-17T09:00:00Z', updated_at = '2026-11-17T09:00:00Z' WHERE id = 101")
        _ = try c.run(now: t("2026-11-17T10:00:00Z"))
        try f.request(105, practitioner: 1, patient: 5, created: "2026-11-18T09:00:00Z")
        #expect(try c.run(now: t("2026-11-18T10:00:00Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-23T05:00:00Z")).decisions.map(\.rule) == [.digest])
    }

    @Test(arguments: TestEngine.underTest) func aDryRunRecordsNothing(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let c = cycle(f)
        let dry = try c.run(now: t("2026-11-18T09:00:00Z"), dryRun: true)
        #expect(dry.decisions.map(\.key) == ["patient_message_alert:message:10000", "reminder:request:100"])
        for table in ["relance_decisions", "relance_outbox", "relance_schedule", "relance_cursors", "relance_cycles"] {
            #expect(try f.count("SELECT COUNT(*) FROM \(table)") == 0, "\(table)")
        }
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.map(\.key) == dry.decisions.map(\.key))
    }
}
