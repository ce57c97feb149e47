import Foundation
import GRDB
import Testing

/// `relance status`, from the store: after a replayed tick, and while `relance run` runs.
@Suite struct StatusTests {
    static let t = "2026-12-01T09:00:00Z"

    @Test func lastCycleRulesAndOutboxAsTheStoreHasThem() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("relance.toml")
        try DaemonFixture.configText(catchUp: "1 days").write(to: config, atomically: true, encoding: .utf8)
        let storePath = dir.appendingPathComponent("store.sqlite").path
        #expect(try Relance.run(["demo", "--store", storePath, "--now", Self.t]).status == 0)
        let tick = try Relance.run(["tick", "--config", config.path, "--now", Self.t])
        try #require(tick.status == 0, "\(tick.stderr)")

        // One row back to a first attempt two hours old, one retrying after a temporary failure.
        let db = try DatabaseQueue(path: storePath)
        try db.write { db in
            try db.execute(sql: """
                UPDATE relance_outbox SET state = 'pending', attempts = 0, created_at = '2026-12-01T07:00:00Z'
                WHERE id = (SELECT MIN(id) FROM relance_outbox WHERE state = 'sent')
                """)
            try db.execute(sql: """
                UPDATE relance_outbox SET state = 'pending', attempts = 2, last_error = '451 try later'
                WHERE id = (SELECT MAX(id) FROM relance_outbox WHERE state = 'sent')
                """)
        }
        let r = try Relance.run(["status", "--config", config.path, "--now", "2026-12-01T10:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        #expect(out.contains("last cycle:  "), "\(out)")
        #expect(out.contains("(1h 00m ago)") || out.contains("(59m ago)"), "\(out)")

        let (perRule, sentPerRule, dead) = try db.read { db in
            (try Row.fetchAll(db, sql: "SELECT rule, COUNT(*) AS n FROM relance_decisions WHERE decided_at >= '2026-11-30T10:00:00Z' GROUP BY rule")
                .map { ($0["rule"] as String, $0["n"] as Int) },
             try Row.fetchAll(db, sql: """
                SELECT d.rule, COUNT(*) AS n FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                WHERE o.state = 'sent' GROUP BY d.rule
                """).map { ($0["rule"] as String, $0["n"] as Int) },
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM relance_outbox WHERE state = 'dead'")!)
        }
        #expect(!perRule.isEmpty)
        let lines = out.split(separator: "\n").map(String.init)
        for (rule, n) in perRule {
            let sent = sentPerRule.first { $0.0 == rule }?.1 ?? 0
            let line = lines.first { $0.split(separator: " ").first == Substring(rule) || $0.contains(" \(rule) ") }
            let numbers = line?.split(separator: " ").compactMap { Int($0) } ?? []
            #expect(numbers == [n, sent], "\(rule): \(line ?? "no line")")
        }
        #expect(out.contains("outbox:      1 pending, 1 deferred (retrying), \(dead) dead\n"), "\(out)")
        #expect(out.contains("oldest pending: 2026-12-01T07:00:00Z (3h 00m ago)"), "\(out)")
    }

    @Test func worksWhileTheDaemonRuns() throws {
        let (dir, config) = try DaemonFixture.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 15) { $0.hasPrefix("STATUS=cycle ") } != nil, "\(daemon.stderr)")
        let r = try Relance.run(["status", "--config", config.path], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("last cycle:  20"), "\(r.stdout)")
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0)
    }
}
