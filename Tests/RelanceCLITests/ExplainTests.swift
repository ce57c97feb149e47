import Foundation
import GRDB
import Testing

/// `relance explain` is the engine speaking: over the demo store at five instants, every
/// "due now" line is recorded by the next tick at that instant, and that tick records
/// nothing explain did not announce.
@Suite struct ExplainTests {
    /// A Monday morning (the demo's instant), five minutes later, a Tuesday afternoon,
    /// a Saturday, and the next Monday before 08:00 local.
    static let instants = ["2026-11-23T10:00:00Z", "2026-11-23T10:05:00Z", "2026-11-24T15:30:00Z",
                           "2026-11-28T11:00:00Z", "2026-11-30T06:45:00Z"]

    @Test func dueNowIsExactlyWhatTheNextTickRecords() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("relance.toml")
        try DaemonFixture.configText(catchUp: "2 days").write(to: config, atomically: true, encoding: .utf8)
        let storePath = dir.appendingPathComponent("store.sqlite").path
        try #require(try Relance.run(["demo", "--store", storePath, "--now", Self.instants[0]]).status == 0)
        let store = try DatabaseQueue(path: storePath)
        // Explained at every instant: a request of each practitioner (their digests) and a fixed sample.
        let (perPractitioner, all) = try store.read { db in
            (try Int64.fetchAll(db, sql: "SELECT MIN(id) FROM requests GROUP BY practitioner_id"),
             try Int64.fetchAll(db, sql: "SELECT id FROM requests ORDER BY id"))
        }
        let sample = Set(perPractitioner).union(stride(from: 0, to: all.count, by: 50).map { all[$0] })

        var announcedTotal = 0
        for instant in Self.instants {
            // Plus every request the engine's dry run names: explain must announce exactly its decisions.
            let dry = try Relance.run(["tick", "--config", config.path, "--now", instant, "--dry-run", "--json"])
            try #require(dry.status == 0, "\(dry.stderr)")
            let named = dry.stdout.split(separator: "\n").compactMap { line -> Int64? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (object?["request_id"] as? NSNumber)?.int64Value
            }
            let ids = sample.union(named).sorted()
            let explain = try Relance.run(["explain"] + ids.map(String.init) + ["--config", config.path, "--now", instant])
            try #require(explain.status == 0, "\(explain.stderr)")
            let announced = Self.dueNowKeys(explain.stdout)
            let before = try Self.keys(store)
            let tick = try Relance.run(["tick", "--config", config.path, "--now", instant])
            try #require(tick.status == 0, "\(tick.stderr)")
            let recorded = try Self.keys(store).subtracting(before)
            #expect(announced.subtracting(recorded).isEmpty,
                    "\(instant): announced, not recorded: \(announced.subtracting(recorded).sorted().prefix(10))")
            #expect(recorded.subtracting(announced).isEmpty,
                    "\(instant): recorded, not announced: \(recorded.subtracting(announced).sorted().prefix(10))")
            announcedTotal += announced.count

            // Once the tick has run, explain announces nothing more at the same instant.
            let again = try Relance.run(["explain"] + ids.map(String.init) + ["--config", config.path, "--now", instant])
            #expect(Self.dueNowKeys(again.stdout).isEmpty, "\(instant): still due after the tick")
        }
        #expect(announcedTotal > 100, "\(announcedTotal) decisions over the five instants")
    }

    /// The keys of the "due now" lines: `  reminder: due now, key reminder:request:42; the next tick records it`.
    static func dueNowKeys(_ text: String) -> Set<String> {
        var keys = Set<String>()
        for line in text.split(separator: "\n") where line.hasSuffix("; the next tick records it") && line.contains(": due now") {
            guard let range = line.range(of: ", key ") else { continue }
            keys.insert(String(line[range.upperBound...].prefix { $0 != ";" }))
        }
        return keys
    }

    static func keys(_ store: DatabaseQueue) throws -> Set<String> {
        try store.read { db in Set(try String.fetchAll(db, sql: "SELECT key FROM relance_decisions")) }
    }
}
