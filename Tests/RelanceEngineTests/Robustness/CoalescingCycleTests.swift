import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10, case 4: a flood of messages does not become a flood of email.
@Suite struct CoalescingCycleTests {
    let t = StoreFixture.t

    @Test func aFloodInOneRequestGivesOneAlertThenOneThatCountsTheRest() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.sql("INSERT INTO assistants (id, practitioner_id, display_name, email) VALUES (5, 1, 'Secrétariat', 'sec@example.fr')")
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        for i in 0..<200 {
            try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (?, 100, 'patient', 10, 'x', ?)",
                      [5000 + i, "2026-11-16T09:0\(i / 40):\(String(format: "%02d", i % 40))Z"])
        }
        // And the practitioner answering many times: the patient's reply alerts coalesce too.
        for i in 0..<30 {
            try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (?, 100, 'practitioner', 1, 'x', '2026-11-16T09:06:00Z')",
                      [8000 + i])
        }
        let c = Cycle(store: f.store, settings: .init(catchUp: 86_400))
        var decisions = try c.run(now: t("2026-11-16T09:07:00Z")).decisions
        decisions += try c.run(now: t("2026-11-16T09:08:00Z")).decisions
        let alerts = decisions.filter { $0.rule == .patientMessageAlert }
        #expect(alerts.count == 201, "every message is decided once")
        #expect(alerts.filter { !$0.deliveries.isEmpty }.count == 1)
        #expect(alerts.filter { $0.reason == AlertCoalescing.coalescedReason }.count == 200)
        let replies = decisions.filter { $0.rule == .replyAlert }
        #expect(replies.filter { !$0.deliveries.isEmpty }.count == 1)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 2 + 1)

        // 15 minutes later, one more message: one alert, saying how many came meanwhile.
        try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (6000, 100, 'patient', 10, 'x', '2026-11-16T09:30:00Z')")
        let next = try c.run(now: t("2026-11-16T09:31:00Z")).decisions
        let alert = try #require(next.first { $0.key == "patient_message_alert:message:6000" })
        #expect(alert.deliveries.count == 2 && alert.content.heldBack == 200)
        let stored = try f.store.outbox(forRequest: 100).filter { $0.decisionKey == alert.key }
        #expect(stored.count == 2 && stored.allSatisfy { $0.content.heldBack == 200 })
    }

    @Test func coalescingIsPerRequest() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.patient(11)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        try f.request(101, practitioner: 1, patient: 11, created: "2026-11-16T09:00:30Z")
        let report = try Cycle(store: f.store, settings: .init(catchUp: 86_400)).run(now: t("2026-11-16T09:01:00Z"))
        #expect(report.decisions.filter { !$0.deliveries.isEmpty }.count == 2)
    }
}
