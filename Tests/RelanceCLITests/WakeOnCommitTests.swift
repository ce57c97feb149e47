import Foundation
import Glibc
import GRDB
import Testing

/// `relance run` wakes on the platform's commits: with `poll_interval = "1h"`, a
/// request committed by another process is alerted within seconds, and
/// relance's own commits do not wake it.
@Suite(.serialized) struct WakeOnCommitTests {
    @Test func aCommittedRequestIsAlertedLongBeforeThePollInterval() throws {
        // The demo and the daemon's clock at the test instant (RELANCE_TEST_NOW, or the real time).
        let (dir, config) = try DaemonFixture.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = DaemonFixture.configText().replacingOccurrences(of: "poll_interval = \"1s\"", with: "poll_interval = \"1h\"")
        try #require(text.contains("\"1h\""))
        try text.write(to: config, atomically: true, encoding: .utf8)

        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 20) { $0.hasPrefix("STATUS=cycle ") } != nil, "no first cycle: \(daemon.stderr)")

        // relance's own writes (cursors, cycle row, outbox) change data_version: they must not start cycles.
        let quiet = notify.collect(for: 1.5)
        #expect(!quiet.contains { $0.hasPrefix("STATUS=cycle ") }, "cycles with nothing committed: \(quiet)")

        let spool = dir.appendingPathComponent("spool/email").path
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? [])
        let store = try DatabaseQueue(path: dir.appendingPathComponent("store.sqlite").path)
        try store.write { db in
            // Created at the test instant: in the past of the daemon's clock, within its look-back.
            try db.execute(sql: """
                INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, created_at, updated_at)
                SELECT 900001, pr.id, pa.id, NULL, 'new', ?, ?
                FROM practitioners pr, patients pa
                WHERE pr.email IS NOT NULL AND pr.notify_each_request = 1 AND pa.email IS NOT NULL AND pa.email_opt_in = 1
                  AND NOT EXISTS (SELECT 1 FROM blocked_patients b WHERE b.practitioner_id = pr.id AND b.patient_id = pa.id)
                LIMIT 1;
                INSERT INTO messages (id, request_id, author, author_id, body, created_at)
                SELECT 900001, id, 'patient', patient_id, 'Bonjour', created_at FROM requests WHERE id = 900001;
                """, arguments: [TestInstant.text, TestInstant.text])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages WHERE id = 900001") == 1)
        }
        let committed = Date()

        // Generous bound: the poll interval is an hour; the wake checks every 75 ms.
        var fresh: [String] = []
        while fresh.isEmpty && Date().timeIntervalSince(committed) < 10 {
            fresh = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { !before.contains($0) }
            if fresh.isEmpty { usleep(20_000) }
        }
        let elapsed = Date().timeIntervalSince(committed)
        #expect(!fresh.isEmpty, "no alert for the committed request: \(daemon.stderr)")
        #expect(elapsed < 5, "alerted \(elapsed) s after the commit, poll_interval 1h")
        let decided = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM relance_decisions WHERE message_id = 900001 OR request_id = 900001")
        }
        #expect((decided ?? 0) >= 1)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0, "\(daemon.stderr)")
    }
}
