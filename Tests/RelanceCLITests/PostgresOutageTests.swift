import Foundation
import Glibc
import RelancePostgres
import RelanceTestSupport
import Testing

/// PostgreSQL stopped and started again under a running daemon: the cycles fail
/// cleanly, the failure is logged once, the daemon reconnects, and nothing is lost.
@Suite(.serialized) struct PostgresOutageTests {
    @Test func aDatabaseOutageUnderARunningDaemonLosesNothing() throws {
        var clock = DaemonTime()
        let cluster = try PostgresCluster.makePrivate()
        defer { cluster.destroy() }
        let url = cluster.url(try cluster.createDatabase())
        let db = try PostgresStore.create(url: url, password: PostgresCluster.password)
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("relance.toml")
        let text = DaemonFixture.configText(catchUp: "1 days").replacingOccurrences(of: "path = \"store.sqlite\"", with: """
            engine = "postgres"
            url = "\(url)"
            password_file = "\(cluster.passwordFile)"
            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        try db.execute("INSERT INTO practitioners (id, display_name, email) VALUES (1, 'Dr 1', 'dr1@example.fr')")
        try db.execute("INSERT INTO patients (id, display_name, email) VALUES (1, 'Patient', 'p@example.org')")
        func newRequest(_ id: Int, _ db: PostgresStore) throws {
            try db.execute("INSERT INTO requests (id, practitioner_id, patient_id, created_at, updated_at) VALUES ($1, 1, 1, $2, $2)", [String(id), clock.text])
            try db.execute("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES ($1, $1, 'patient', 1, 'Bonjour', $2)", [String(id), clock.text])
        }
        func alerts(_ db: PostgresStore) throws -> [String] {
            try db.rows("""
                SELECT d.key FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                WHERE d.rule = 'patient_message_alert' AND o.state = 'sent' ORDER BY d.key
                """).compactMap { $0[0] }
        }
        func waitFor(_ keys: [String], _ db: PostgresStore, timeout: TimeInterval = 20) throws -> [String] {
            let end = Date().addingTimeInterval(timeout)
            var found: [String] = []
            while Date() < end {
                found = (try? alerts(db)) ?? []
                if found == keys { break }
                usleep(200_000)
            }
            return found
        }

        clock = DaemonTime()
        let daemon = try DaemonProcess(config: config, environment: [:], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        try newRequest(1, db)
        #expect(try waitFor(["patient_message_alert:message:1"], db) == ["patient_message_alert:message:1"])

        // Down for about three poll intervals: every cycle meanwhile fails.
        db.disconnect()
        try cluster.stopServer()
        sleep(3)
        try cluster.startServer()
        #expect(daemon.process.isRunning, "no crash")
        let again = try PostgresStore(url: url, password: PostgresCluster.password, migrate: false)
        try newRequest(2, again)
        let keys = ["patient_message_alert:message:1", "patient_message_alert:message:2"]
        #expect(try waitFor(keys, again) == keys, "the next cycles lose nothing")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 10) == 0)

        let log = daemon.stderr
        let failures = log.components(separatedBy: "\n").filter { $0.contains("cycle failed") }
        #expect(failures.count == 1, "the outage is logged once:\n\(failures.joined(separator: "\n"))")
        #expect(log.contains("cycles succeed again"), "\(log.suffix(2000))")
        #expect(!log.contains(PostgresCluster.password))
        // Each alert went out once: one email file each in the spool.
        let spool = dir.appendingPathComponent("spool/email")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 2, "\(files)")
    }
}
