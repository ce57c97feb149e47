// The daemon's figures: `relance run` (the release binary beside this one)
// measured from outside, as an operator would: RSS and CPU from /proc, cycle
// ends from a NOTIFY_SOCKET, and delivery latency at a real SMTP peer
// (Tests/Peers/smtp_peer.py, aiosmtpd on 127.0.0.1) that writes each accepted
// message to a file.
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

enum DaemonBench {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var relanceBinary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("relance")
    }

    /// A folder holding the store, the config and the spools.
    static func folder(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-bench-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func demoStore(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("store.sqlite").path
        let p = Process()
        p.executableURL = relanceBinary
        p.arguments = ["demo", "--store", path, "--force"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("relance demo failed") }
        return path
    }

    /// A config with every default but the paths (and `extra` lines per section).
    static func config(in dir: URL, store: String, catchUp: String? = nil, email: String? = nil) throws -> URL {
        let secret = root.appendingPathComponent("Config/demo-link-secret").path
        let text = """
            [store]
            path = "\(store)"
            \(catchUp.map { "catch_up = \"\($0)\"" } ?? "")

            [links]
            base_url = "https://messagerie.example.org"
            secret_file = "\(secret)"

            [email]
            from = "Messagerie Santé <no-reply@example.org>"
            \(email ?? "transport = \"file\"\nspool = \"spool/email\"")

            [sms]
            transport = "file"
            spool = "spool/sms"
            """
        let url = dir.appendingPathComponent("relance.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// `relance run` with a NOTIFY_SOCKET; stopped by its PID.
    final class Daemon {
        let process = Process()
        let notify: NotifySocket

        init(config: URL, in dir: URL, environment: [String: String] = [:], binary: URL = relanceBinary) throws {
            notify = try NotifySocket()
            process.executableURL = binary
            process.arguments = ["run", "--config", config.path]
            var env = ProcessInfo.processInfo.environment
            for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] { env[key] = nil }
            env["NOTIFY_SOCKET"] = notify.path
            for (k, v) in environment { env[k] = v }
            process.environment = env
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// Waits for the end of a cycle (`STATUS=cycle …`).
        func cycleEnded(timeout: TimeInterval) -> String? {
            notify.waitFor(timeout: timeout) { $0.hasPrefix("STATUS=cycle ") }
        }

        var rssKiB: Int {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }

        /// User + system CPU seconds of all its threads so far.
        var cpuSeconds: Double {
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            // Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
            return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }

        /// Delivery drains on its own thread after the cycle: waits until two seconds pass without CPU.
        func settled(timeout: TimeInterval) {
            let end = Date().addingTimeInterval(timeout)
            var last = cpuSeconds, quiet = 0
            while quiet < 2 && Date() < end {
                Thread.sleep(forTimeInterval: 1)
                let now = cpuSeconds
                quiet = now - last < 0.005 ? quiet + 1 : 0
                last = now
            }
        }

        func stop() {
            kill(process.processIdentifier, SIGTERM)
            let end = Date().addingTimeInterval(10)
            while process.isRunning && Date() < end { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            notify.close()
        }
    }

    /// Idle RSS once the first cycle and its delivery are done, on the demo store: with nothing to decide, and after deciding what a week holds.
    static func footprint(binary: URL = relanceBinary) throws -> (noop: Int, decided: Int, decisions: String) {
        var results: [Int] = []
        var decisions = ""
        for catchUp in ["0s", nil] {
            let dir = try folder("rss")
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try demoStore(in: dir)
            let daemon = try Daemon(config: try config(in: dir, store: store, catchUp: catchUp), in: dir, binary: binary)
            defer { daemon.stop() }
            guard let status = daemon.cycleEnded(timeout: 120) else { throw BenchError("no first cycle") }
            if catchUp == nil { decisions = status }
            daemon.settled(timeout: 120)
            results.append(daemon.rssKiB)
        }
        return (results[0], results[1], decisions)
    }

    /// CPU of `relance run` over `seconds` once its first cycle and its delivery are done, on the store at `store` (polls included).
    static func idleCPU(store: String, seconds: Double) throws -> (percent: Double, rssKiB: Int) {
        let dir = try folder("idle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let daemon = try Daemon(config: try config(in: dir, store: store), in: dir)
        defer { daemon.stop() }
        guard daemon.cycleEnded(timeout: 300) != nil else { throw BenchError("no first cycle") }
        daemon.settled(timeout: 300)
        let before = daemon.cpuSeconds
        Thread.sleep(forTimeInterval: seconds)
        return ((daemon.cpuSeconds - before) / seconds * 100, daemon.rssKiB)
    }

    /// Commit → accepted by the SMTP peer: `count` requests with their first patient message,
    /// committed one at a time at random intervals by this process; default config but the SMTP URL.
    static func latency(count: Int) throws -> [Double] {
        let dir = try folder("latency")
        defer { try? FileManager.default.removeItem(at: dir) }
        let storePath = try demoStore(in: dir)
        let out = dir.appendingPathComponent("peer")
        let portFile = dir.appendingPathComponent("port")
        let peer = Process()
        peer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        peer.arguments = [root.appendingPathComponent("Tests/Peers/smtp_peer.py").path, "--port-file", portFile.path, "--out", out.path]
        peer.standardOutput = FileHandle.nullDevice
        peer.standardError = FileHandle.nullDevice
        try peer.run()
        defer { kill(peer.processIdentifier, SIGTERM); peer.waitUntilExit() }
        var port: String?
        for _ in 0..<500 where port == nil {
            port = try? String(contentsOf: portFile, encoding: .utf8)
            if port == nil { usleep(20_000) }
        }
        guard let port else { throw BenchError("the SMTP peer did not start") }
        let email = "transport = \"smtp\"\nurl = \"smtp://127.0.0.1:\(port)\"\ntls = \"none\""
        let daemon = try Daemon(config: try config(in: dir, store: storePath, email: email), in: dir)
        defer { daemon.stop() }
        guard daemon.cycleEnded(timeout: 120) != nil else { throw BenchError("no first cycle") }
        // The peer numbers what it accepts: 1.eml, 2.eml, … (its mtime is when it was accepted).
        func acceptedAt(_ n: Int) -> Date? {
            try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(n).eml").path)[.modificationDate] as? Date
        }
        func last(after n: Int) -> Int {
            var n = n
            while acceptedAt(n + 1) != nil { n += 1 }
            return n
        }
        // The first cycle's backlog drained: nothing new at the peer for a second.
        var seen = last(after: 0)
        while true {
            Thread.sleep(forTimeInterval: 1)
            let n = last(after: seen)
            if n == seen { break }
            seen = n
        }
        let store = try DatabaseQueue(path: storePath)
        let pairs = try store.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT pr.id, pa.id FROM practitioners pr, patients pa
                WHERE pr.email IS NOT NULL AND pr.notify_each_request = 1 AND pr.messaging_open = 1
                  AND pa.email IS NOT NULL AND pa.email_opt_in = 1
                  AND NOT EXISTS (SELECT 1 FROM blocked_patients b WHERE b.practitioner_id = pr.id AND b.patient_id = pa.id)
                  AND NOT EXISTS (SELECT 1 FROM closures c WHERE c.practitioner_id = pr.id
                                  AND date('now', '-1 day') <= c.ends_on AND c.starts_on <= date('now', '+1 day'))
                LIMIT 5000
                """).map { (($0[0] as Int64?) ?? 0, ($0[1] as Int64?) ?? 0) }
        }
        var rng = SystemRandomNumberGenerator()
        var latencies: [Double] = []
        for i in 0..<count {
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6, using: &rng))
            let (practitioner, patient) = pairs[Int.random(in: 0..<pairs.count, using: &rng)]
            let id = 800_000 + i
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO requests (id, practitioner_id, patient_id, status, created_at, updated_at)
                    VALUES (?, ?, ?, 'new', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
                    INSERT INTO messages (id, request_id, author, author_id, body, created_at)
                    VALUES (?, ?, 'patient', ?, 'Bonjour', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
                    """, arguments: [id, practitioner, patient, id, id, patient])
            }
            let committed = Date()
            var first: Date?
            let end = committed.addingTimeInterval(40)
            while first == nil && Date() < end {
                if let at = acceptedAt(seen + 1) {
                    // Accepted before this commit: the tail of an earlier request's alerts.
                    if at < committed { seen += 1 } else { first = at }
                } else {
                    usleep(1_000)
                }
            }
            // Counted as 40 s: poll_interval (30 s) has passed and nothing came.
            latencies.append(first.map { max(0, $0.timeIntervalSince(committed)) } ?? 40)
            // Let the rest of this request's alerts (assistants, a digest) arrive before the next commit.
            Thread.sleep(forTimeInterval: 0.05)
            seen = last(after: seen)
        }
        return latencies.sorted()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A `NOTIFY_SOCKET`: a bound unix datagram socket read by a thread of its own,
/// as systemd reads it (a full socket would block relance's `sd_notify`).
final class NotifySocket: @unchecked Sendable {
    let path = "/tmp/relance-bench-\(getpid())-\(UUID().uuidString.prefix(6)).sock"
    let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var consumed = 0

    init() throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, rc == 0 else { throw BenchError("cannot bind \(path)") }
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n < 0 && errno != EINTR { return }
                guard n > 0 else { continue }
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                lock.withLock { received.append(text) }
            }
        }
    }

    /// Closing the socket ends the reader thread.
    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        unlink(path)
    }

    /// The next datagram (after those already looked at) that satisfies `match`.
    func waitFor(timeout: TimeInterval, _ match: (String) -> Bool) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let next: String? = lock.withLock {
                while consumed < received.count {
                    consumed += 1
                    if match(received[consumed - 1]) { return received[consumed - 1] }
                }
                return nil
            }
            if let next { return next }
            usleep(5_000)
        }
        return nil
    }
}
