import Foundation
import Testing
@testable import RelanceConfig

/// One broken config file of `Fixtures/broken`, with what its header comments expect:
/// `# expect: LINE key` (one or more), `# message: text` (zero or more), and `# checked-by: relance`
/// when the error comes from the commands' shared validation (templates) rather than the loader alone.
struct BrokenFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let expected: [(line: Int, key: String)]
    let messages: [String]
    var checkedByTheCommands = false

    var testDescription: String { name }

    static func all() throws -> [BrokenFixture] {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestPaths.brokenFixtures.path)
            .filter { $0.hasSuffix(".toml") }.sorted()
        return try names.map { name in
            let path = TestPaths.brokenFixtures.appendingPathComponent(name).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var expected: [(Int, String)] = []
            var messages: [String] = []
            var commands = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("# expect: ") {
                    let parts = line.dropFirst("# expect: ".count).split(separator: " ")
                    if parts.count == 2, let n = Int(parts[0]) { expected.append((n, String(parts[1]))) }
                } else if line.hasPrefix("# message: ") {
                    messages.append(String(line.dropFirst("# message: ".count)))
                } else if line == "# checked-by: relance" {
                    commands = true
                } else {
                    break
                }
            }
            return BrokenFixture(name: String(name.dropLast(".toml".count)), path: path, expected: expected,
                                 messages: messages, checkedByTheCommands: commands)
        }
    }
}

@Suite struct BrokenConfigTests {
    @Test func corpusIsLargeAndWellFormed() throws {
        let fixtures = try BrokenFixture.all()
        #expect(fixtures.count >= 18)
        for fixture in fixtures {
            let firstLine = try String(contentsOfFile: fixture.path, encoding: .utf8).prefix { $0 != "\n" }
            #expect(firstLine.hasPrefix("# expect: "), "\(fixture.name) must start with # expect:")
            #expect(!fixture.expected.isEmpty, "\(fixture.name)")
        }
        #expect(fixtures.contains { $0.expected.count >= 3 }, "one fixture must have several errors")
    }

    @Test(arguments: try BrokenFixture.all())
    func fixtureReportsExactlyItsErrors(_ fixture: BrokenFixture) throws {
        if fixture.checkedByTheCommands {  // RelanceCLITests checks it through the binary
            #expect(throws: Never.self) { try ConfigLoader.load(path: fixture.path, environment: [:]) }
            return
        }
        let errors: ConfigErrors
        do {
            _ = try ConfigLoader.load(path: fixture.path, environment: [:])
            Issue.record("\(fixture.name) loaded without error")
            return
        } catch {
            errors = error
        }
        let lines = errors.description.split(separator: "\n").map(String.init)
        #expect(lines.count == fixture.expected.count, "\(fixture.name):\n\(errors)")
        for (line, key) in fixture.expected {
            let needle = "\(fixture.name).toml:\(line): \(key):"
            #expect(lines.contains { $0.contains("broken/" + needle) }, "expected \(needle) in\n\(errors)")
        }
        for message in fixture.messages {
            #expect(errors.description.contains(message), "expected \"\(message)\" in\n\(errors)")
        }
        for error in errors.errors {
            #expect(error.file == fixture.path)
            #expect(error.description == "\(fixture.path):\(error.line): \(error.key): \(error.message)")
        }
    }

    @Test func missingFileIsReportedWithTheOSReason() {
        #expect {
            try ConfigLoader.load(path: "/nonexistent/relance.toml", environment: [:])
        } throws: { error in
            (error as? ConfigErrors)?.description
                == "/nonexistent/relance.toml:1: (file): cannot read config: No such file or directory"
        }
    }

    @Test func errorsAreInLineOrderOnePerLine() {
        let found = errors(of: """
            [email]
            senders = 0
            transport = "pigeon"

            [store]
            path = ""
            """)
        #expect(found.map(\.line) == found.map(\.line).sorted())
        let keys = Set(found.map(\.key))
        #expect(keys.isSuperset(of: ["email.senders", "email.transport", "store.path", "links"]))
        #expect(ConfigErrors(found).description.split(separator: "\n").count == found.count)
    }
}
