import Foundation
import RelanceTestSupport

/// The scripted SMTP server of Tests/Peers/smtp_peer.py, on 127.0.0.1, started
/// by a test and stopped by its PID. Debian's aiosmtpd imports only under
/// /usr/bin/python3, not a python3 found earlier on PATH.
final class SMTPPeer {
    static let python = "/usr/bin/python3"
    static let peersFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Peers")

    let process = Process()
    let folder: URL
    let port: Int
    var pid: Int32 { process.processIdentifier }
    var out: URL { folder.appendingPathComponent("received") }

    /// Starts the peer and returns once it listens. `port` 0 picks a free one.
    init(port: Int = 0, folder: URL? = nil, arguments: [String] = []) throws {
        let folder = folder ?? Scratch.folder("peer")
        self.folder = folder
        let portFile = folder.appendingPathComponent("port-\(UUID().uuidString)")
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.peersFolder.appendingPathComponent("smtp_peer.py").path,
                             "--port", String(port), "--port-file", portFile.path,
                             "--out", folder.appendingPathComponent("received").path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: Self.touch(folder.appendingPathComponent("peer.log")))
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) {
                self.port = p
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        let log = (try? String(contentsOf: folder.appendingPathComponent("peer.log"), encoding: .utf8)) ?? ""
        throw PeerError(description: "smtp_peer.py did not start listening: \(log.suffix(2000))")
    }

    deinit { stop() }

    /// Stops the server by its PID and waits for it (SIGKILL if SIGTERM did not do it within 3 s).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The received messages, oldest first.
    func received() -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "eml" }
            .sorted { Int($0.deletingPathExtension().lastPathComponent)! < Int($1.deletingPathExtension().lastPathComponent)! }
    }

    /// TCP connections accepted in `--never-greet` mode.
    func connections() -> Int {
        (try? String(contentsOf: out.appendingPathComponent("connections"), encoding: .utf8)).flatMap { Int($0) } ?? 0
    }

    /// What the peer saw of the session that delivered message `eml`.
    func meta(_ eml: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: eml.deletingPathExtension().appendingPathExtension("json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func touch(_ url: URL) -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }
}

struct PeerError: Error, CustomStringConvertible { let description: String }

/// Temporary folders, and a self-signed certificate for 127.0.0.1 made once per run.
enum Scratch {
    static func folder(_ name: String) -> URL {
        try! TemporaryFolders.make(name)
    }

    /// (certificate, key): `CN=localhost`, subjectAltName localhost and 127.0.0.1.
    static let certificate: (cert: String, key: String) = {
        let dir = folder("cert")
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let status = run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                                             "-keyout", key, "-out", cert]).status
        precondition(status == 0, "openssl could not make a test certificate")
        return (cert, key)
    }()

    @discardableResult
    static func run(_ tool: String, _ args: [String]) -> (status: Int32, output: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return (-1, Data()) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }
}

/// Messages as Python's `email` package (policy=default) reads them.
struct ParsedMail {
    let json: [String: Any]
    var subject: String { json["subject"] as! String }
    var toName: String? { json["to_name"] as? String }
    var toAddress: String? { json["to_address"] as? String }
    var messageID: String { json["message_id"] as! String }
    var defects: [String] { json["defects"] as! [String] }
    var parts: [[String: Any]] { json["parts"] as! [[String: Any]] }
    var maxLine: Int { json["max_line"] as! Int }
    var text: String { parts.first { $0["type"] as? String == "text/plain" }?["content"] as? String ?? "" }
    var html: String { parts.first { $0["type"] as? String == "text/html" }?["content"] as? String ?? "" }

    static func parse(_ files: [URL]) throws -> [ParsedMail] {
        guard !files.isEmpty else { return [] }
        let result = Scratch.run(SMTPPeer.python, [SMTPPeer.peersFolder.appendingPathComponent("parse_mail.py").path] + files.map(\.path))
        guard result.status == 0 else { throw PeerError(description: "parse_mail.py failed") }
        return (try JSONSerialization.jsonObject(with: result.output) as! [[String: Any]]).map(ParsedMail.init)
    }
}
