import Foundation
import GRDB
import RelanceCore
@testable import RelanceStore
import RelanceTestSupport
import Testing

/// A claim takes a few due rows (two per sender). It must read them through the claim index,
/// one priority at a time, and stop at its limit: reading every pending row and sorting them
/// made a drain quadratic in the outbox (issue 13: 1.6 ms of CPU per email over 10,000 rows).
@Suite struct ClaimPlanTests {
    let t = StoreFixture.t

    /// `count` pending rows: every third a reply alert (priority 1), every fifth not due yet.
    func outbox(_ f: StoreFixture, count: Int, now: Date) throws {
        var record = CycleRecord(now: now, startedAt: now)
        for i in 1...count {
            let r = Recipient(kind: .practitioner, id: Int64(i), displayName: "Dr \(i)", locale: "fr", timezone: "Europe/Paris")
            let rule: RuleName = i % 3 == 0 ? .replyAlert : .reminder
            let decided = i % 5 == 0 ? now.addingTimeInterval(3600) : now.addingTimeInterval(-Double(i))
            record.decisions.append(Decision(key: "\(rule.rawValue):\(i)", rule: rule, requestID: Int64(i), practitionerID: Int64(i),
                                             decidedAt: decided,
                                             deliveries: [Delivery(channel: i % 7 == 0 ? .sms : .email, address: "dr\(i)@example.fr", recipient: r)]))
        }
        try f.store.record(record)
    }

    @Test func theClaimReadsThroughTheClaimIndexWithoutSortingEveryPendingRow() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let now = t("2026-11-23T10:00:00Z")
        try outbox(f, count: 3000, now: now)
        // Without statistics (relance never runs ANALYZE on the platform's file) and with them.
        for (analyze, channels) in [(false, [Channel.email, .sms]), (false, [.email]), (true, [.email, .sms]), (true, [.email])] {
            if analyze { try f.sql("ANALYZE") }
            let plan = try f.store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.claimSQL(channels: channels),
                                 arguments: [Timestamp.format(now), 6]).map { $0["detail"] as String? ?? "" }
            }.joined(separator: "\n")
            #expect(plan.contains("relance_outbox_claim (priority=? AND not_before<?)"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }

    @Test func claimsComeByPriorityThenDueTimeThenIdAndOnlyWhenDue() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let now = t("2026-11-23T10:00:00Z")
        try outbox(f, count: 300, now: now)
        let expected = try f.store.pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT o.id FROM relance_outbox o WHERE o.state = 'pending' AND o.not_before <= ? AND o.channel = 'email'
                ORDER BY o.priority, o.not_before, o.id
                """, arguments: [Timestamp.format(now)])
        }
        var claimed: [Int64] = []
        while true {
            let batch = try f.store.claimDue(now: now, limit: 7, leaseUntil: now.addingTimeInterval(300), channels: [.email])
            if batch.isEmpty { break }
            #expect(batch.count <= 7)
            claimed += batch.map(\.id)
        }
        #expect(claimed == expected)
        #expect(claimed.count == (1...300).filter { $0 % 5 != 0 && $0 % 7 != 0 }.count)
    }

    @Test func everyRulesPriorityIsOneTheClaimReads() {
        for rule in RuleName.allCases {
            #expect(OutboxItem.priorities.contains(OutboxItem.priority(of: rule)), "\(rule)")
        }
    }
}

/// Every write but a lease waits for the disk (`synchronous = FULL`): GRDB turns WAL on with
/// NORMAL after the connection's own setup, which once undid relance's FULL without a word.
@Suite struct DurabilityTests {
    func synchronous(_ store: SQLiteStore) throws -> Int {
        try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    @Test func theWriterCommitsAtFullAndALeaseLeavesItSo() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        #expect(try synchronous(f.store) == 2)  // FULL
        let now = StoreFixture.t("2026-11-23T10:00:00Z")
        try ClaimPlanTests().outbox(f, count: 20, now: now)
        let claimed = try f.store.claimDue(now: now, limit: 5, leaseUntil: now.addingTimeInterval(300), channels: [.email])
        #expect(claimed.count == 5)
        #expect(try synchronous(f.store) == 2)
        try f.store.lease(claimed.map(\.id), until: now)
        #expect(try synchronous(f.store) == 2)
        // A lease write that fails still leaves the writer at FULL.
        #expect(throws: (any Error).self) {
            try f.store.unsyncedWrite { db in try db.execute(sql: "UPDATE no_such_table SET x = 1") }
        }
        #expect(try synchronous(f.store) == 2)
    }
}
