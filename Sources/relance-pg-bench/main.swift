// relance-pg-bench: the PostgreSQL store, in one run, on a throwaway cluster (fsync on):
//
//   1. one tick at 100k and 1M requests with 1,000 and 10,000 due, next to the same
//      due queries and set-based writes run raw through psql (best of 3 each);
//   2. 10,000 due emails drained to Postfix's smtp-sink by 1, 2 and 4 replicas, each a
//      process of its own (msgs/s);
//   3. new message → alert accepted by the SMTP sink, woken by the NOTIFY trigger:
//      p50 and p99 over 100 messages.
//
//   swift run -c release relance-pg-bench [--sizes 100000,1000000] [--due 1000,10000] [--messages 10000]
import Foundation
import RelanceCore
import RelanceDelivery
import RelanceEngine
import RelancePostgres
import RelanceStore

let args = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}
let sizes = option("--sizes", "100000,1000000").split(separator: ",").compactMap { Int($0) }
let dues = option("--due", "1000,10000").split(separator: ",").compactMap { Int($0) }
let messages = Int(option("--messages", "10000"))!
let now = Timestamp.parse("2026-11-23T10:00:00Z")!
let nowText = Timestamp.format(now)

/// One replica as its own process (`--drain-replica URL SMTP_PORT`): its own connection, its
/// own workers, draining until nothing is due; prints how many it sent. Real replicas are
/// separate processes: as threads of one process they shared one runtime and its thread pool.
func drainReplica(url: String, smtpPort: Int) -> Never {
    do {
        let store = try PostgresStore(url: url, password: BenchCluster.password, migrate: false)
        let renderer = Renderer(links: SignInLink(secret: "bench secret", baseURL: "https://app.example.org", ttl: 72 * 3600),
                                templates: try TemplateSet.load())
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(smtpPort)", tls: .none)
        s.heloName = "bench.example.org"
        var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
        settings.batchSize = 100
        let report = try Dispatcher(store: store, renderer: renderer, email: SMTPTransport(s), sms: nil, settings: settings).drain(now: now)
        print("sent \(report.sent)")
        exit(0)
    } catch {
        print("replica: \(error)")
        exit(1)
    }
}
if let i = args.firstIndex(of: "--drain-replica"), i + 2 < args.count, let smtpPort = Int(args[i + 2]) {
    drainReplica(url: args[i + 1], smtpPort: smtpPort)
}

nonisolated(unsafe) let cluster = try BenchCluster()
defer { cluster.stop() }
nonisolated(unsafe) var sinkPID: pid_t = 0
/// Errors end the run cleanly: the cluster and the sink are stopped by PID, never left behind.
func fail(_ error: any Error) -> Never {
    print("relance-pg-bench: \(error)")
    if sinkPID > 0 { kill(sinkPID, SIGTERM) }
    cluster.stop()
    exit(1)
}
signal(SIGINT) { _ in exit(1) }
nonisolated(unsafe) var databases = 0
func database() throws -> (String, PostgresStore) {
    databases += 1
    let name = "bench\(databases)"
    _ = try cluster.psql("postgres", "CREATE DATABASE \(name);")
    return (name, try PostgresStore.create(url: cluster.url(name), password: BenchCluster.password))
}

// MARK: 1. Tick against raw SQL

/// A year of handled requests, one patient message each, `due` unanswered requests
/// waiting for their reminder, relance's decisions for the year; built set-based in SQL.
func build(size: Int, due: Int) throws -> (String, PostgresStore) {
    let (name, store) = try database()
    let practitioners = max(100, size / 100), patients = max(100, size / 4)
    _ = try cluster.psql(name, """
        INSERT INTO practitioners (id, display_name, email, profile, specialty, latitude, longitude)
        SELECT i, 'Dr ' || i, 'dr' || i || '@example.fr', 'complete', 'dentiste', 43.0 + random() * 7, -1.0 + random() * 8
        FROM generate_series(1, \(practitioners)) i;
        INSERT INTO practitioner_procedures SELECT id, 'détartrage' FROM practitioners;
        INSERT INTO patients (id, display_name, email) SELECT i, 'Patient ' || i, 'p' || i || '@example.org'
        FROM generate_series(1, \(patients)) i;
        INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, created_at, first_read_at, answered_at, updated_at)
        SELECT i, 1 + i % \(practitioners), 1 + i % \(patients), 'détartrage', 'answered',
               '\(nowText)'::timestamptz - make_interval(secs => i % 31536000 + 86400),
               '\(nowText)'::timestamptz - make_interval(secs => i % 31536000 + 80000),
               '\(nowText)'::timestamptz - make_interval(secs => i % 31536000 + 70000),
               '\(nowText)'::timestamptz - make_interval(secs => i % 31536000 + 70000)
        FROM generate_series(1, \(size - due)) i;
        INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, created_at, updated_at)
        SELECT i, 1 + i % \(practitioners), 1 + i % \(patients), 'détartrage', 'new', '2026-11-18T09:00:00Z', '2026-11-18T09:00:00Z'
        FROM generate_series(\(size - due + 1), \(size)) i;
        INSERT INTO relance_schedule (request_id, due_at) SELECT id, '2026-11-20T09:00:00Z' FROM requests WHERE status = 'new';
        INSERT INTO messages (id, request_id, author, author_id, body, created_at)
        SELECT id, id, 'patient', patient_id, 'Bonjour docteur', created_at FROM requests;
        INSERT INTO relance_cursors (name, value)
        SELECT n, '\(Timestamp.format(now.addingTimeInterval(-30)))' FROM unnest(ARRAY['requests.created_at', 'requests.updated_at', 'messages.visible_at']) n;
        INSERT INTO relance_decisions (key, rule, request_id, practitioner_id, patient_id, message_id, decided_at, content)
        SELECT 'patient_message_alert:message:' || id, 'patient_message_alert', id, practitioner_id, patient_id, id, created_at, '{}'
        FROM requests;
        VACUUM ANALYZE;
        """)
    return (name, store)
}

/// Puts the store back as it was before a tick.
let reset = """
    DELETE FROM relance_outbox WHERE decision_key LIKE 'reminder:%';
    DELETE FROM relance_decisions WHERE rule = 'reminder';
    INSERT INTO relance_schedule (request_id, due_at) SELECT id, '2026-11-20T09:00:00Z' FROM requests WHERE status = 'new'
    ON CONFLICT (request_id) DO UPDATE SET due_at = excluded.due_at;
    """

/// The due queries and set-based writes of a tick, raw through psql; its own `\timing` summed.
func raw(_ name: String) throws -> Double {
    let script = """
        \\timing on
        SELECT COUNT(*) FROM (SELECT r.* FROM relance_schedule s LEFT JOIN requests r ON r.id = s.request_id WHERE s.due_at <= '\(nowText)') x;
        SELECT COUNT(*) FROM (SELECT id FROM messages WHERE COALESCE(deliver_at, created_at) > '2026-11-23T09:49:30Z' AND COALESCE(deliver_at, created_at) <= '\(nowText)') x;
        SELECT COUNT(*) FROM (SELECT practitioner_id, COUNT(*) FROM requests WHERE status IN ('new', 'read') AND handled_outside IS NULL AND created_at <= '\(nowText)' GROUP BY practitioner_id) x;
        SELECT COUNT(*) FROM (SELECT * FROM practitioners WHERE id IN (SELECT r.practitioner_id FROM relance_schedule s JOIN requests r ON r.id = s.request_id WHERE s.due_at <= '\(nowText)')) x;
        SELECT COUNT(*) FROM (SELECT * FROM patients WHERE id IN (SELECT r.patient_id FROM relance_schedule s JOIN requests r ON r.id = s.request_id WHERE s.due_at <= '\(nowText)')) x;
        BEGIN;
        INSERT INTO relance_decisions (key, rule, request_id, practitioner_id, patient_id, decided_at, content)
        SELECT 'reminder:request:' || r.id, 'reminder', r.id, r.practitioner_id, r.patient_id, '\(nowText)', '{}'
        FROM relance_schedule s JOIN requests r ON r.id = s.request_id WHERE s.due_at <= '\(nowText)';
        INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id, recipient_name, locale, timezone, not_before, created_at, updated_at)
        SELECT 'reminder:request:' || r.id, 'email', p.email, 'practitioner', p.id, p.display_name, 'fr', 'Europe/Paris', '\(nowText)', '\(nowText)', '\(nowText)'
        FROM relance_schedule s JOIN requests r ON r.id = s.request_id JOIN practitioners p ON p.id = r.practitioner_id
        WHERE s.due_at <= '\(nowText)';
        UPDATE relance_schedule SET due_at = '2026-11-30T09:00:00Z' WHERE due_at <= '\(nowText)';
        COMMIT;
        \\timing off
        \(reset)
        """
    let out = try cluster.psql(name, script)
    return out.split(separator: "\n").compactMap { line -> Double? in
        guard line.hasPrefix("Time: ") else { return nil }
        return Double(line.dropFirst(6).prefix { $0 != " " })
    }.reduce(0, +) / 1000
}

func tick(_ name: String, _ store: PostgresStore, due: Int) throws -> Double {
    // Reminders only, as the raw SQL writes (the unread escalation would add a proposal per request,
    // the digest one per practitioner over its threshold: its count query still runs, as in the raw SQL).
    var policy = Policy()
    policy.nearbyProposal.enabled = false
    policy.digest.threshold = 1_000_000
    let cycle = Cycle(store: store, settings: .init(policy: policy, catchUp: 30 * 86_400))
    var report: Cycle.Report?
    let t = try seconds { report = try cycle.run(now: now) }
    guard report?.decisions.count == due else { throw BenchError("tick decided \(report?.decisions.count ?? -1), expected \(due)") }
    _ = try cluster.psql(name, reset)
    return t
}

print("PostgreSQL \(cluster.bin.split(separator: "/").dropLast().last ?? "?"), fsync on, one tick (rules + set-based record), best of 3")
print("| requests | due | relance tick | raw SQL (psql) | tick ÷ raw |")
print("|---:|---:|---:|---:|---:|")
nonisolated(unsafe) var tickAt: [Int: [Int: Double]] = [:]
do { for size in sizes {
    for due in dues where due < size {
        let (name, store) = try build(size: size, due: due)
        let t = try (0..<3).map { _ in try tick(name, store, due: due) }.min()!
        let r = try (0..<3).map { _ in try raw(name) }.min()!
        tickAt[due, default: [:]][size] = t
        print(String(format: "| %d | %d | %.0f ms | %.0f ms | %.1f× |", size, due, t * 1000, r * 1000, t / r))
        store.disconnect()
        _ = try cluster.psql("postgres", "DROP DATABASE \(name);")
    }
} } catch { fail(error) }
for due in dues {
    if let a = tickAt[due]?[100_000], let b = tickAt[due]?[1_000_000] {
        print(String(format: "tick at 1M ÷ tick at 100k, %d due: %.2f×", due, b / a))
    }
}

// MARK: 2. Replicas draining to smtp-sink

nonisolated(unsafe) let port = freePort()
let sink = Process()
sink.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
sink.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + ["-m", "64", "127.0.0.1:\(port)", "256"]
sink.standardOutput = FileHandle.nullDevice
do { try sink.run() } catch { fail(error) }
sinkPID = sink.processIdentifier
defer { kill(sink.processIdentifier, SIGTERM); sink.waitUntilExit() }
guard waitListening(port) else { fail(BenchError("smtp-sink did not start on 127.0.0.1:\(port)")) }

nonisolated(unsafe) let renderer = Renderer(links: SignInLink(secret: "bench secret", baseURL: "https://app.example.org", ttl: 72 * 3600),
                        templates: (try? TemplateSet.load()) ?? { fail(BenchError("templates")) }())

@Sendable func dispatcher(_ store: any MessageStore) -> Dispatcher {
    var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port)", tls: .none)
    s.heloName = "bench.example.org"
    var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
    settings.batchSize = 100
    return Dispatcher(store: store, renderer: renderer, email: SMTPTransport(s), sms: nil, settings: settings)
}

func drain(replicas: Int) throws -> Double {
    let (name, store) = try database()
    var cycle = CycleRecord(now: now, startedAt: now)
    for i in 1...messages {
        let recipient = Recipient(kind: .practitioner, id: Int64(i), displayName: "Dr Hélène Lefèvre \(i)",
                                  locale: i % 5 == 0 ? "en" : "fr", timezone: "Europe/Paris")
        cycle.decisions.append(Decision(key: "reminder:request:\(i)", rule: .reminder, requestID: Int64(i), practitionerID: Int64(i),
                                        decidedAt: now, deliveries: [Delivery(channel: .email, address: "dr\(i)@example.fr", recipient: recipient)]))
    }
    try store.record(cycle, notBefore: { $1.decidedAt })
    // Each replica a process of its own (this binary with --drain-replica), started together.
    let outputs = (0..<replicas).map { _ in Pipe() }
    let processes = outputs.map { output in
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["--drain-replica", cluster.url(name), String(port)]
        p.standardOutput = output
        return p
    }
    var sent = 0
    let t = try seconds {
        for p in processes { try p.run() }
        for (p, output) in zip(processes, outputs) {
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            guard p.terminationStatus == 0, let n = Int(text.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            else { throw BenchError("a replica failed: \(text)") }
            sent += n
        }
    }
    guard sent == messages else { throw BenchError("\(replicas) replicas sent \(sent) of \(messages)") }
    let duplicates = Int(try store.rows("SELECT COUNT(*) - COUNT(DISTINCT id) FROM relance_outbox WHERE state = 'sent'")[0][0] ?? "0") ?? 0
    guard duplicates == 0 else { throw BenchError("duplicates") }
    return Double(messages) / t
}


print("\n\(messages) due emails drained to smtp-sink on 127.0.0.1 (one SMTP connection per replica)")
print("| replicas | msgs/s |")
print("|---:|---:|")
do {
    for replicas in [1, 2, 4] { print(String(format: "| %d | %.0f |", replicas, try drain(replicas: replicas))) }
} catch { fail(error) }

// MARK: 3. Wake on commit

do {
    let (_, store) = try database()
    try store.execute(Contract.notifyTrigger)
    try store.execute("INSERT INTO practitioners (id, display_name, email) VALUES (1, 'Dr 1', 'dr1@example.fr')")
    try store.execute("INSERT INTO patients (id, display_name, email) VALUES (1, 'Patient', 'p@example.org')")
    let platform = try PostgresStore(url: store.url, password: BenchCluster.password, migrate: false)
    let cycle = Cycle(store: store, settings: .init(policy: Policy(), catchUp: 86_400))
    let delivery = dispatcher(store)
    let watcher = try store.makeChangeWatcher()!
    // The daemon's path: a commit wakes the listener, a cycle runs at the clock's now, the outbox drains.
    Thread.detachNewThread {
        while true {
            guard (try? watcher.waitForChange(timeout: 5)) == true else { continue }
            let at = Date()
            _ = try? cycle.run(now: at)
            _ = try? delivery.drain(now: at)
        }
    }
    var latencies: [Double] = []
    for i in 1...100 {
        try platform.execute("""
            INSERT INTO requests (id, practitioner_id, patient_id, created_at, updated_at) VALUES ($1, 1, 1, now(), now());
            """, [String(i)])
        usleep(20_000)  // the request's own wake has passed
        let start = DispatchTime.now().uptimeNanoseconds
        try platform.execute("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES ($1, $1, 'patient', 1, 'Bonjour', now())",
                             [String(i)])
        let key = "patient_message_alert:message:\(i)"
        while (try platform.rows("SELECT 1 FROM relance_outbox WHERE decision_key = $1 AND state = 'sent'", [key])).isEmpty {
            usleep(200)
            if Double(DispatchTime.now().uptimeNanoseconds - start) > 10e9 { throw BenchError("message \(i) not alerted within 10 s") }
        }
        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    latencies.sort()
    print(String(format: "\nnew message → alert accepted by smtp-sink, NOTIFY trigger, 100 messages: p50 %.0f ms, p99 %.0f ms",
                 latencies[49], latencies[98]))
} catch { fail(error) }
// exit() skips top-level defers: stop the sink and the cluster here.
kill(sink.processIdentifier, SIGTERM)
sink.waitUntilExit()
cluster.stop()
exit(0)
