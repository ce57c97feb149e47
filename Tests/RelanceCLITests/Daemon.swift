import Foundation
import Glibc

/// A `relance run` started for a test, with its stderr in a file; stopped by PID.
final class DaemonProcess {
    let process: Process
    let stderrFile: URL

    /// Starts `relance run` through `sh -c 'exec'`, so `WATCHDOG_PID=$$` names relance's own PID.
    init(config: URL, environment: [String: String], watchdogPID: Bool, in dir: URL) throws {
        stderrFile = dir.appendingPathComponent("stderr-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let script = watchdogPID ? "WATCHDOG_PID=$$; export WATCHDOG_PID; exec \"$0\" \"$@\"" : "exec \"$0\" \"$@\""
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, Relance.binary.path, "run", "--config", config.path]
        var env = ProcessInfo.processInfo.environment
        for key in ["CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] { env[key] = nil }
        // The daemon's clock starts at the fixture's instant, whatever the real time is.
        for (k, v) in TestInstant.environment { env[k] = v }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits up to `timeout` for the exit; nil if it is still running.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The test's own cleanup: SIGKILL by PID if it is still there.
    func kill9() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A `NOTIFY_SOCKET` for a test: a bound unix datagram socket collecting what relance tells systemd.
final class NotifySocket {
    let path: String
    let fd: Int32
    private(set) var received: [String] = []

    init(in dir: URL) throws {
        // sun_path holds 108 bytes: keep the socket path short.
        path = "/tmp/relance-notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, rc == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Receives datagrams until one satisfies `match` or `timeout` passes; returns that datagram.
    func waitFor(timeout: TimeInterval, _ match: (String) -> Bool) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while true {
            let left = end.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, Int32(left * 1000) + 1) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            received.append(text)
            if match(text) { return text }
        }
    }

    /// Everything that arrives during `seconds`.
    func collect(for seconds: TimeInterval) -> [String] {
        let before = received.count
        _ = waitFor(timeout: seconds) { _ in false }
        return Array(received[before...])
    }
}

enum DaemonFixture {
    /// A demo store and a daemon config with a 1 s poll and file transports, in a fresh folder.
    /// The demo is made as of `TestInstant.now`, where `DaemonProcess` starts the daemon's clock.
    /// `catchUp` bounds the first cycle's work: "0s" keeps it short, "1 days" gives every rule something to do.
    static func make(catchUp: String = "0s", email: String = "", smsSpool: String = "spool/sms",
                     extra: String = "", now: String = TestInstant.text) throws -> (dir: URL, config: URL) {
        let dir = try Relance.temporaryDirectory()
        let demo = try Relance.run(["demo", "--store", dir.appendingPathComponent("store.sqlite").path, "--now", now])
        guard demo.status == 0 else {
            try? FileManager.default.removeItem(at: dir)
            throw POSIXError(.EIO)
        }
        let config = dir.appendingPathComponent("relance.toml")
        try configText(catchUp: catchUp, email: email, smsSpool: smsSpool, extra: extra)
            .write(to: config, atomically: true, encoding: .utf8)
        return (dir, config)
    }

    static func configText(catchUp: String = "0s", email: String = "", smsSpool: String = "spool/sms",
                           extra: String = "") -> String {
        let secret = Relance.demoSecret
        return """
            [store]
            path = "store.sqlite"
            poll_interval = "1s"
            catch_up = "\(catchUp)"

            [links]
            base_url = "https://messagerie.example.org"
            secret_file = "\(secret)"

            [email]
            transport = "file"
            from = "Messagerie Santé <no-reply@example.org>"
            spool = "spool/email"
            \(email)

            [sms]
            transport = "file"
            spool = "\(smsSpool)"

            [delivery]
            shutdown_grace = "3s"
            \(extra)
            """
    }
}
