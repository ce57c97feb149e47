import Foundation
import GRDB
import Testing

/// `relance tick` as an operator runs it: on a demo store, through the built binary.
@Suite(.serialized) struct TickCommandTests {
    static let now = "2026-11-23T10:00:00Z"

    /// The demo store, generated once: every test works on its own copy.
    static let demoStore: Result<URL, any Error> = Result {
        let dir = try Relance.temporaryDirectory()
        let store = dir.appendingPathComponent("demo.sqlite")
        let demo = try Relance.run(["demo", "--store", store.path, "--now", now])
        guard demo.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: demo.stderr]) }
        return store
    }

    /// A folder with a demo store generated as of `now` and a config with file transports.
    struct Setup {
        let dir: URL
        let config: URL
        var store: URL { dir.appendingPathComponent("store.sqlite") }
        var emailSpool: URL { dir.appendingPathComponent("spool/email") }
        var smsSpool: URL { dir.appendingPathComponent("spool/sms") }

        /// A copy of the demo store, generated once per test run as of `now`.
        init() throws {
            dir = try Relance.temporaryDirectory()
            config = try Relance.writeConfig(in: dir, extra: "\n[log]\nlevel = \"warning\"\n")
            let text = try String(contentsOf: config, encoding: .utf8)
                .replacingOccurrences(of: "catch_up = \"30 days\"", with: "catch_up = \"7 days\"")
            try text.write(to: config, atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(at: try TickCommandTests.demoStore.get(), to: store)
        }

        func tick(_ extra: [String] = [], now: String = TickCommandTests.now) throws -> Relance.Result {
            try Relance.run(["tick", "--config", config.path, "--now", now] + extra)
        }

        func query<T>(_ body: (Database) throws -> T) throws -> T {
            try DatabaseQueue(path: store.path).read(body)
        }

        /// Every decision key, and every outbox row as `key channel address state`.
        func recorded() throws -> (decisions: [String], outbox: [String]) {
            try query { db in
                (try String.fetchAll(db, sql: "SELECT key FROM relance_decisions ORDER BY key"),
                 try String.fetchAll(db, sql: """
                    SELECT decision_key || ' ' || channel || ' ' || address || ' ' || state
                    FROM relance_outbox ORDER BY decision_key, channel, address
                    """))
            }
        }

        func files(_ folder: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }

        func cleanUp() { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func jsonPrintsOneObjectPerDecisionAndRecipient() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        let r = try s.tick(["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count > 500)
        let expectedKeys: Set = ["key", "rule", "reason", "channel", "recipient", "request_id", "practitioner_id", "patient_id"]
        let rules: Set = ["patient_message_alert", "digest", "reminder", "nearby_proposal", "reply_alert",
                          "full_text_forward", "closure_auto_reply"]
        var seen = Set<String>()
        var rulesSeen = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(Set(object.keys) == expectedKeys, "\(line)")
            let rule = try #require(object["rule"] as? String)
            #expect(rules.contains(rule))
            rulesSeen.insert(rule)
            let key = try #require(object["key"] as? String)
            #expect(key.hasPrefix(rule + ":"))
            if let channel = object["channel"] as? String {
                let recipient = try #require(object["recipient"] as? String)
                switch channel {
                case "email": #expect(recipient.contains("@") && !recipient.contains(" "), "\(line)")
                case "sms": #expect(recipient.wholeMatch(of: /\+[1-9][0-9]{6,14}/) != nil, "\(line)")
                default: Issue.record("channel \(channel)")
                }
                #expect(seen.insert("\(key) \(channel) \(recipient)").inserted, "printed twice: \(line)")
            } else {
                #expect(object["recipient"] is NSNull, "\(line)")
            }
            if rule == "digest" { #expect(object["request_id"] is NSNull && object["patient_id"] is NSNull) }
            if rule == "reminder" || rule == "nearby_proposal" { #expect(object["request_id"] is Int) }
        }
        #expect(rulesSeen.isSuperset(of: ["patient_message_alert", "digest", "reminder", "nearby_proposal", "reply_alert"]))
        // What was printed is what was recorded: one outbox row per printed recipient.
        let recorded = try s.recorded()
        #expect(recorded.outbox.count == seen.count)
        #expect(Set(recorded.outbox.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }) == seen)
        #expect(Set(recorded.decisions) == Set(lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
        }))
    }

    @Test func dryRunRecordsAndSendsNothingThenARealTickDecidesTheSame() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        let dry = try s.tick(["--dry-run", "--json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let dryLines = Set(dry.stdout.split(separator: "\n").map(String.init))
        #expect(dryLines.count > 500)
        let afterDry = try s.recorded()
        #expect(afterDry.decisions.isEmpty && afterDry.outbox.isEmpty)
        #expect(s.files(s.emailSpool).isEmpty && s.files(s.smsSpool).isEmpty)

        let real = try s.tick(["--json"])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(Set(real.stdout.split(separator: "\n").map(String.init)) == dryLines)
    }

    @Test func aSecondTickAtTheSameOrALaterNowDecidesNothingTwice() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        #expect(try s.tick().status == 0)
        let first = try s.recorded()
        let again = try s.tick(["--json"])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty, "decided again: \(again.stdout.prefix(500))")
        #expect(try s.recorded() == first)
        // Ten minutes later: whatever is new is new, nothing already decided comes back.
        let later = try s.tick(["--json"], now: "2026-11-23T10:10:00Z")
        let laterKeys = later.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
        }
        #expect(Set(laterKeys).isDisjoint(with: first.decisions))
        // Every outbox row was delivered, each as one file named after its row.
        let sent = try s.query { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM relance_outbox WHERE state = 'sent'") ?? 0 }
        let pending = try s.query { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM relance_outbox WHERE state = 'pending' AND not_before <= '2026-11-23T10:10:00Z'") ?? 0
        }
        #expect(pending == 0)
        #expect(s.files(s.emailSpool).count + s.files(s.smsSpool).count == sent)
    }

    /// The process killed with SIGKILL at arbitrary points of its ticks, again and again,
    /// then left to finish, ends with exactly what one clean tick records: no decision lost,
    /// none doubled, every outbox row delivered, one spool file per row.
    @Test func killedTicksEndWithExactlyWhatACleanTickRecords() throws {
        let clean = try Setup()
        defer { clean.cleanUp() }
        let killed = try Setup()
        defer { killed.cleanUp() }

        let start = Date()
        #expect(try clean.tick().status == 0)
        let cleanTime = Date().timeIntervalSince(start)
        let reference = try clean.recorded()
        #expect(reference.decisions.count > 500)

        // Kill points spread over one clean tick's duration, early ones first (evaluation
        // and recording), then the delivery phase.
        var kills = 0
        for fraction in [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9] {
            let p = Relance.start(["tick", "--config", killed.config.path, "--now", Self.now])
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(cleanTime * fraction * 1_000_000))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
        }
        #expect(kills >= 3, "the tick finished before most kills (\(cleanTime) s): the test killed nothing")
        let last = try killed.tick()
        #expect(last.status == 0, "\(last.stderr)")
        let after = try killed.recorded()
        #expect(after.decisions == reference.decisions)
        let rows = { (list: [String]) in list.map { $0.split(separator: " ").dropLast().joined(separator: " ") } }
        #expect(rows(after.outbox) == rows(reference.outbox))

        // Rows a killed process had leased wait for their lease (5 min) to run out, then go.
        let drained = try killed.tick(now: "2026-11-23T10:06:00Z")
        #expect(drained.status == 0, "\(drained.stderr)")
        let final = try killed.query { db in
            try String.fetchAll(db, sql: """
                SELECT decision_key || ' ' || channel || ' ' || address || ' ' || state || ' ' || id FROM relance_outbox
                WHERE decision_key IN (SELECT key FROM relance_decisions WHERE decided_at <= '2026-11-23T10:00:00Z')
                ORDER BY decision_key, channel, address
                """)
        }
        let cleanRows = try clean.query { db in
            try String.fetchAll(db, sql: """
                SELECT decision_key || ' ' || channel || ' ' || address || ' ' || state || ' ' || id FROM relance_outbox
                ORDER BY decision_key, channel, address
                """)
        }
        #expect(final == cleanRows, "same rows, same ids, all sent")
        // A row marked sent has its file; no file exists for a row that was not sent.
        let sentRows = try killed.query { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM relance_outbox WHERE state = 'sent' ORDER BY id")
        }
        let fileIDs = (killed.files(killed.emailSpool) + killed.files(killed.smsSpool)).compactMap { Int64($0.split(separator: ".")[0]) }
        #expect(fileIDs.sorted() == sentRows)
    }

    @Test func explainTellsWhatFiredAndWhatWaits() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        #expect(try s.tick().status == 0)
        // A request that got a reminder, and one still waiting for its deadline.
        let (reminded, waiting) = try s.query { db in
            (try Int64.fetchOne(db, sql: "SELECT request_id FROM relance_decisions WHERE rule = 'reminder' ORDER BY request_id LIMIT 1"),
             try Int64.fetchOne(db, sql: """
                SELECT id FROM requests WHERE status = 'new' AND handled_outside IS NULL
                AND created_at > '2026-11-23T00:00:00Z' ORDER BY id LIMIT 1
                """))
        }
        let r1 = try Relance.run(["explain", "\(try #require(reminded))", "--config", s.config.path, "--now", Self.now])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r1.stdout.contains("reminder:request:\(reminded!)"))
        #expect(r1.stdout.contains(": sent,"))
        if let waiting {
            let r2 = try Relance.run(["explain", "\(waiting)", "--config", s.config.path, "--now", Self.now])
            #expect(r2.status == 0)
            #expect(r2.stdout.contains("reminder: reminder due 2026-11-2"), "\(r2.stdout)")
            #expect(r2.stdout.contains("fired:\n  2026-11-23T10:00:00Z  patient_message_alert (new_request)"), "\(r2.stdout)")
        }
        let missing = try Relance.run(["explain", "999999", "--config", s.config.path, "--now", Self.now])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("999999"))
    }

    @Test func outboxAndStatsReadTheStore() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        #expect(try s.tick().status == 0)
        let all = try Relance.run(["outbox", "--config", s.config.path, "--json", "--limit", "100000"])
        #expect(all.status == 0)
        let rows = all.stdout.split(separator: "\n")
        let outboxCount = try s.recorded().outbox.count
        #expect(rows.count == outboxCount)
        let sent = try Relance.run(["outbox", "--config", s.config.path, "--state", "sent", "--limit", "5"])
        #expect(sent.stdout.split(separator: "\n").count == 5)
        #expect(sent.stdout.split(separator: "\n").allSatisfy { $0.split(separator: "\t")[1] == "sent" })
        let bad = try Relance.run(["outbox", "--config", s.config.path, "--state", "lost"])
        #expect(bad.status != 0 && bad.stderr.contains("pending, sent, dead"))

        let stats = try Relance.run(["stats", "--config", s.config.path, "--now", Self.now])
        #expect(stats.status == 0, "\(stats.stderr)")
        let lines = stats.stdout.split(separator: "\n")
        #expect(lines.count == 3 + 50, "a line for all and one per practitioner")
        let overall = lines[2].split(separator: "\t")
        let older = try s.query { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM requests WHERE created_at < '2026-10-24T10:00:00Z'") ?? 0
        }
        #expect(overall[0] == "all" && Int(overall[1]) == 2000 - older)
    }

    @Test func aMissingStoreIsAnErrorAndCreatesNothing() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Relance.writeConfig(in: dir)
        let r = try Relance.run(["tick", "--config", config.path, "--now", Self.now])
        #expect(r.status != 0)
        #expect(r.stderr.contains("store.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("store.sqlite").path))
    }
}
