import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import Testing
import RelanceStore
import RelanceTestSupport

@Suite struct CycleTests {
    let t = StoreFixture.t

    func cycle(_ f: StoreFixture, policy: Policy = Policy()) -> Cycle {
        Cycle(store: f.store, settings: .init(policy: policy, catchUp: 30 * 86_400))
    }

    @Test func aSecondTickAtTheSameOrALaterNowDecidesNothingTwice() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")  // Monday
        let c = cycle(f)
        let first = try c.run(now: t("2026-11-16T09:05:00Z"))
        #expect(first.decisions.map(\.key) == ["patient_message_alert:message:10000"])
        #expect(try c.run(now: t("2026-11-16T09:05:00Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-16T10:00:00Z")).decisions.isEmpty)
        // Two business days later: the reminder, once.
        let due = try c.run(now: t("2026-11-18T09:00:00Z"))
        #expect(due.decisions.map(\.key) == ["reminder:request:100"])
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.isEmpty)
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 2)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 2)
    }

    @Test func aReplayAtAnEarlierNowDoesNotRedecide() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let c = cycle(f)
        #expect(try c.run(now: t("2026-11-20T09:00:00Z")).decisions.count == 2)
        // Replaying the past: keys already recorded are never decided again.
        #expect(try c.run(now: t("2026-11-16T09:30:00Z")).decisions.isEmpty)
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.isEmpty)
    }

    @Test func outboxRowsAreWrittenWithTheirDecisionOnly() throws {
        let f = try StoreFixture()
        try f.practitioner(1, sms: 1, phone: "+33612345678")
        try f.sql("INSERT INTO assistants (id, practitioner_id, display_name, email) VALUES (5, 1, 'Secrétariat', 'sec@example.fr')")
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T21:00:00Z")
        let report = try cycle(f).run(now: t("2026-11-16T21:01:00Z"))
        #expect(report.decisions.count == 1)
        let rows = try f.store.outbox(state: .pending)
        #expect(Set(rows.map { "\($0.delivery.channel.rawValue):\($0.delivery.address)" })
                == ["email:dr@example.fr", "email:sec@example.fr", "sms:+33612345678"])
        // Quiet hours: the SMS waits for 08:00 Paris, the emails go now.
        let sms = try #require(rows.first { $0.delivery.channel == .sms })
        #expect(Timestamp.format(sms.notBefore) == "2026-11-17T07:00:00Z")
        #expect(rows.filter { $0.delivery.channel == .email }.allSatisfy { Timestamp.format($0.notBefore) == "2026-11-16T21:01:00Z" })
    }

    @Test func answeredBeforeTheDeadlineGetsNoReminder() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z", status: "answered",
                      firstRead: "2026-11-16T10:00:00Z", answered: "2026-11-17T09:00:00Z")
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        #expect(try c.run(now: t("2026-11-25T09:00:00Z")).decisions.filter { $0.rule == .reminder }.isEmpty)
        #expect(try f.count("SELECT COUNT(*) FROM relance_schedule") == 0)
    }

    @Test func addressOnlyPractitionerLeadsToANearbyProposalRecordedForThePlatform() throws {
        let f = try StoreFixture()
        try f.practitioner(1, profile: "address_only", email: nil, procedures: ["détartrage"])
        try f.practitioner(2, lat: 48.86, lon: 2.35, procedures: ["détartrage"])        // ~0.4 km
        try f.practitioner(3, lat: 48.90, lon: 2.40, procedures: ["détartrage"])        // ~6 km
        try f.practitioner(4, lat: 48.857, lon: 2.353, procedures: ["extraction"])      // wrong procedure
        try f.practitioner(5, lat: 45.76, lon: 4.83, procedures: ["détartrage"])        // Lyon: too far
        try f.practitioner(6, lat: 48.8567, lon: 2.3523, open: 0, procedures: ["détartrage"])  // messaging closed
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z", procedure: "détartrage")
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        let report = try c.run(now: t("2026-11-18T09:00:00Z"))
        let proposal = try #require(report.decisions.first { $0.rule == .nearbyProposal })
        #expect(proposal.reason == "address_only")
        #expect(proposal.content.nearby?.map(\.practitionerID) == [2, 3])
        #expect(proposal.deliveries.map(\.address) == ["patient@example.org"])
        #expect(try f.count("SELECT COUNT(*) FROM relance_proposals WHERE request_id = 100") == 2)
        #expect(!report.decisions.contains { $0.rule == .reminder })
    }

    @Test func unreadEscalationAfterTheReminderAndThreeBusinessDays() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.practitioner(2, lat: 48.86, lon: 2.35)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        #expect(try c.run(now: t("2026-11-18T09:00:00Z")).decisions.map(\.rule) == [.reminder])
        #expect(try c.run(now: t("2026-11-19T08:59:59Z")).decisions.isEmpty)
        let escalation = try c.run(now: t("2026-11-19T09:00:00Z"))
        #expect(escalation.decisions.map(\.key) == ["nearby_proposal:request:100"])
        #expect(escalation.decisions.first?.reason == "unread")
    }

    @Test func digestGoesOnceWithinSevenDays() throws {
        let f = try StoreFixture()
        try f.practitioner(1, notify: 0)
        for i in 1...5 { try f.patient(Int64(i)) }
        for i in 1...4 {
            try f.request(Int64(100 + i), practitioner: 1, patient: Int64(i), created: "2026-11-16T0\(i):00:00Z")
        }
        var policy = Policy()
        policy.reminder.enabled = false
        policy.nearbyProposal.enabled = false
        let c = cycle(f, policy: policy)
        let first = try c.run(now: t("2026-11-16T05:00:00Z"))
        #expect(first.decisions.map(\.rule) == [.digest])
        #expect(first.decisions.first?.content.count == 4)
        // Crossing the threshold again within 7 days: nothing.
        try f.sql("UPDATE requests SET status = 'answered', answered_at = '2026-11-17T09:00:00Z', updated_at = '2026-11-17T09:00:00Z' WHERE id = 101")
        _ = try c.run(now: t("2026-11-17T10:00:00Z"))
        try f.request(105, practitioner: 1, patient: 5, created: "2026-11-18T09:00:00Z")
        #expect(try c.run(now: t("2026-11-18T10:00:00Z")).decisions.isEmpty)
        // Seven days after the first: the next one.
        #expect(try c.run(now: t("2026-11-23T05:00:00Z")).decisions.map(\.rule) == [.digest])
    }

    @Test func rowsBreakingTheContractAreSkippedWithAReasonAndOthersProcessed() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        try f.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: """
                INSERT INTO requests (id, practitioner_id, patient_id, status, created_at, updated_at) VALUES
                    (201, 1, 10, 'pending', '2026-11-16T09:10:00Z', '2026-11-16T09:10:00Z'),
                    (202, 99, 10, 'new', '2026-11-16T09:11:00Z', '2026-11-16T09:11:00Z'),
                    (203, 1, 10, 'new', '2026-11-16T09:12:00Z', 'yesterday');
                INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES
                    (301, 201, 'patient', 10, 'x', '2026-11-16T09:10:00Z'),
                    (302, 100, 'robot', 10, 'x', '2026-11-16T09:13:00Z'),
                    (303, 100, 'patient', 10, 'x', '2026-11-16T09:14:00Z');
                """)
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let report = try cycle(f).run(now: t("2026-11-16T09:30:00Z"))
        let reasons = report.skipped.map(\.description)
        #expect(reasons.contains { $0.contains("requests row 201") && $0.contains("status is not one of the contract's values") })
        #expect(reasons.contains { $0.contains("requests row 202") && $0.contains("practitioner 99") })
        #expect(reasons.contains { $0.contains("requests row 203") && $0.contains("updated_at") })
        #expect(reasons.contains { $0.contains("messages row 302") && $0.contains("author is not one of the contract's values") })
        // The reason names the column, never the value.
        #expect(!reasons.contains { $0.contains("pending") || $0.contains("robot") || $0.contains("yesterday") })
        // The good rows went through.
        #expect(Set(report.decisions.map(\.key)) == ["patient_message_alert:message:10000", "patient_message_alert:message:303"])
        // Each bad row is reported once per cycle.
        #expect(reasons.count == Set(reasons).count)
    }

    @Test func dryRunRecordsNothing() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let report = try cycle(f).run(now: t("2026-11-16T09:05:00Z"), dryRun: true)
        #expect(report.decisions.count == 1)
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 0)
    }
}
