import Foundation
import Glibc
import GRDB
import RelanceCore
import RelanceStore
import RelanceTestSupport
import Testing

/// `relance run` delivering to a real SMTP peer that misbehaves: a relay that never
/// greets, a relay down then up, SIGKILLs in the middle of delivery. Every test seeds
/// exactly what it asserts (rows already due), so it passes at any wall-clock instant.
/// Each daemon's clock starts at `TestInstant.now` (see `DaemonProcess`): times are seeded from there.
@Suite(.serialized) struct DeliveryDaemonTests {
    /// `count` reminder rows by email, due since a minute before the test instant, for requests 101, 102…
    static func seed(_ f: StoreFixture, count: Int) throws {
        let decided = TestInstant.now.addingTimeInterval(-60)
        var cycle = CycleRecord(now: decided, startedAt: decided)
        for i in 1...count {
            let recipient = Recipient(kind: .practitioner, id: Int64(i), displayName: "Dr Hélène Lefèvre \(i)",
                                      locale: "fr", timezone: "Europe/Paris")
            cycle.decisions.append(Decision(key: "reminder:request:\(100 + i)", rule: .reminder, requestID: Int64(100 + i),
                                            practitionerID: Int64(i), decidedAt: decided,
                                            deliveries: [Delivery(channel: .email, address: "dr\(i)@example.fr", recipient: recipient)]))
        }
        try f.store.record(cycle)
    }

    static func config(_ f: StoreFixture, port: Int, email: String = "", delivery: String = "") throws -> URL {
        let secret = Relance.root.appendingPathComponent("Config/demo-link-secret").path
        let url = f.dir.appendingPathComponent("relance.toml")
        try """
            [store]
            path = "store.sqlite"
            poll_interval = "1s"
            catch_up = "0s"

            [links]
            base_url = "https://messagerie.example.org"
            secret_file = "\(secret)"

            [email]
            transport = "smtp"
            url = "smtp://127.0.0.1:\(port)"
            tls = "none"
            from = "Messagerie Santé <no-reply@example.org>"
            connect_timeout = "2s"
            \(email)

            [sms]
            transport = "none"

            [delivery]
            shutdown_grace = "3s"
            \(delivery)
            """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func cycleMilliseconds(_ status: String) -> Int? {
        guard status.hasPrefix("STATUS=cycle ") else { return nil }
        return Int(status.dropFirst("STATUS=cycle ".count).prefix { $0.isNumber })
    }

    /// Issue 10, case 11: a relay that accepts TCP and never greets. Each cycle still ends within
    /// email.timeout, the daemon keeps cycling and deciding (a new request is decided while the
    /// drain is stuck), the relay is paused rather than hit row after row, and STATUS= and
    /// `relance status` say so.
    @Test func aRelayThatNeverGreetsHoldsUpNoDecision() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try Self.seed(f, count: 20)
        try f.practitioner(1, email: "dr.alerte@example.fr")
        try f.patient(1)
        let peer = try LoopbackSMTP(in: f.dir, arguments: ["--never-greet"])
        defer { peer.stop() }
        let config = try Self.config(f, port: peer.port, email: "timeout = \"2s\"")
        let notify = try NotifySocket(in: f.dir)
        let started = Date()
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: f.dir)
        defer { daemon.kill9() }
        let daemonNow = { TestInstant.now.addingTimeInterval(Date().timeIntervalSince(started)) }
        #expect(notify.waitFor(timeout: 15) { $0.contains("READY=1") } != nil, "\(daemon.stderr)")

        // While the first rows wait for a greeting, cycles go on, each well within email.timeout.
        let window = notify.collect(for: 3)
        let cycles = window.compactMap(Self.cycleMilliseconds)
        #expect(cycles.count >= 2, "cycles while the relay is stuck: \(window)\n\(daemon.stderr)")
        #expect(cycles.allSatisfy { $0 < 2000 }, "\(cycles) ms")

        // A new request, visible five seconds from now (its insert commits well before), is decided
        // while the drain is stuck.
        let created = Timestamp.format(daemonNow().addingTimeInterval(5))
        try f.request(1, practitioner: 1, patient: 1, created: created)
        let end = Date().addingTimeInterval(15)
        var decided = 0
        while decided == 0 && Date() < end {
            decided = try f.count("SELECT COUNT(*) FROM relance_decisions WHERE rule = 'patient_message_alert' AND request_id = 1")
            usleep(100_000)
        }
        #expect(decided == 1, "the new request was not decided in time\n\(daemon.stderr)")

        let failing = notify.waitFor(timeout: 10) { $0.contains("email relay failing since") }
        #expect(failing?.contains("last error") == true, "\(notify.received.suffix(5))")
        let status = try Relance.run(["status", "--config", config.path], cwd: f.dir)
        #expect(status.stdout.contains("transports:  email relay failing since"), "\(status.stdout)")
        #expect(peer.connections <= 5, "the relay was hit \(peer.connections) times for 21 rows")
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox WHERE state = 'dead'") == 0)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 6) == 0, "\(daemon.stderr)")
    }

    /// `relance outbox requeue` brings back rows a relay refused, and says so in the log.
    @Test func requeueBringsBackWhatTheRelayRefused() throws {
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try Self.seed(f, count: 4)
        let now = Date()
        try f.store.finish([(1, .dead(error: "SMTP 550 5.7.1 from relay:25: relaying denied")),
                            (2, .dead(error: "SMTP 550 5.7.1 from relay:25: relaying denied")),
                            (3, .dead(error: "SMTP 550 5.1.1 from relay:25, permanent")),
                            (4, .sent(providerID: nil))], at: now)
        let config = try Self.config(f, port: 25)
        let r = try Relance.run(["outbox", "requeue", "--config", config.path, "--error", "relaying denied"], cwd: f.dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("requeued 2 outbox rows"), "\(r.stdout)")
        #expect(r.stderr.contains("requeued 2 outbox rows") && r.stderr.contains("outbox_requeued"), "\(r.stderr)")
        let pending = try f.store.outbox(state: .pending)
        #expect(Set(pending.map(\.id)) == [1, 2] && pending.allSatisfy { $0.attempts == 0 })
        // Sent rows never come back; a requeue must say which rows.
        let all = try Relance.run(["outbox", "requeue", "--config", config.path, "--id", "4"], cwd: f.dir)
        #expect(all.stdout.contains("requeued 0 outbox rows"), "\(all.stdout)\(all.stderr)")
        #expect(try Relance.run(["outbox", "requeue", "--config", config.path], cwd: f.dir).status != 0)
        #expect(try Relance.run(["outbox", "--config", config.path, "--state", "dead"], cwd: f.dir).stdout.contains("5.1.1"))
    }

    /// The chaos test: `relance run` SIGKILLed at random moments while it delivers (the relay
    /// also down for a few of them), then run to completion. Nothing lost; at most one
    /// duplicate per kill during delivery. Prints a histogram of deliveries per outbox row.
    @Test func sigkillsDuringDeliveryLoseNothing() throws {
        let rows = 300
        let f = try StoreFixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try Self.seed(f, count: rows)
        var peer = try LoopbackSMTP(in: f.dir)
        let port = peer.port
        var delivered: [Int64] = []
        let config = try Self.config(f, port: port, email: "rate = 25\ntimeout = \"5s\"",
                                     delivery: "lease = \"5s\"\nretry_initial = \"1s\"\nretry_max = \"2s\"")
        var rng = SystemRandomNumberGenerator()
        var kills = 0, killsDuringDelivery = 0
        for round in 0..<24 {
            if round == 10 { delivered += peer.deliveredIDs(); peer.stop() }  // the relay goes down…
            if round == 13 { peer = try LoopbackSMTP(in: f.dir, port: port) }  // …and comes back
            let up = peer.process.isRunning
            let before = peer.deliveredIDs().count
            let daemon = try DaemonProcess(config: config, environment: [:], watchdogPID: false, in: f.dir)
            if up {
                // Once this run delivers (however slow the machine is to start it), a random moment later.
                let end = Date().addingTimeInterval(20)
                while peer.deliveredIDs().count == before, Date() < end { usleep(20_000) }
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.6, using: &rng))
            } else {
                Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.2, using: &rng))
            }
            daemon.signal(SIGKILL)
            _ = daemon.waitForExit(timeout: 5)
            kills += 1
            if up, peer.deliveredIDs().count > before { killsDuringDelivery += 1 }
        }
        // Then it runs to completion.
        let daemon = try DaemonProcess(config: config, environment: [:], watchdogPID: false, in: f.dir)
        defer { daemon.kill9() }
        let end = Date().addingTimeInterval(60)
        while try f.count("SELECT COUNT(*) FROM relance_outbox WHERE state <> 'sent'") > 0, Date() < end { usleep(200_000) }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 6) == 0, "\(daemon.stderr)")
        delivered += peer.deliveredIDs()
        peer.stop()

        var perRow: [Int64: Int] = [:]
        for id in delivered { perRow[id, default: 0] += 1 }
        let lost = (1...Int64(rows)).filter { perRow[$0] == nil }
        let duplicates = delivered.count - perRow.count
        var histogram: [Int: Int] = [:]
        for n in perRow.values { histogram[n, default: 0] += 1 }
        print("chaos: \(kills) SIGKILLs, \(killsDuringDelivery) during delivery; \(rows) rows, \(delivered.count) deliveries, "
              + "\(lost.count) lost, \(duplicates) duplicates; deliveries per row: "
              + histogram.sorted { $0.key < $1.key }.map { "\($0.key)×: \($0.value) rows" }.joined(separator: ", "))
        #expect(kills >= 20 && killsDuringDelivery >= 20, "kills \(kills), during delivery \(killsDuringDelivery)")
        #expect(lost.isEmpty, "lost: \(lost)")
        #expect(duplicates <= killsDuringDelivery, "\(duplicates) duplicates for \(killsDuringDelivery) kills during delivery")
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox WHERE state = 'sent'") == rows)
    }
}
