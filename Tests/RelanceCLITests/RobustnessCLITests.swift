import Foundation
import GRDB
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10 through the binary: bad platform rows never stop a tick nor reach
/// stderr, and read-only commands answer while the platform holds the write lock.
@Suite struct RobustnessCLITests {
    static let now = "2026-11-16T09:05:00Z"

    /// A store without the contract's constraints, and a config with file transports.
    func store(_ dir: URL, busyTimeout: String = "5s") throws -> (StoreFixture, URL) {
        let f = try StoreFixture(constraints: false)
        let config = dir.appendingPathComponent("relance.toml")
        let text = DaemonFixture.configText(catchUp: "1 days")
            .replacingOccurrences(of: "path = \"store.sqlite\"", with: "path = \"\(f.path)\"\nbusy_timeout = \"\(busyTimeout)\"")
        try text.write(to: config, atomically: true, encoding: .utf8)
        try f.sql("""
            INSERT INTO practitioners (id, display_name, email, profile, timezone, locale, messaging_open, notify_each_request, sms_alerts, forward_full_text)
            VALUES (1, 'Dr Un', 'un@example.fr', 'complete', 'Europe/Paris', 'fr', 1, 1, 0, 0),
                   (2, 'Dr Deux Secret', x'C328FFFE80', 'complete', 'Europe/Paris', 'fr', 1, 1, 0, 0);
            INSERT INTO patients (id, display_name, email, locale, email_opt_in, sms_opt_in)
            VALUES (10, 'Zoé Secrète', 'zoe@example.org', 'fr', 1, 0), (20, 'Yves Secret', 'yves@example.org', 'fr', 1, 0);
            INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, secondary, created_at, updated_at)
            VALUES (100, 1, 10, NULL, 'new', 0, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z'),
                   (200, 2, 20, x'FFFE', 'new', 0, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z'),
                   (300, 1, 20, 'orthodontie secrète', 'new', 0, NULL, '2026-11-16T09:00:00Z');
            INSERT INTO messages (id, request_id, author, author_id, body, created_at)
            VALUES (1000, 100, 'patient', 10, 'Texte confidentiel', '2026-11-16T09:00:00Z'),
                   (2000, 200, 'patient', 'vingt secret', 'Texte confidentiel', '2026-11-16T09:00:00Z'),
                   (3000, 100, 'patient', 10, 'Texte confidentiel', 1763283600);
            """)
        return (f, config)
    }

    @Test func aTickOverBadRowsExitsZeroAndPrintsNoValue() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, config) = try store(dir)
        let tick = try Relance.run(["tick", "--config", config.path, "--now", Self.now], cwd: dir)
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(tick.stderr.contains("skipped"), "\(tick.stderr)")
        for secret in ["Secret", "Secrète", "secret", "confidentiel", "vingt"] {
            #expect(!tick.stderr.contains(secret) && !tick.stdout.contains(secret), "\(secret) leaked: \(tick.stderr)")
        }
        // The good request's alert went out.
        let spool = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("spool/email").path)
        #expect(spool.count == 1, "\(spool)")
        let status = try Relance.run(["status", "--config", config.path, "--now", Self.now], cwd: dir)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("rows skipped: "), "\(status.stdout)")
        #expect(!status.stdout.contains("rows skipped: 0"), "\(status.stdout)")
        #expect(status.stdout.contains("tables:      relance_decisions "), "\(status.stdout)")
        let again = try Relance.run(["tick", "--config", config.path, "--now", "2026-11-16T09:06:00Z"], cwd: dir)
        #expect(again.status == 0)
        #expect(!again.stderr.contains("row skipped") && !again.stderr.contains("skipped:"), "logged again: \(again.stderr)")
    }

    @Test func readOnlyCommandsAnswerWhileThePlatformHoldsTheWriteLock() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (f, config) = try store(dir, busyTimeout: "1s")
        #expect(try Relance.run(["tick", "--config", config.path, "--now", Self.now], cwd: dir).status == 0)
        let lock = PlatformWriteLock(path: f.path)
        try lock.hold()
        defer { lock.release() }
        let now = ["--now", "2026-11-16T10:00:00Z"]
        for args in [["status"] + now, ["outbox"], ["explain", "100"] + now, ["stats"] + now, ["tick", "--dry-run"] + now] {
            let r = try Relance.run(args + ["--config", config.path], cwd: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
    }

    /// Case 3 in the daemon: a cycle that stops at `store.cycle_limit` is followed at once
    /// by the next, not after `poll_interval` (an hour here), until the backlog is done.
    @Test func workPastTheCycleLimitIsTakenWithoutWaitingAPollInterval() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try StoreFixture()
        try f.practitioner(1)
        try f.patient(10)
        let created = TestInstant.text(adding: -60)
        try f.request(100, practitioner: 1, patient: 10, created: created)
        for i in 1...24 {
            try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (?, 100, 'patient', 10, 'x', ?)",
                      [20_000 + i, created])
        }
        let config = dir.appendingPathComponent("relance.toml")
        try DaemonFixture.configText(catchUp: "1 days")
            .replacingOccurrences(of: "path = \"store.sqlite\"", with: "path = \"\(f.path)\"\ncycle_limit = 5")
            .replacingOccurrences(of: "poll_interval = \"1s\"", with: "poll_interval = \"1h\"")
            .write(to: config, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        var cycles = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try f.count("SELECT COUNT(*) FROM relance_decisions WHERE rule = 'patient_message_alert'")) < 25 {
            if notify.waitFor(timeout: 1, { $0.hasPrefix("STATUS=cycle ") }) != nil { cycles += 1 }
        }
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions WHERE rule = 'patient_message_alert'") == 25, "\(daemon.stderr)")
        #expect(try f.count("SELECT COUNT(*) FROM relance_cycles") >= 5)
        daemon.signal(SIGTERM)
        _ = daemon.waitForExit(timeout: 5)
    }
}
