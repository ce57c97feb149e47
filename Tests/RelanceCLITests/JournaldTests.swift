import Foundation
import Glibc
import GRDB
import Testing

/// `relance run` logging to a real systemd-journald in a private mount namespace
/// (Tests/RelanceCLITests/journald/run-under-journald.sh), read back with journalctl.
/// Needs root for `unshare --mount`, as CI has.
@Suite(.serialized, .enabled(if: getuid() == 0, "unshare --mount needs root"))
struct JournaldTests {
    static let ids = (decision: "07f463c873714243a0d1228779c29ec7", delivered: "31e08ee05cfc46359ba8812425a90600",
                      dead: "c4cceac7156a4d0087098161c544c8c5", deferred: "673a95cd660e4b4b8b2458dd418da3d6", rowSkipped: "94e949c4c943426b9c8e86764f28051a",
                      cycle: "4f8f0a1ac3c541afb018aae2c0938455", reloaded: "86e85e832ef840a1bb203683e8506d98",
                      rejected: "9b8bac89a1d4438bb0760587e1847c73")
    static let password = "pw-Zx81-very-secret-\(UUID().uuidString.prefix(6))"
    static let secretBody = "Corps secret du message \(UUID().uuidString)"
    static let oldKey = "reminder:request:old-sms"
    static let oldName = "Docteur Ancien Secret"
    static let freshKey = "patient_message_alert:message:fresh-sms"
    static let freshName = "Docteur Récent Secret"

    typealias Entry = [String: String]

    @Test func structuredEntriesWithMessageIDsAndNothingPrivate() throws {
        // SMS cannot be spooled (the folder's parent is a file): temporary failures, so deferred rows.
        // Everything runs as of TestInstant.now (the daemon's clock starts there too); what must happen at
        // any instant (a skipped row, a deferred SMS, a dead one) is seeded, not left to the demo's calendar.
        let (dir, config) = try DaemonFixture.make(
            catchUp: "1 days", email: "username = \"relance\"\npassword_file = \"smtp-password\"", smsSpool: "blocked/sms")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "not a folder".write(to: dir.appendingPathComponent("blocked"), atomically: true, encoding: .utf8)
        try (Self.password + "\n").write(to: dir.appendingPathComponent("smtp-password"), atomically: true, encoding: .utf8)
        chmod(dir.appendingPathComponent("smtp-password").path, 0o600)  // a secret file is private to its owner
        let store = try DatabaseQueue(path: dir.appendingPathComponent("store.sqlite").path)
        // A message breaking the contract (an unknown author): a skipped row, whose body must not be logged.
        try store.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: """
                INSERT INTO messages (id, request_id, author, author_id, body, created_at)
                SELECT 999999, id, 'robot', patient_id, ?, ?
                FROM requests ORDER BY id DESC LIMIT 1
                """, arguments: [Self.secretBody, TestInstant.text(adding: -60)])
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            // An SMS decided three days ago, past the 2-day lifetime: its temporary failure makes it dead.
            // An SMS decided a minute ago and due now, whatever the quiet hours: its failure defers it.
            let threeDaysAgo = TestInstant.text(adding: -3 * 86_400), aMinuteAgo = TestInstant.text(adding: -60)
            for (key, rule, phone, name, at) in [(Self.oldKey, "reminder", "+33600000042", Self.oldName, threeDaysAgo),
                                                  (Self.freshKey, "patient_message_alert", "+33600000043", Self.freshName, aMinuteAgo)] {
                try db.execute(sql: "INSERT INTO relance_decisions (key, rule, decided_at, content) VALUES (?, ?, ?, '{}')",
                               arguments: [key, rule, at])
                try db.execute(sql: """
                    INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id, recipient_name,
                        locale, timezone, not_before, created_at, updated_at)
                    VALUES (?, 'sms', ?, 'practitioner', 1, ?, 'fr', 'Europe/Paris', ?, ?, ?)
                    """, arguments: [key, phone, name, at, at, at])
            }
        }
        let queries = ["RELANCE_RULE=reminder", "RELANCE_RULE=patient_message_alert", "MESSAGE_ID=\(Self.ids.dead)"]
        try queries.joined(separator: "\n").write(to: dir.appendingPathComponent("queries"), atomically: true, encoding: .utf8)

        let script = Relance.root.appendingPathComponent("Tests/RelanceCLITests/journald/run-under-journald.sh")
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        run.arguments = ["--mount", "--propagation", "private", script.path, Relance.binary.path, dir.path]
        run.environment = ProcessInfo.processInfo.environment.merging(TestInstant.environment) { $1 }
        let log = dir.appendingPathComponent("script.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        run.standardOutput = try FileHandle(forWritingTo: log)
        run.standardError = run.standardOutput
        try run.run()
        let end = Date().addingTimeInterval(45)
        while run.isRunning && Date() < end { usleep(50_000) }
        if run.isRunning {
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
        }
        let scriptLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(run.terminationStatus == 0, "script failed:\n\(scriptLog)")
        let exit = try String(contentsOf: dir.appendingPathComponent("exit-status"), encoding: .utf8)
        #expect(exit.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "relance exit status \(exit)")

        let all = try Self.entries(dir.appendingPathComponent("journal.json"))
        let mine = all.filter { $0["SYSLOG_IDENTIFIER"] == "relance" }
        #expect(mine.count > 50, "\(mine.count) relance entries")
        // Native entries only: nothing went to the stderr stream as plain lines.
        #expect(mine.allSatisfy { $0["_TRANSPORT"] == "journal" }, "\(mine.filter { $0["_TRANSPORT"] != "journal" }.prefix(3))")
        for e in mine {
            #expect(e["CODE_FILE"] != nil && e["CODE_LINE"].flatMap(Int.init) != nil && e["CODE_FUNC"] != nil, "\(e)")
            #expect(e["PRIORITY"] != nil && e["MESSAGE"] != nil)
        }

        // Each decision once, as recorded in the store, per rule; deliveries and deaths likewise.
        let decisions = mine.filter { $0["MESSAGE_ID"] == Self.ids.decision }
        #expect(decisions.allSatisfy { $0["PRIORITY"] == "6" && $0["RELANCE_RULE"] != nil })
        let perRule = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT rule, COUNT(*) AS n FROM relance_decisions WHERE key NOT IN ('\(Self.oldKey)', '\(Self.freshKey)') GROUP BY rule")
                .map { ($0["rule"] as String, $0["n"] as Int) }
        }
        #expect(!perRule.isEmpty)
        for (rule, n) in perRule {
            #expect(decisions.filter { $0["RELANCE_RULE"] == rule }.count == n, "rule \(rule)")
        }
        let sent = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM relance_outbox WHERE state = 'sent'")! }
        let delivered = mine.filter { $0["MESSAGE_ID"] == Self.ids.delivered }
        #expect(sent > 0 && delivered.count == sent)
        #expect(delivered.allSatisfy {
            $0["PRIORITY"] == "6" && $0["RELANCE_OUTBOX_ID"] != nil && ["email", "sms"].contains($0["RELANCE_CHANNEL"] ?? "")
        })
        let deadRows = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM relance_outbox WHERE state = 'dead'")! }
        let dead = mine.filter { $0["MESSAGE_ID"] == Self.ids.dead }
        #expect(deadRows == 1 && dead.count == deadRows)
        #expect(dead.allSatisfy {
            $0["PRIORITY"] == "3" && $0["RELANCE_CHANNEL"] == "sms" && ($0["RELANCE_ERROR"] ?? "").contains("gave up")
        }, "\(dead)")
        let retrying = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM relance_outbox WHERE state = 'pending' AND attempts > 0")!
        }
        let deferred = mine.filter { $0["MESSAGE_ID"] == Self.ids.deferred }
        #expect(retrying > 0 && deferred.count == retrying)
        #expect(deferred.allSatisfy {
            $0["PRIORITY"] == "4" && $0["RELANCE_CHANNEL"] == "sms" && $0["RELANCE_RETRY_AT"] != nil && $0["RELANCE_ERROR"] != nil
        })

        let skipped = mine.filter { $0["MESSAGE_ID"] == Self.ids.rowSkipped }
        #expect(skipped.contains { $0["PRIORITY"] == "4" && $0["RELANCE_TABLE"] == "messages" && $0["RELANCE_ROW_ID"] == "999999" },
                "\(skipped)")
        #expect(mine.contains { $0["MESSAGE_ID"] == Self.ids.cycle && $0["PRIORITY"] == "6" })
        #expect(mine.contains { $0["MESSAGE_ID"] == Self.ids.reloaded && $0["PRIORITY"] == "5" })
        #expect(mine.contains {
            $0["MESSAGE_ID"] == Self.ids.rejected && $0["PRIORITY"] == "3" && ($0["RELANCE_ERROR"] ?? "").contains("store.poll_interval")
        })

        // journalctl FIELD=VALUE answers: the reminder query matches the store exactly.
        let reminders = try Self.entries(dir.appendingPathComponent("query-0.json"))
        let reminderDecisions = perRule.first { $0.0 == "reminder" }?.1 ?? 0
        #expect(reminders.filter { $0["MESSAGE_ID"] == Self.ids.decision }.count == reminderDecisions)
        #expect(reminders.count == mine.filter { $0["RELANCE_RULE"] == "reminder" }.count)
        #expect(!reminders.isEmpty && reminders.allSatisfy { $0["RELANCE_RULE"] == "reminder" })
        #expect(reminders.filter { $0["MESSAGE_ID"] == Self.ids.decision }.allSatisfy { $0["RELANCE_REQUEST_ID"] != nil })
        let alerts = try Self.entries(dir.appendingPathComponent("query-1.json"))
        #expect(alerts.contains { $0["MESSAGE_ID"] == Self.ids.delivered && $0["RELANCE_PRACTITIONER_ID"] != nil })
        #expect(try Self.entries(dir.appendingPathComponent("query-2.json")).count == deadRows)

        // Privacy: no message body, name, procedure, link token, secret or password in any entry.
        let forbidden = try Self.privateStrings(store: store, dir: dir)
        #expect(forbidden.count > 100)
        var text = ""
        for e in all {
            for (key, value) in e where !key.hasPrefix("_") { text += "\(key)=\(value)\n" }
        }
        let haystack = text.utf8CString
        // The search finds what is there (the seeded dead reminder, at least) and only that.
        #expect(Self.find("RELANCE_RULE=reminder", in: haystack) == !reminders.isEmpty)
        #expect(!Self.find("RELANCE_RULE=no-such-rule", in: haystack))
        let leaks = forbidden.filter { Self.find($0, in: haystack) }
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")
    }

    /// Bodies, names, procedures, addresses, link tokens, the link secret and the SMTP password.
    static func privateStrings(store: DatabaseQueue, dir: URL) throws -> Set<String> {
        var strings: Set<String> = [password, secretBody, oldName, freshName]
        try store.read { db in
            for sql in ["SELECT body FROM messages", "SELECT display_name FROM patients",
                        "SELECT display_name FROM practitioners", "SELECT display_name FROM assistants",
                        "SELECT procedure FROM practitioner_procedures", "SELECT procedure FROM requests WHERE procedure IS NOT NULL",
                        "SELECT email FROM patients WHERE email IS NOT NULL", "SELECT phone FROM patients WHERE phone IS NOT NULL"] {
                for s in try String.fetchAll(db, sql: sql) where s.count >= 6 { strings.insert(s) }
            }
        }
        let secret = try String(contentsOf: Relance.root.appendingPathComponent("Config/demo-link-secret"), encoding: .utf8)
        strings.insert(secret.trimmingCharacters(in: .whitespacesAndNewlines))
        let sms = dir.appendingPathComponent("spool/sms")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: sms.path)) ?? [] {
            let text = try String(contentsOf: sms.appendingPathComponent(name), encoding: .utf8)
            for token in text.components(separatedBy: "jeton=").dropFirst() {
                let value = token.prefix { $0.isLetter || $0.isNumber || "._-".contains($0) }
                if value.count > 20 { strings.insert(String(value)) }
            }
        }
        return strings
    }

    /// glibc's strstr: thousands of needles over the whole journal stay fast in a debug build.
    static func find(_ needle: String, in haystack: ContiguousArray<CChar>) -> Bool {
        haystack.withUnsafeBufferPointer { strstr($0.baseAddress!, needle) != nil }
    }

    /// `journalctl -o json` lines; arrays (repeated or binary fields) joined.
    static func entries(_ file: URL) throws -> [Entry] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            return object.mapValues { value -> String in
                switch value {
                case let s as String: return s
                case let bytes as [Int]: return String(decoding: bytes.map(UInt8.init), as: UTF8.self)
                case let list as [Any]: return list.map { "\($0)" }.joined(separator: "\n")
                default: return "\(value)"
                }
            }
        }
    }
}
