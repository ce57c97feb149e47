import Foundation
import Glibc
import RelancePostgres
import RelanceStore
import RelanceTestSupport
import Testing

/// With the NOTIFY trigger of `relance schema --engine postgres`, a commit wakes the
/// daemon at once: with an hour between polls, a new message is still alerted in moments.
@Suite(.serialized) struct PostgresWakeTests {
    @Test func aCommitStartsACycleAtOnce() throws {
        let cluster = try PostgresCluster.get()
        let url = cluster.url(try cluster.createDatabase())
        let db = try PostgresStore.create(url: url, password: PostgresCluster.password)
        let schema = try Relance.run(["schema", "--engine", "postgres", "--contract-only"])
        #expect(schema.stdout.contains("pg_notify('relance'"))
        try db.execute(Contract.notifyTrigger)
        try db.execute("INSERT INTO practitioners (id, display_name, email) VALUES (1, 'Dr 1', 'dr1@example.fr')")
        try db.execute("INSERT INTO patients (id, display_name, email) VALUES (1, 'Patient', 'p@example.org')")

        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("relance.toml")
        let text = DaemonFixture.configText(catchUp: "1 days")
            .replacingOccurrences(of: "poll_interval = \"1s\"", with: "poll_interval = \"1h\"")
            .replacingOccurrences(of: "path = \"store.sqlite\"", with: """
                engine = "postgres"
                url = "\(url)"
                password_file = "\(cluster.passwordFile)"
                """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        let clock = DaemonTime()
        let daemon = try DaemonProcess(config: config, environment: [:], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        func count(_ sql: String) throws -> Int { Int(try db.rows(sql)[0][0] ?? "0") ?? 0 }
        // The first cycle, at start.
        var end = Date().addingTimeInterval(15)
        while try count("SELECT COUNT(*) FROM relance_cycles") < 1, Date() < end { usleep(50_000) }
        usleep(500_000)  // the listener is up (it starts with the loop)

        let committed = Date()
        try db.execute("INSERT INTO requests (id, practitioner_id, patient_id, created_at, updated_at) VALUES (1, 1, 1, $1, $1)", [clock.text])
        try db.execute("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (1, 1, 'patient', 1, 'Bonjour', $1)", [clock.text])
        end = Date().addingTimeInterval(20)
        let sent = "SELECT COUNT(*) FROM relance_outbox WHERE state = 'sent' AND decision_key = 'patient_message_alert:message:1'"
        while try count(sent) < 1, Date() < end { usleep(20_000) }
        #expect(try count(sent) == 1, "alerted without waiting for the hourly poll:\n\(daemon.stderr.suffix(2000))")
        print("wake on commit: alert sent \(Int(Date().timeIntervalSince(committed) * 1000)) ms after the commit")
        daemon.signal(SIGTERM)
        _ = daemon.waitForExit(timeout: 10)
    }
}
