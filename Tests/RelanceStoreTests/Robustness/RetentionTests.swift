import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10, case 9: old rows are pruned in small batches, never a decision with a pending row.
@Suite struct RetentionTests {
    let t = StoreFixture.t

    func decision(_ f: StoreFixture, _ key: String, at: String, state: String?) throws {
        try f.sql("INSERT INTO relance_decisions (key, rule, request_id, decided_at, content) VALUES (?, 'reminder', 1, ?, '{}')", [key, at])
        guard let state else { return }
        try f.sql("""
            INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id, recipient_name, locale,
                timezone, state, not_before, created_at, updated_at) VALUES (?, 'email', 'a@example.fr', 'practitioner', 1, 'Dr', 'fr',
                'Europe/Paris', ?, ?, ?, ?)
            """, [key, state, at, at, at])
    }

    @Test func oldFinishedDecisionsAndCyclesArePrunedPendingOnesKept() throws {
        let f = try StoreFixture()
        for i in 0..<1200 { try decision(f, "old-sent-\(i)", at: "2025-01-0\(i % 9 + 1)T10:00:00Z", state: "sent") }
        try decision(f, "old-dead", at: "2025-01-05T10:00:00Z", state: "dead")
        try decision(f, "old-none", at: "2025-01-05T10:00:00Z", state: nil)
        try decision(f, "old-pending", at: "2025-01-05T10:00:00Z", state: "pending")
        try decision(f, "recent", at: "2026-11-01T10:00:00Z", state: "sent")
        for day in 1...60 {
            let at = Timestamp.format(t("2026-09-01T00:00:00Z").addingTimeInterval(Double(day) * 86_400))
            try f.sql("INSERT INTO relance_cycles (now, started_at, duration_ms, decisions, skipped) VALUES (?, ?, 1, 0, 0)", [at, at])
        }
        var retention = Retention()
        retention.batchSize = 100
        let report = try f.store.prune(now: t("2026-11-29T00:00:00Z"), retention: retention)
        #expect(report.decisions == 1202 && report.outbox == 1201)
        let keys = try f.store.pool.read { try Set(String.fetchAll($0, sql: "SELECT key FROM relance_decisions")) }
        #expect(keys == ["old-pending", "recent"])
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 2)
        // Cycles older than 30 days: gone.
        #expect(try f.count("SELECT COUNT(*) FROM relance_cycles WHERE now < '2026-10-30T00:00:00Z'") == 0)
        let cyclesLeft = try f.count("SELECT COUNT(*) FROM relance_cycles")
        #expect(report.cycles > 0 && report.cycles + cyclesLeft == 60)
        // Status shows each table's size.
        let sizes = Dictionary(uniqueKeysWithValues: try f.store.status(since: t("2026-11-28T00:00:00Z")).tableSizes.map { ($0.table, $0.rows) })
        #expect(sizes["relance_decisions"] == 2 && sizes["relance_outbox"] == 2 && sizes["relance_cycles"] == 60 - report.cycles)
    }

    @Test func theCyclePrunesWhenRetentionIsSet() throws {
        let f = try StoreFixture()
        try decision(f, "old", at: "2025-01-05T10:00:00Z", state: "sent")
        let c = Cycle(store: f.store, settings: .init(retention: Retention()))
        let report = try c.run(now: t("2026-11-29T10:00:00Z"))
        #expect(report.pruned.decisions == 1)
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 0)
    }
}
