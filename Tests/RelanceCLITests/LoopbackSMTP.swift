import Foundation

/// Tests/Peers/smtp_peer.py (aiosmtpd, 127.0.0.1 only) for the daemon's tests, stopped by PID.
/// Debian's aiosmtpd imports only under /usr/bin/python3.
final class LoopbackSMTP {
    let process = Process()
    let folder: URL
    private(set) var port = 0
    var received: URL { folder.appendingPathComponent("received") }

    /// Starts the peer and returns once it listens (`port` 0 picks a free one).
    init(in dir: URL, port: Int = 0, arguments: [String] = []) throws {
        folder = dir.appendingPathComponent("peer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("port")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Relance.root.appendingPathComponent("Tests/Peers/smtp_peer.py").path, "--port", String(port),
                             "--port-file", portFile.path, "--out", received.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let end = Date().addingTimeInterval(10)
        while Date() < end, process.isRunning {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) {
                self.port = p
                return
            }
            usleep(20_000)
        }
        stop()
        throw POSIXError(.ECONNREFUSED)
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let end = Date().addingTimeInterval(3)
        while process.isRunning, Date() < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// TCP connections accepted in `--never-greet` mode.
    var connections: Int {
        (try? String(contentsOf: received.appendingPathComponent("connections"), encoding: .utf8)).flatMap { Int($0) } ?? 0
    }

    /// The outbox id of each message accepted (from relance's Message-ID, `<relance.ID.HASH@…>`), one per message.
    func deliveredIDs() -> [Int64] {
        let files = (try? FileManager.default.contentsOfDirectory(at: received, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "eml" }.compactMap { url in
            guard let text = try? String(contentsOf: url, encoding: .utf8),
                  let range = text.range(of: "<relance.") else { return nil }
            return Int64(text[range.upperBound...].prefix { $0.isNumber })
        }
    }
}
