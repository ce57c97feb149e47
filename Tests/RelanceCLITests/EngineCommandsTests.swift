import Foundation
import RelanceTestSupport
import Testing

/// Every command on both engines, through the built binary: `demo --config` fills the
/// store the config names, then `tick --json` (also `--dry-run`), `explain`, `outbox`,
/// `stats` and `status` print the same on SQLite and PostgreSQL for the same data and `--now`.
@Suite(.serialized) struct EngineCommandsTests {
    static let asOf = "2026-11-23T10:00:00Z"
    static let instants = ["2026-11-03T09:00:00Z", "2026-11-14T07:30:00Z", asOf, "2026-11-25T17:00:00Z"]

    /// A folder and a config naming an empty store of `engine`.
    static func setup(_ engine: TestEngine) throws -> (dir: URL, config: URL) {
        let dir = try Relance.temporaryDirectory()
        let config = try Relance.writeConfig(in: dir, extra: "\n[log]\nlevel = \"warning\"\n")
        // No transport: the outbox rows end `skipped` at once (delivery is another suite's business).
        let quiet = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "transport = \"file\"", with: "transport = \"none\"")
        try quiet.write(to: config, atomically: true, encoding: .utf8)
        if engine == .postgres {
            let cluster = try PostgresCluster.get()
            let store = """
                engine = "postgres"
                url = "\(cluster.url(try cluster.createDatabase()))"
                password_file = "\(cluster.passwordFile)"
                """
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "path = \"store.sqlite\"", with: store)
            try text.write(to: config, atomically: true, encoding: .utf8)
        }
        return (dir, config)
    }

    @Test func everyCommandPrintsTheSameOnBothEngines() throws {
        var outputs: [TestEngine: [String]] = [:]
        for engine in TestEngine.allCases {
            let (dir, config) = try Self.setup(engine)
            defer { try? FileManager.default.removeItem(at: dir) }
            var out: [String] = []
            func run(_ args: [String]) throws -> String {
                let r = try Relance.run(args + ["--config", config.path])
                #expect(r.status == 0, "\(engine): relance \(args.joined(separator: " ")): \(r.stderr)")
                return r.stdout
            }
            let demo = try run(["demo", "--now", Self.asOf])
            #expect(demo.contains("2000 requests"), "\(demo)")
            out.append("dry run:\n" + (try run(["tick", "--json", "--dry-run", "--now", Self.asOf])))
            for now in Self.instants {
                out.append("tick at \(now):\n" + (try run(["tick", "--json", "--now", now])))
            }
            for id in ["2", "400"] { out.append(try run(["explain", id, "--now", Self.asOf])) }
            out.append(try run(["outbox", "--json", "--limit", "50"]))
            out.append(try run(["stats", "--now", Self.asOf]))
            let status = try run(["status", "--now", "2026-11-25T17:00:30Z"])
            #expect(status.contains("last cycle:  2026-11-25T17:00:00Z"), "\(engine): \(status)")
            outputs[engine] = out
        }
        let (a, b) = (outputs[.sqlite] ?? [], outputs[.postgres] ?? [])
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(x == y) }
        #expect(a.joined().components(separatedBy: "\"key\"").count > 100, "the ticks decided things")
    }
}
