import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10, cases 3 and 6: nothing is dropped past a per-cycle limit or after an outage.
@Suite struct OutageAndLimitTests {
    let t = StoreFixture.t

    func cycle(_ f: StoreFixture, catchUp: TimeInterval = 7 * 86_400, limit: Int = 50_000) -> Cycle {
        var settings = Cycle.Settings(catchUp: catchUp)
        settings.limit = limit
        return Cycle(store: f.store, settings: settings)
    }

    /// Case 3: more messages than the limit; the cursor stops after what was
    /// processed, the report says more is pending, and the next cycles take the rest.
    @Test func workPastThePerCycleLimitIsTakenByTheNextCycles() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        for p in Int64(10)...Int64(23) { try f.patient(p) }
        // A flood: 40 messages in one second on request 100, then 13 other requests' first messages.
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        for i in 0..<40 {
            try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (?, 100, 'patient', 10, 'x', '2026-11-16T09:00:01Z')",
                      [5000 + i])
        }
        for i in Int64(1)...13 {
            try f.request(100 + i, practitioner: 1, patient: 10 + i, created: "2026-11-16T09:00:02Z")
        }
        let c = cycle(f, limit: 10)
        var keys: [String] = []
        var now = t("2026-11-16T09:01:00Z")
        var cycles = 0
        repeat {
            let report = try c.run(now: now)
            keys += report.decisions.map(\.key)
            cycles += 1
            if !report.morePending { break }
            now = now.addingTimeInterval(1)
        } while cycles < 20
        #expect(cycles >= 5, "the limit of 10 was not applied")
        for i in Int64(1)...13 {
            #expect(keys.contains("patient_message_alert:message:\((100 + i) * 100)"), "request \(100 + i) lost")
        }
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions WHERE rule = 'patient_message_alert'") == 1 + 40 + 13)
        #expect(keys.count == Set(keys).count)
    }

    /// Case 6: down for 10 days, everything since the last cycle is ingested;
    /// alerts older than `max_age` are recorded as skipped with a reason.
    @Test func afterTenDaysDownEverythingSinceTheLastCycleIsDecided() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.patient(11)
        let c = cycle(f)
        _ = try c.run(now: t("2026-11-02T09:00:00Z"))  // last cycle before the outage
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-03T09:00:00Z")  // one day into it
        try f.request(101, practitioner: 1, patient: 11, created: "2026-11-12T08:00:00Z")  // just before the restart
        let report = try c.run(now: t("2026-11-12T09:00:00Z"))
        let byKey = Dictionary(uniqueKeysWithValues: report.decisions.map { ($0.key, $0) })
        let old = try #require(byKey["patient_message_alert:message:10000"], "the alert of the outage's first day was dropped")
        #expect(old.reason == MessageRules.tooOldReason && old.deliveries.isEmpty)
        #expect(byKey["reminder:request:100"] != nil)
        let fresh = try #require(byKey["patient_message_alert:message:10100"])
        #expect(!fresh.deliveries.isEmpty)
        // Visible in status.
        #expect(try f.store.status(since: t("2026-11-12T00:00:00Z")).notSent[MessageRules.tooOldReason] == 1)
    }

    @Test func afterTwoDaysDownWithACatchUpOfOneDayNothingIsDropped() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        let c = cycle(f, catchUp: 86_400)
        _ = try c.run(now: t("2026-11-16T09:00:00Z"))
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T10:00:00Z")
        let report = try c.run(now: t("2026-11-18T09:00:00Z"))
        let alert = try #require(report.decisions.first { $0.key == "patient_message_alert:message:10000" })
        #expect(!alert.deliveries.isEmpty, "47 h old is within max_age: sent")
    }

    /// A first start still looks back `catch_up` only.
    @Test func aFirstStartLooksBackCatchUpOnly() throws {
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-10T09:00:00Z")
        let report = try cycle(f, catchUp: 86_400).run(now: t("2026-11-16T09:00:00Z"))
        #expect(!report.decisions.contains { $0.key == "patient_message_alert:message:10000" })
    }
}
