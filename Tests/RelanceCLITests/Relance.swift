import Foundation
import RelanceTestSupport

/// Runs the built `relance` binary as a user would.
enum Relance {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `relance` built beside the running test bundle, so `--scratch-path` and `-c release` work.
    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("relance")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        for candidate in [".build/debug/relance", ".build/release/relance"] {
            let url = root.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/relance")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func run(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        let p = start(args, environment: environment, cwd: cwd)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes while the process runs, so a large output never blocks it.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func start(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["CREDENTIALS_DIRECTORY"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.currentDirectoryURL = cwd ?? root
        return p
    }

    /// The repository's demo link secret, made private first: git checks files out 0644, and
    /// relance refuses a secret file open to others (as `make demo` does, it is chmod 600).
    static var demoSecret: String {
        let path = root.appendingPathComponent("Config/demo-link-secret").path
        chmod(path, 0o600)
        return path
    }

    static func temporaryDirectory() throws -> URL {
        try TemporaryFolders.make("cli")
    }

    /// A config for a store and spools in `dir`, file transports, demo secret.
    static func writeConfig(in dir: URL, extra: String = "") throws -> URL {
        let secret = demoSecret
        let text = """
            [store]
            path = "store.sqlite"
            catch_up = "30 days"

            [links]
            base_url = "https://messagerie.example.org"
            secret_file = "\(secret)"

            [email]
            transport = "file"
            from = "Messagerie Santé <no-reply@example.org>"
            spool = "spool/email"

            [sms]
            transport = "file"
            spool = "spool/sms"
            \(extra)
            """
        let url = dir.appendingPathComponent("relance.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
