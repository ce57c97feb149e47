import Foundation
import Testing

@Suite struct CheckConfigTests {
    @Test(arguments: ["Config/relance.toml", "Config/demo.toml"])
    func shippedConfigsAreValid(_ file: String) throws {
        _ = Relance.demoSecret
        let r = try Relance.run(["check-config", file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("[store]"))
        #expect(r.stderr.contains("configuration ok"))
    }

    @Test func secretsAreMaskedInTheEffectiveConfig() throws {
        _ = Relance.demoSecret
        let r = try Relance.run(["check-config", "Config/demo.toml"])
        let secret = try String(contentsOf: Relance.root.appendingPathComponent("Config/demo-link-secret"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret))
    }

    /// Every broken config of the corpus: exit 78 and `FILE:LINE: key:` as its first lines say.
    @Test func brokenCorpusExits78WithFileLineAndKey() throws {
        let folder = Relance.root.appendingPathComponent("Tests/RelanceConfigTests/Fixtures/broken")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files.count >= 15)
        for name in files {
            let path = folder.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let expectations = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map {
                $0.dropFirst("# expect: ".count).split(separator: " ", maxSplits: 1).map(String.init)
            }
            #expect(!expectations.isEmpty, "\(name) has no # expect: line")
            let r = try Relance.run(["check-config", path])
            #expect(r.status == 78, "\(name): exit \(r.status)")
            for e in expectations where e.count == 2 {
                #expect(r.stderr.contains("\(path):\(e[0]): \(e[1]):"), "\(name): expected \(path):\(e[0]): \(e[1]): in\n\(r.stderr)")
            }
        }
    }

    /// A broken template is a config error at start: file and reason, exit 78; a send never meets it.
    @Test func aBrokenTemplateExits78WithFileAndReason() throws {
        let dir = try Relance.temporaryDirectory()
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let broken = templates.appendingPathComponent("reminder.fr.mustache")
        try "--- subject\nRappel {{#name}}\n--- text\nx\n--- html\ny\n--- sms\nz\n".write(to: broken, atomically: true, encoding: .utf8)
        let config = try Relance.writeConfig(in: dir).path
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "spool = \"spool/email\"", with: "spool = \"spool/email\"\ntemplates = \"templates\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let r = try Relance.run(["check-config", config])
        #expect(r.status == 78, "\(r.stderr)")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("templates =") }! + 1
        #expect(r.stderr.contains("\(config):\(line): email.templates: \(broken.path): part subject: line 2:"), "\(r.stderr)")
        #expect(r.stderr.contains("never closed"))
        #expect(try Relance.run(["demo", "--store", dir.appendingPathComponent("store.sqlite").path]).status == 0)
        let tick = try Relance.run(["tick", "--config", config])
        #expect(tick.status == 78)
        #expect(tick.stderr.contains("reminder.fr.mustache"))

        try FileManager.default.removeItem(at: broken)
        #expect(try Relance.run(["check-config", config]).status == 0)
    }

    @Test func commandsReadingTheStoreAlsoExit78OnABadConfig() throws {
        let path = Relance.root.appendingPathComponent("Tests/RelanceConfigTests/Fixtures/broken").path
        let any = try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasSuffix(".toml") }!
        let r = try Relance.run(["tick", "--config", "\(path)/\(any)"])
        #expect(r.status == 78)
    }
}
