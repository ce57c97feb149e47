import Foundation
import Glibc
import RelancePostgres
import RelanceTestSupport
import Testing

/// Several `relance run` against one PostgreSQL database, delivering to the aiosmtpd
/// peer while replicas are SIGKILLed and restarted: every decision once, every `sent`
/// row received, nothing left pending, and duplicates only from rows in flight at a kill.
@Suite(.serialized) struct ReplicasTests {
    static let senders = 2

    /// The SMTP peer (Tests/Peers/smtp_peer.py) on 127.0.0.1, slow enough that kills land mid-send.
    final class Peer {
        let process = Process()
        let out: URL
        let port: Int

        init(in dir: URL, delay: Double) throws {
            out = dir.appendingPathComponent("received")
            let portFile = dir.appendingPathComponent("peer-port")
            let script = Relance.root.appendingPathComponent("Tests/Peers/smtp_peer.py").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [script, "--port-file", portFile.path, "--out", out.path, "--data-delay", String(delay)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) { port = p; return }
                usleep(20_000)
            }
            kill(process.processIdentifier, SIGKILL)
            throw PeerError(description: "smtp_peer.py did not start")
        }

        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }

        /// The outbox id of each received message, from its Message-ID `<relance.ID.hash@domain>`.
        func receivedOutboxIDs() -> [Int64] {
            let files = (try? FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)) ?? []
            return files.filter { $0.pathExtension == "eml" }.compactMap { file in
                guard let text = try? String(contentsOf: file, encoding: .utf8),
                      let range = text.range(of: "Message-ID: <relance.", options: .caseInsensitive) else { return nil }
                return Int64(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
    }

    /// A second ago, in the store's format.
    static func justNow() -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(-1))
    }

    struct PeerError: Error, CustomStringConvertible { let description: String }

    @Test func threeReplicasKilledAndRestartedLoseNothingAndSendOnce() throws {
        let cluster = try PostgresCluster.get()
        let url = cluster.url(try cluster.createDatabase())
        let db = try PostgresStore.create(url: url, password: PostgresCluster.password)
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try Peer(in: dir, delay: 0.02)
        defer { peer.stop() }

        let config = dir.appendingPathComponent("relance.toml")
        var text = DaemonFixture.configText(catchUp: "1 days", email: """
            url = "smtp://127.0.0.1:\(peer.port)"
            tls = "none"
            senders = \(Self.senders)
            """, extra: "lease = \"5s\"\nbatch_size = 20\nretry_initial = \"1s\"\nretry_max = \"2s\"")
        text = text.replacingOccurrences(of: "path = \"store.sqlite\"", with: """
            engine = "postgres"
            url = "\(url)"
            password_file = "\(cluster.passwordFile)"
            """)
        text = text.replacingOccurrences(of: "transport = \"file\"\nfrom", with: "transport = \"smtp\"\nfrom")
            .replacingOccurrences(of: "spool = \"spool/email\"\n", with: "")
        try text.write(to: config, atomically: true, encoding: .utf8)

        // The platform: practitioners and patients, then requests arriving in waves while the replicas run.
        for p in 1...20 {
            try db.execute("INSERT INTO practitioners (id, display_name, email) VALUES ($1, $2, $3)",
                           [String(p), "Dr \(p)", "dr\(p)@example.fr"])
        }
        for q in 1...50 {
            try db.execute("INSERT INTO patients (id, display_name, email) VALUES ($1, $2, $3)", [String(q), "Patient \(q)", "p\(q)@example.org"])
        }
        var nextRequest = 1
        func wave(_ n: Int) throws {
            for _ in 0..<n {
                let id = nextRequest
                nextRequest += 1
                try db.execute("""
                    INSERT INTO requests (id, practitioner_id, patient_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
                    """, [String(id), String(id % 20 + 1), String(id % 50 + 1), Self.justNow()])
                try db.execute("""
                    INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES ($1, $1, 'patient', $2, 'Bonjour', $3)
                    """, [String(id), String(id % 50 + 1), Self.justNow()])
            }
        }

        // The system clock, as in production: replicas restarted during the test must agree on now
        // (RELANCE_TEST_NOW would start each one at the same instant again). The alert is by email,
        // which no quiet hours or calendar hold back, so the real time of day changes nothing.
        let environment = [TestInstant.variable: ""]
        var replicas = try (0..<3).map { _ in try DaemonProcess(config: config, environment: environment, watchdogPID: false, in: dir) }
        var kills = 0
        defer { replicas.forEach { $0.kill9() } }
        try wave(60)
        for round in 0..<8 {
            usleep(700_000)
            if round % 2 == 0 { try wave(30) }
            // SIGKILL one replica (mid-send, most of the time) and start it again at once.
            let victim = round % replicas.count
            replicas[victim].kill9()
            kills += 1
            replicas[victim] = try DaemonProcess(config: config, environment: environment, watchdogPID: false, in: dir)
        }
        let messages = nextRequest - 1

        // Everything decided and sent (or none left pending) within a bound.
        let deadline = Date().addingTimeInterval(40)
        var pending = -1, decisions = -1
        while Date() < deadline {
            pending = Int(try db.rows("SELECT COUNT(*) FROM relance_outbox WHERE state <> 'sent'")[0][0] ?? "-1") ?? -1
            decisions = Int(try db.rows("SELECT COUNT(*) FROM relance_decisions WHERE rule = 'patient_message_alert'")[0][0] ?? "-1") ?? -1
            if pending == 0 && decisions == messages { break }
            usleep(250_000)
        }
        for r in replicas { r.signal(SIGTERM) }
        for r in replicas { _ = r.waitForExit(timeout: 10) }
        usleep(300_000)

        #expect(decisions == messages, "every message alerted once: \(decisions) of \(messages)")
        #expect(pending == 0, "no row left unsent")
        let keys = try db.rows("SELECT key FROM relance_decisions WHERE rule = 'patient_message_alert'").compactMap { $0[0] }
        #expect(Set(keys) == Set((1...messages).map { "patient_message_alert:message:\($0)" }))
        let sent = Set(try db.rows("""
            SELECT o.id FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
            WHERE o.state = 'sent' AND d.rule = 'patient_message_alert'
            """).compactMap { $0[0].flatMap { Int64($0) } })
        let received = peer.receivedOutboxIDs()
        #expect(sent.count == messages)
        let allSent = Set(try db.rows("SELECT id FROM relance_outbox WHERE state = 'sent'").compactMap { $0[0].flatMap { Int64($0) } })
        #expect(allSent.isSubset(of: Set(received)), "every sent row was received: missing \(allSent.subtracting(received).sorted())")
        let duplicates = received.count - Set(received).count
        #expect(duplicates <= kills * Self.senders, "\(duplicates) duplicates for \(kills) kills × \(Self.senders) senders")
        print("replicas: \(messages) messages, \(kills) kills, \(received.count) received, \(duplicates) duplicates")
        let stderr = replicas.map(\.stderr).joined()
        #expect(!stderr.contains("Bonjour"), "no message text in the logs")
    }
}
