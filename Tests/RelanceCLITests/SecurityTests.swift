import Foundation
import RelanceStore
import Testing

/// Issue 11 through the binary: one validation path for check-config and tick, secrets in
/// URLs never printed, `link verify` never crashing.
@Suite struct SecurityTests {
    static let corpus = Relance.root.appendingPathComponent("Tests/RelanceConfigTests/Fixtures/broken")

    /// Configs that must pass both: a private secret, http on localhost, transport none with good templates.
    func validConfigs(in dir: URL) throws -> [URL] {
        let secret = dir.appendingPathComponent("link-secret")
        try (String(repeating: "x", count: 40) + "\n").write(to: secret, atomically: true, encoding: .utf8)
        chmod(secret.path, 0o600)
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let base = try String(contentsOf: try Relance.writeConfig(in: dir), encoding: .utf8)
            .replacingOccurrences(of: "secret_file = \"\(Relance.demoSecret)\"", with: "secret_file = \"link-secret\"")
        var urls: [URL] = []
        for (name, text) in [
            ("plain", base),
            ("localhost", base.replacingOccurrences(of: "https://messagerie.example.org", with: "http://127.0.0.1:8080/app")),
            ("none", base.replacingOccurrences(of: "transport = \"file\"\nfrom", with: "transport = \"none\"\ntemplates = \"templates\"\nfrom")),
        ] {
            let url = dir.appendingPathComponent("\(name).toml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            urls.append(url)
        }
        return urls
    }

    /// Every config of the corpus, and a few good ones, get the same verdict from `check-config`
    /// as from `tick` on an empty store.
    @Test func checkConfigAndTickAgreeOnEveryConfig() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try SQLiteStore.create(path: dir.appendingPathComponent("store.sqlite").path)
        let broken = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".toml") }.sorted()
            .map { Self.corpus.appendingPathComponent($0) }
        #expect(broken.count >= 40)
        let good = try validConfigs(in: dir)
        for config in broken + good {
            let check = try Relance.run(["check-config", config.path])
            let tick = try Relance.run(["tick", "--config", config.path, "--now", "2026-05-18T09:00:00Z"])
            #expect(check.status == tick.status, "\(config.lastPathComponent): check-config \(check.status), tick \(tick.status)\n\(check.stderr)\n\(tick.stderr)")
            #expect(check.status == (good.contains(config) ? 0 : 78), "\(config.lastPathComponent): \(check.stderr)")
        }
        // Nothing was created beside the corpus.
        #expect(!FileManager.default.fileExists(atPath: Self.corpus.appendingPathComponent("store.sqlite").path))
    }

    /// A password in a URL is refused (FILE:LINE: key, exit 78) and never printed.
    @Test(arguments: ["url-userinfo-smtp", "url-userinfo-links", "url-userinfo-sms", "postgres-url-password", "postgres-url-password-param"])
    func aPasswordInAURLIsNeverPrinted(_ name: String) throws {
        let path = Self.corpus.appendingPathComponent("\(name).toml").path
        for args in [["check-config", path], ["tick", "--config", path]] {
            let r = try Relance.run(args)
            #expect(r.status == 78)
            #expect(r.stderr.contains("password"), "\(r.stderr)")
            #expect(!(r.stdout + r.stderr).contains("hunter2"), "\(r.stdout)\(r.stderr)")
        }
    }

    /// A token validly signed with an absurd expiry: malformed (exit 2), never a crash.
    @Test func linkVerifyNeverCrashes() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Relance.writeConfig(in: dir)
        let key = try String(contentsOfFile: Relance.demoSecret, encoding: .utf8).trimmingCharacters(in: .newlines)
        for (payload, status, output) in [
            ("v1|practitioner|6|1329|9223372036854775807", Int32(2), "malformed"),
            ("v1|practitioner|+6|1329|1795692470", 2, "malformed"),
            ("v1|practitioner|0006|1329|1795692470", 2, "malformed"),
            ("v1|patient|9|1329|1795692470|12", 0, "valid: patient 9, request 1329, proposing practitioner 12, expires 2026-11-26T11:27:50Z"),
        ] {
            let token = try sign(payload, key: key)
            let r = try Relance.run(["link", "verify", token, "--config", config.path, "--now", "2026-11-26T11:00:00Z"])
            #expect(r.status == status, "\(payload): \(r.status) \(r.stderr)")
            #expect(r.stdout.contains(output), "\(payload): \(r.stdout)")
        }
    }

    /// The token of `payload`, computed by Python's hmac (independent of relance's code).
    func sign(_ payload: String, key: String) throws -> String {
        let script = """
            import base64, hashlib, hmac, sys
            b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
            p = sys.argv[1].encode()
            print(b(p) + "." + b(hmac.new(sys.argv[2].encode(), p, hashlib.sha256).digest()))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, payload, key]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
