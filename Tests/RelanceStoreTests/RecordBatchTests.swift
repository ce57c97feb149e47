import Foundation
import GRDB
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing

/// Recording writes decisions and outbox rows as multi-row INSERTs (200 rows
/// per statement): which decisions are fresh must not depend on the batches.
@Suite struct RecordBatchTests {
    let t = StoreFixture.t

    func decision(_ n: Int, at: String) -> Decision {
        let r = Recipient(kind: .practitioner, id: 1, displayName: "Dr Praticien 1", locale: "fr", timezone: "Europe/Paris")
        return Decision(key: "k:\(n)", rule: .patientMessageAlert, requestID: 100, practitionerID: 1, patientID: 10,
                        messageID: Int64(n), decidedAt: t(at),
                        deliveries: [Delivery(channel: .email, address: "a\(n)@example.fr", recipient: r),
                                     Delivery(channel: .email, address: "b\(n)@example.fr", recipient: r)])
    }

    @Test func acrossBatchesEachNewKeyIsFreshOnceInOrderWithItsOutboxRows() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try f.practitioner(1)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z")
        let at = "2026-11-16T09:05:00Z"

        var earlier = CycleRecord(now: t(at), startedAt: t(at))
        earlier.decisions = [7, 199, 200, 201, 430].map { decision($0, at: at) }
        #expect(try f.store.record(earlier).map(\.key) == ["k:7", "k:199", "k:200", "k:201", "k:430"])

        // 450 decisions (three batches), five already recorded, three keys twice in this cycle.
        var record = CycleRecord(now: t(at), startedAt: t(at))
        record.decisions = (1...450).map { decision($0, at: at) } + [3, 250, 449].map { decision($0, at: at) }
        let fresh = try f.store.record(record)
        let expected = (1...450).filter { ![7, 199, 200, 201, 430].contains($0) }.map { "k:\($0)" }
        #expect(fresh.map(\.key) == expected)
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 450)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 900)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox WHERE decision_key = 'k:250'") == 2)
        #expect(try f.store.record(record).isEmpty)
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 900)
    }

    /// Values are bound straight to SQLite: empty text stays empty (not NULL), NULL stays NULL,
    /// and text outside ASCII is stored byte for byte.
    @Test func valuesComeBackExactlyAsBound() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let at = t("2026-11-16T09:05:00Z")
        let r = Recipient(kind: .practitioner, id: 7, displayName: "", locale: "fr", timezone: "Europe/Paris")
        let named = Recipient(kind: .assistant, id: 8, displayName: "Hélène « Lefèvre » 👩‍⚕️ \u{0}x", locale: "fr", timezone: "Europe/Paris")
        var record = CycleRecord(now: at, startedAt: at)
        record.decisions = [Decision(key: "k:é", rule: .reminder, reason: nil, requestID: nil, practitionerID: 7, decidedAt: at,
                                     deliveries: [Delivery(channel: .email, address: "a@example.fr", recipient: r),
                                                  Delivery(channel: .email, address: "b@example.fr", recipient: named)])]
        #expect(try f.store.record(record).map(\.key) == ["k:é"])
        let rows = try f.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT hex(recipient_name) AS h, typeof(recipient_name) AS t FROM relance_outbox ORDER BY address")
        }
        #expect(rows.map { $0["t"] as String } == ["text", "text"])
        // Every byte, an embedded NUL included (binding with the string's length, not up to its first NUL).
        let hex = named.displayName.utf8.map { String(format: "%02X", $0) }.joined()
        #expect(rows.map { $0["h"] as String } == ["", hex])
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions WHERE key = 'k:é' AND reason IS NULL AND request_id IS NULL") == 1)
    }
}
