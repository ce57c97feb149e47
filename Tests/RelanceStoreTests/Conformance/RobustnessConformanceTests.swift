import Foundation
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10's store side, as every `MessageStore` driver must do it: cursors that
/// resume after an outage or a per-cycle limit, the skipped-row registry, the
/// coalescing memory, and retention.
@Suite struct RobustnessConformanceTests {
    let t = EngineFixture.t

    func seeded(_ engine: TestEngine) throws -> EngineFixture {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        return f
    }

    /// Records what a cycle at `now` saw, as the Cycle does.
    func record(_ f: EngineFixture, _ s: CycleSnapshot, decisions: [Decision] = []) throws {
        var record = CycleRecord(now: s.now, startedAt: s.now)
        record.decisions = decisions
        record.skippedRows = s.skipped
        record.recovered = s.recovered
        record.messageCursor = s.messageCursor
        try f.store.record(record, notBefore: { $1.decidedAt })
    }

    @Test(arguments: TestEngine.underTest) func afterAnOutageTheSnapshotResumesAtTheLastCycle(engine: TestEngine) throws {
        let f = try seeded(engine)
        let first = try f.store.loadSnapshot(now: t("2026-11-16T09:05:00Z"), policy: Policy(), catchUp: 3600, limit: 100)
        try record(f, first)
        try f.message(10001, request: 100, author: "patient", authorID: 10, created: "2026-11-17T09:00:00Z")
        let later = try f.store.loadSnapshot(now: t("2026-11-27T09:00:00Z"), policy: Policy(), catchUp: 3600, limit: 100)
        // catch_up applies to a first start only (10000 comes again through the 10-minute overlap).
        #expect(later.messages.map(\.id).contains(10001), "\(later.messages.map(\.id))")
    }

    /// The soak's RSS growth: every cycle re-read, re-decided and re-recorded the whole 10-minute
    /// overlap (30,000 messages at 50/s), so its time and memory grew with the traffic.
    @Test(arguments: TestEngine.underTest) func theOverlapBringsBackOnlyMessagesNotDecidedYet(engine: TestEngine) throws {
        let f = try seeded(engine)
        for i in Int64(1)...3 {
            try f.message(10000 + i, request: 100, author: "patient", authorID: 10, created: "2026-11-16T09:00:00Z")
        }
        let first = try f.store.loadSnapshot(now: t("2026-11-16T09:01:00Z"), policy: Policy(), catchUp: 3600, limit: 100)
        #expect(Set(first.messages.map(\.id)) == [10000, 10001, 10002, 10003])
        let alerts = first.messages.map { m in
            Decision(key: DecisionKey.message(.patientMessageAlert, m.id), rule: .patientMessageAlert, reason: "new_message",
                     requestID: 100, practitionerID: 1, patientID: 10, messageID: m.id, decidedAt: first.now, deliveries: [])
        }
        try record(f, first, decisions: alerts.filter { $0.messageID != 10003 })  // 10003's rules recorded nothing
        // Committed late (its timestamp is before the cursor), and new.
        try f.message(10004, request: 100, author: "patient", authorID: 10, created: "2026-11-16T09:00:30Z")
        try f.message(10005, request: 100, author: "patient", authorID: 10, created: "2026-11-16T09:01:30Z")
        let next = try f.store.loadSnapshot(now: t("2026-11-16T09:02:00Z"), policy: Policy(), catchUp: 3600, limit: 100)
        #expect(next.messages.map(\.id) == [10003, 10004, 10005], "decided messages are not read again: \(next.messages.map(\.id))")
    }

    /// Likewise for requests: those of the overlap already scheduled are not made due again.
    @Test(arguments: TestEngine.underTest) func theOverlapSchedulesOnlyRequestsNotSeenYet(engine: TestEngine) throws {
        let f = try seeded(engine)  // request 100, created 09:00
        try f.store.ingestChangedRequests(now: t("2026-11-16T09:01:00Z"), catchUp: 3600)
        // The cycle looked at 100 and set its next check.
        try f.sql("UPDATE relance_schedule SET due_at = '2026-11-18T09:00:00Z' WHERE request_id = 100")
        // Committed late (created before the cursor), updated since, and new.
        try f.request(101, practitioner: 1, patient: 10, created: "2026-11-16T09:00:30Z")
        try f.request(102, practitioner: 1, patient: 10, created: "2026-11-16T08:30:00Z")
        try f.request(103, practitioner: 1, patient: 10, created: "2026-11-16T09:01:30Z")
        try f.sql("UPDATE requests SET updated_at = '2026-11-16T09:00:40Z' WHERE id = 102")
        try f.store.ingestChangedRequests(now: t("2026-11-16T09:02:00Z"), catchUp: 3600)
        let dueNow = try f.texts("SELECT CAST(request_id AS TEXT) FROM relance_schedule WHERE due_at < '2026-11-17T00:00:00Z' ORDER BY request_id")
        #expect(dueNow == ["101", "102", "103"], "100 keeps its next check: \(dueNow)")
        #expect(try f.count("SELECT COUNT(*) FROM relance_schedule") == 4)
    }

    @Test(arguments: TestEngine.underTest) func aCycleAtItsLimitStopsAfterItsLastRow(engine: TestEngine) throws {
        let f = try seeded(engine)
        for i in Int64(1)...4 {
            try f.message(10000 + i, request: 100, author: "patient", authorID: 10, created: "2026-11-16T09:00:00Z")
        }
        let now = t("2026-11-16T09:05:00Z")
        var seen: [Int64] = []
        for _ in 0..<4 {
            let s = try f.store.loadSnapshot(now: now, policy: Policy(), catchUp: 3600, limit: 2)
            seen += s.messages.map(\.id)
            try record(f, s)
            if !s.morePending { break }
        }
        #expect(Set(seen) == [10000, 10001, 10002, 10003, 10004])
        #expect(seen.count == 5, "each message once: \(seen)")
    }

    @Test(arguments: TestEngine.underTest) func aSkippedRowIsKeptUntilItReadsFine(engine: TestEngine) throws {
        let f = try seeded(engine)
        let now = t("2026-11-16T09:05:00Z")
        // A cycle could not read message 10000 (the contract's constraints keep a real bad row out of this store).
        var first = CycleRecord(now: now, startedAt: now)
        first.skippedRows = [SkippedRow(table: "messages", id: 10000, column: "author_id", reason: "author_id is text, not an integer"),
                             SkippedRow(table: "practitioners", id: 7, column: "profile", reason: "profile is NULL")]
        first.messageCursor = CursorPosition(value: now)
        try f.store.record(first, notBefore: { $1.decidedAt })
        #expect(try f.store.status(since: now.addingTimeInterval(-3600)).skippedRows == ["messages": 1, "practitioners": 1])
        // The next snapshot knows it (to log it once), retries the message, and finds it readable now.
        let next = try f.store.loadSnapshot(now: now.addingTimeInterval(60), policy: Policy(), catchUp: 3600, limit: 100)
        #expect(next.knownSkipped["messages#10000"] == "author_id is text, not an integer")
        #expect(next.messages.map(\.id) == [10000], "a skipped message is retried after the cursor passed it")
        #expect(next.recovered == ["messages#10000"])
        try record(f, next)
        #expect(try f.store.status(since: now.addingTimeInterval(-3600)).skippedRows == ["practitioners": 1])
    }

    @Test(arguments: TestEngine.underTest) func theSnapshotRemembersTheLastAlertAndWhatWasHeldBack(engine: TestEngine) throws {
        let f = try seeded(engine)
        let r = Recipient(kind: .practitioner, id: 1, displayName: "Dr", locale: "fr", timezone: "Europe/Paris")
        func alert(_ id: Int64, _ at: String, reason: String?) -> Decision {
            Decision(key: DecisionKey.message(.patientMessageAlert, id), rule: .patientMessageAlert, reason: reason, requestID: 100,
                     practitionerID: 1, patientID: 10, messageID: id, decidedAt: t(at),
                     deliveries: reason == AlertCoalescing.coalescedReason ? [] : [Delivery(channel: .email, address: "a@example.fr", recipient: r)])
        }
        var record = CycleRecord(now: t("2026-11-16T09:05:00Z"), startedAt: t("2026-11-16T09:05:00Z"))
        record.decisions = [alert(1, "2026-11-16T09:05:00Z", reason: "new_request"), alert(2, "2026-11-16T09:05:00Z", reason: "coalesced"),
                            alert(3, "2026-11-16T09:06:00Z", reason: "coalesced")]
        try f.store.record(record, notBefore: { $1.decidedAt })
        try f.message(10001, request: 100, author: "patient", authorID: 10, created: "2026-11-16T09:07:00Z")
        let s = try f.store.loadSnapshot(now: t("2026-11-16T09:08:00Z"), policy: Policy(), catchUp: 3600, limit: 100)
        #expect(s.alertMemory[AlertCoalescing.Key(requestID: 100, rule: .patientMessageAlert)]
                == AlertCoalescing.Memory(lastSentAt: t("2026-11-16T09:05:00Z"), held: 2))
    }

    @Test(arguments: TestEngine.underTest) func retentionKeepsWhatIsPending(engine: TestEngine) throws {
        let f = try seeded(engine)
        let r = Recipient(kind: .practitioner, id: 1, displayName: "Dr", locale: "fr", timezone: "Europe/Paris")
        var record = CycleRecord(now: t("2025-01-05T10:00:00Z"), startedAt: t("2025-01-05T10:00:00Z"))
        record.decisions = ["old:1", "old:2"].map {
            Decision(key: $0, rule: .reminder, requestID: 100, decidedAt: t("2025-01-05T10:00:00Z"),
                     deliveries: [Delivery(channel: .email, address: "a@example.fr", recipient: r)])
        }
        try f.store.record(record, notBefore: { $1.decidedAt })
        try f.sql("UPDATE relance_outbox SET state = 'sent' WHERE decision_key = 'old:1'")
        let pruned = try f.store.prune(now: t("2026-11-29T00:00:00Z"), retention: Retention())
        #expect(pruned.decisions == 1 && pruned.outbox == 1 && pruned.cycles == 1)
        #expect(try f.store.existingKeys(["old:1", "old:2"]) == ["old:2"])
    }
}

