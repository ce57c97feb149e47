import Foundation
import GRDB
import RelanceCore
import RelanceDemo
import RelanceStore
import Testing

/// `relance demo`'s data checked against the store contract and the shape the rules need.
@Suite struct DemoGeneratorTests {
    static let nowText = "2026-11-23T10:00:00Z"
    static let now = Timestamp.parse(nowText)!

    /// A new contract store filled at `now`, in its own temporary directory.
    struct Filled {
        let store: SQLiteStore
        let summary: DemoSummary
        let directory: URL

        init(seed: UInt64 = 2026) throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("relance-demo-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore.create(path: directory.appendingPathComponent("store.sqlite").path)
            summary = try DemoGenerator.fill(store.pool, now: DemoGeneratorTests.now, seed: seed)
        }

        func read<T>(_ body: (Database) throws -> T) throws -> T { try store.pool.read(body) }
        func count(_ sql: String) throws -> Int { try read { try Int.fetchOne($0, sql: sql) ?? -1 } }
        func strings(_ sql: String) throws -> [String] { try read { try String.fetchAll($0, sql: sql) } }

        /// Every row of the contract's tables, in order: equal dumps mean identical data.
        func dump() throws -> String {
            try read { db in
                try Contract.tables.map { table in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
                        .map { $0.databaseValues.map(\.description).joined(separator: "|") }
                        .joined(separator: "\n")
                }.joined(separator: "\n#\n")
            }
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func keepsTheContract() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let (foreignKeys, integrity) = try filled.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"), try String.fetchAll(db, sql: "PRAGMA integrity_check"))
        }
        #expect(foreignKeys.isEmpty)
        #expect(integrity == ["ok"])
        // Every row again through a fresh database of the contract: each CHECK and foreign key re-run.
        let fresh = try DatabaseQueue()
        try fresh.writeWithoutTransaction { db in
            try db.execute(sql: Contract.ddl(.sqlite))
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [filled.store.path])
            try db.inTransaction {
                for table in Contract.tables {
                    try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM src.\(table) ORDER BY rowid")
                }
                return .commit
            }
            for table in Contract.tables {
                let copied = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM main.\(table)")
                let original = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM src.\(table)")
                #expect(copied == original, "\(table)")
            }
            #expect(try Row.fetchAll(db, sql: "PRAGMA main.foreign_key_check").isEmpty)
        }
        // Values the CHECKs cannot see.
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE phone IS NOT NULL AND phone NOT GLOB '+[1-9][0-9]*'") == 0)
        #expect(try filled.count("SELECT COUNT(*) FROM patients WHERE phone IS NOT NULL AND phone NOT GLOB '+[1-9][0-9]*'") == 0)
        #expect(try filled.count("SELECT COUNT(*) FROM patients WHERE sms_opt_in = 1 AND phone IS NULL") == 0)
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE sms_alerts = 1 AND phone NOT GLOB '+33[67]*'") == 0)
        let domains = try filled.strings("""
            SELECT email FROM practitioners WHERE email IS NOT NULL UNION ALL SELECT email FROM patients WHERE email IS NOT NULL
            UNION ALL SELECT email FROM assistants WHERE email IS NOT NULL
            """)
        #expect(domains.allSatisfy { $0.hasSuffix("example.fr") || $0.hasSuffix("example.org") })
        #expect(try filled.count("SELECT COUNT(*) FROM closures WHERE date(starts_on) IS NULL OR date(ends_on) IS NULL") == 0)
    }

    @Test func hasTheAnnouncedSize() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let s = filled.summary
        #expect((45...55).contains(try filled.count("SELECT COUNT(*) FROM practitioners")))
        #expect(try filled.count("SELECT COUNT(*) FROM patients") == 500)
        #expect(try filled.count("SELECT COUNT(*) FROM requests") == 2000)
        #expect((12...18).contains(try filled.count("SELECT COUNT(*) FROM assistants")))
        #expect((8...12).contains(try filled.count("SELECT COUNT(DISTINCT practitioner_id) FROM assistants")))
        #expect((3...10).contains(try filled.count("SELECT COUNT(*) FROM blocked_patients")))
        #expect(s.practitioners == (try filled.count("SELECT COUNT(*) FROM practitioners")))
        #expect(s.assistants == (try filled.count("SELECT COUNT(*) FROM assistants")))
        #expect(s.patients == 500 && s.requests == 2000)
        #expect(s.messages == (try filled.count("SELECT COUNT(*) FROM messages")))
        #expect(s.closures == (try filled.count("SELECT COUNT(*) FROM closures")))
        #expect(s.procedures == (try filled.count("SELECT COUNT(*) FROM practitioner_procedures")))
        #expect(s.messages > s.requests)
    }

    @Test func practitionersCoverEveryOption() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let addressOnly = try filled.count("SELECT COUNT(*) FROM practitioners WHERE profile = 'address_only'")
        #expect((7...13).contains(addressOnly))
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE profile = 'address_only' AND email IS NULL AND phone IS NULL") >= addressOnly / 2)
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE sms_alerts = 1") >= 2)
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE notify_each_request = 0") >= 2)
        #expect((2...3).contains(try filled.count("SELECT COUNT(*) FROM practitioners WHERE forward_full_text = 1")))
        #expect((1...2).contains(try filled.count("SELECT COUNT(*) FROM practitioners WHERE messaging_open = 0")))
        #expect((1...2).contains(try filled.count("SELECT COUNT(*) FROM practitioners WHERE latitude IS NULL")))
        #expect((1...2).contains(try filled.count("SELECT COUNT(*) FROM practitioners WHERE locale = 'en'")))
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE timezone <> 'Europe/Paris'") >= 1)
        #expect(try filled.count("SELECT COUNT(DISTINCT specialty) FROM practitioners") == 10)
        #expect(try filled.count("""
            SELECT COUNT(*) FROM practitioners p WHERE NOT EXISTS
                (SELECT 1 FROM practitioner_procedures pp WHERE pp.practitioner_id = p.id)
            """) == 0)
        // Scattered around Paris, Lyon and Rennes.
        for (lat, lon) in [(48.8566, 2.3522), (45.7640, 4.8357), (48.1173, -1.6778)] {
            #expect(try filled.count("""
                SELECT COUNT(*) FROM practitioners WHERE ABS(latitude - \(lat)) < 0.15 AND ABS(longitude - \(lon)) < 0.22
                """) >= 8)
        }
        let names = try filled.strings("SELECT display_name FROM practitioners")
        #expect(names.contains { $0.hasPrefix("Dr ") })
        #expect(names.contains { $0.hasPrefix("Cabinet") || $0.hasPrefix("Centre") })
    }

    @Test func patientsAreFrenchAndVaried() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let accented = try filled.count("""
            SELECT COUNT(*) FROM patients WHERE display_name GLOB '*[éèêëàâïîôöüûçÉœ]*'
            """)
        #expect(accented > 150)
        let withoutEmail = try filled.count("SELECT COUNT(*) FROM patients WHERE email IS NULL")
        #expect((25...80).contains(withoutEmail))
        #expect((90...160).contains(try filled.count("SELECT COUNT(*) FROM patients WHERE sms_opt_in = 1")))
        #expect((10...45).contains(try filled.count("SELECT COUNT(*) FROM patients WHERE email_opt_in = 0")))
        #expect((3...30).contains(try filled.count("SELECT COUNT(*) FROM patients WHERE locale = 'en'")))
        #expect(try filled.count("SELECT COUNT(*) FROM patients WHERE latitude IS NOT NULL") > 400)
        #expect(try filled.count("SELECT COUNT(*) FROM practitioners WHERE display_name GLOB '*[éèêëàâïîôöüûçÉœ]*'") > 5)
    }

    @Test func requestsTakeEveryValue() throws {
        let filled = try Filled()
        defer { filled.remove() }
        #expect(Set(try filled.strings("SELECT DISTINCT status FROM requests")) == ["new", "read", "answered", "refused", "closed"])
        #expect(Set(try filled.strings("SELECT DISTINCT refusal_reason FROM requests WHERE refusal_reason IS NOT NULL"))
                == ["duplicate", "spam", "not_practised", "not_interested"])
        #expect(Set(try filled.strings("SELECT DISTINCT handled_outside FROM requests WHERE handled_outside IS NOT NULL"))
                == ["phone", "email", "in_person", "other"])
        #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE (status = 'refused') <> (refusal_reason IS NOT NULL)") == 0)
        #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE procedure IS NULL") > 100)
        // Procedures come from the practitioner's own list.
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r WHERE procedure IS NOT NULL AND NOT EXISTS (SELECT 1 FROM practitioner_procedures pp
                WHERE pp.practitioner_id = r.practitioner_id AND pp.procedure = r.procedure)
            """) == 0)
        // Secondary requests come from an earlier request of the same patient, to another practitioner.
        #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE secondary = 1") >= 10)
        #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE (secondary = 1) <> (redirected_from IS NOT NULL)") == 0)
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r JOIN requests o ON o.id = r.redirected_from
            WHERE o.id >= r.id OR o.created_at >= r.created_at OR o.patient_id <> r.patient_id
                OR o.practitioner_id = r.practitioner_id
            """) == 0)
    }

    @Test func timestampsAreConsistent() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let now = Self.nowText, start = Timestamp.format(Self.now.addingTimeInterval(-21 * 86_400))
        let violations = [
            "created_at < '\(start)' OR updated_at > '\(now)'",
            "first_read_at < created_at OR answered_at < COALESCE(first_read_at, created_at)",
            "closed_at < COALESCE(answered_at, first_read_at, created_at)",
            "updated_at < MAX(created_at, COALESCE(first_read_at, ''), COALESCE(answered_at, ''), COALESCE(closed_at, ''))",
            // updated_at is the latest event; only refusals and "handled outside" without their own column move it further.
            """
            handled_outside IS NULL AND NOT (status = 'refused' AND answered_at IS NULL)
                AND updated_at <> MAX(created_at, COALESCE(first_read_at, ''), COALESCE(answered_at, ''), COALESCE(closed_at, ''))
            """,
            "status = 'new' AND first_read_at IS NOT NULL",
            "status = 'read' AND handled_outside IS NULL AND first_read_at IS NULL",
            "status = 'answered' AND answered_at IS NULL",
            "status = 'closed' AND closed_at IS NULL",
            "status IN ('new', 'read') AND (answered_at IS NOT NULL OR closed_at IS NOT NULL)",
        ]
        for condition in violations {
            #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE \(condition)") == 0, "\(condition)")
        }
        let messageViolations = [
            "created_at > '\(now)' OR read_at > '\(now)'",
            "deliver_at IS NOT NULL AND deliver_at <= created_at",
            "read_at < COALESCE(deliver_at, created_at)",
            "created_at < (SELECT created_at FROM requests r WHERE r.id = request_id)",
            "author = 'patient' AND author_id <> (SELECT patient_id FROM requests r WHERE r.id = request_id)",
            "author = 'practitioner' AND author_id <> (SELECT practitioner_id FROM requests r WHERE r.id = request_id)",
            """
            author = 'assistant' AND NOT EXISTS (SELECT 1 FROM assistants a JOIN requests r ON r.practitioner_id = a.practitioner_id
                WHERE a.id = author_id AND r.id = request_id)
            """,
        ]
        for condition in messageViolations {
            #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE \(condition)") == 0, "\(condition)")
        }
        // Every request opens with the patient's message; every answer has its reply.
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r WHERE NOT EXISTS (SELECT 1 FROM messages m
                WHERE m.request_id = r.id AND m.author = 'patient' AND m.created_at = r.created_at)
            """) == 0)
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r WHERE status IN ('answered', 'closed') AND answered_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.request_id = r.id AND m.author <> 'patient'
                                AND m.created_at = r.answered_at)
            """) == 0)
        #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE author = 'assistant'") > 10)
        #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE read_at IS NOT NULL") > 500)
        // Deferred replies: some delivered since, some still waiting.
        #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE deliver_at IS NOT NULL AND deliver_at <= '\(now)'") >= 5)
        #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE deliver_at > '\(now)' AND read_at IS NULL") >= 1)
        #expect(try filled.count("SELECT COUNT(*) FROM messages WHERE deliver_at IS NOT NULL AND author = 'patient'") == 0)
        // Follow-ups after the reply.
        #expect(try filled.count("""
            SELECT COUNT(*) FROM messages m JOIN requests r ON r.id = m.request_id
            WHERE m.author = 'patient' AND m.created_at > r.answered_at
            """) > 50)
        let bodies = try filled.strings("SELECT body FROM messages WHERE author = 'patient' LIMIT 200")
        #expect(bodies.contains { $0.contains("Je souhaiterais") })
    }

    @Test func givesTheRulesSomethingToDo() throws {
        let filled = try Filled()
        defer { filled.remove() }
        let unprocessed = try filled.count("""
            SELECT COUNT(*) FROM requests WHERE status IN ('new', 'read') AND handled_outside IS NULL
            """)
        #expect((500...700).contains(unprocessed))
        #expect(filled.summary.unprocessed == unprocessed)
        #expect((850...1150).contains(filled.summary.handledWithin48h))
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r JOIN practitioners p ON p.id = r.practitioner_id
            WHERE p.profile = 'address_only' AND r.status IN ('new', 'read') AND r.handled_outside IS NULL
            """) > 50)

        // Unprocessed requests older than 3 business days on their practitioner's calendar.
        let rows = try filled.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.created_at, r.status, p.timezone, p.profile, p.id FROM requests r
                JOIN practitioners p ON p.id = r.practitioner_id
                WHERE r.status IN ('new', 'read') AND r.handled_outside IS NULL
                """)
        }
        let closures = try filled.read { db in
            try Row.fetchAll(db, sql: "SELECT practitioner_id, starts_on, ends_on FROM closures")
        }
        var stale: [String: Int] = [:]
        for row in rows {
            let id: Int64 = row[4]
            let mine = closures.filter { ($0[0] as Int64) == id }
                .map { CivilDate(iso: $0[1] as String)!...CivilDate(iso: $0[2] as String)! }
            let calendar = BusinessCalendar(timeZone: TimeZone(identifier: row[2])!, closures: mine)
            let created = Timestamp.parse(row[0] as String)!
            if calendar.adding(businessDays: 3, to: created) <= Self.now {
                stale["\(row[3] as String)/\(row[1] as String)", default: 0] += 1
            }
        }
        #expect(stale["complete/new", default: 0] >= 10)      // unread escalation (rule 4)
        #expect(stale["complete/read", default: 0] >= 10)     // reminders (rule 3)
        #expect(stale["address_only/new", default: 0] >= 10)  // proposals (rule 3, address-only)
        #expect(filled.summary.unprocessedOlderThan3BusinessDays == stale.values.reduce(0, +))

        // Some practitioners are closed now and receive requests during their closure (rule 9).
        let today = String(Self.nowText.prefix(10))
        #expect(try filled.count("""
            SELECT COUNT(*) FROM requests r JOIN closures c ON c.practitioner_id = r.practitioner_id
            WHERE c.starts_on <= '\(today)' AND c.ends_on >= '\(today)' AND substr(r.created_at, 1, 10) >= c.starts_on
            """) >= 1)
        #expect(try filled.count("SELECT COUNT(*) FROM closures WHERE starts_on = '2026-12-24' AND ends_on = '2027-01-02'") >= 3)
        #expect(try filled.count("SELECT COUNT(*) FROM closures WHERE ends_on < '\(today)'") >= 1)
        #expect(try filled.count("SELECT COUNT(*) FROM closures WHERE note LIKE '%Noël%'") >= 1)
        #expect(filled.summary.closedNow >= 1)
        // Refusals that lead to proposals, and blocked patients with requests.
        #expect(try filled.count("SELECT COUNT(*) FROM requests WHERE refusal_reason IN ('not_practised', 'not_interested')") >= 20)
        #expect(try filled.count("""
            SELECT COUNT(*) FROM blocked_patients b JOIN requests r
                ON r.practitioner_id = b.practitioner_id AND r.patient_id = b.patient_id
            """) >= 1)
    }

    @Test func isDeterministicForASeed() throws {
        let a = try Filled(), b = try Filled(), c = try Filled(seed: 7)
        defer { a.remove(); b.remove(); c.remove() }
        let dumpA = try a.dump()
        #expect(dumpA == (try b.dump()))
        #expect(dumpA != (try c.dump()))
        #expect(a.summary.description == b.summary.description)
        #expect(try c.count("SELECT COUNT(*) FROM requests") == 2000)
    }

    /// Other moments (inside the Christmas break, a Sunday, New Year, summer time) and seeds.
    @Test(arguments: [("2026-12-27T15:30:00Z", UInt64(1)), ("2027-01-01T00:00:00Z", 99),
                      ("2026-07-05T08:00:00Z", 12345), ("2030-03-31T01:30:00Z", 0)])
    func fillsAtAnyMoment(now text: String, seed: UInt64) throws {
        let now = Timestamp.parse(text)!
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("relance-demo-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore.create(path: directory.appendingPathComponent("store.sqlite").path)
        let summary = try DemoGenerator.fill(store.pool, now: now, seed: seed)
        #expect(summary.requests == 2000 && summary.patients == 500)
        #expect(summary.closedNow >= 1)
        let (foreignKeys, late, christmas) = try store.pool.read { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"),
             try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM requests WHERE updated_at > ?1 OR created_at < ?2)
                     + (SELECT COUNT(*) FROM messages WHERE created_at > ?1 OR read_at > ?1)
                """, arguments: [text, Timestamp.format(now.addingTimeInterval(-21 * 86_400))]),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM closures WHERE ends_on >= ? AND note LIKE '%Noël%'",
                              arguments: [String(text.prefix(10))]))
        }
        #expect(foreignKeys.isEmpty)
        #expect(late == 0)
        #expect(christmas ?? 0 >= 1)
        #expect(summary.unprocessed > 300 && summary.handledWithin48h > 700)
    }

    @Test func refusesAStoreWithData() throws {
        let filled = try Filled()
        defer { filled.remove() }
        #expect(throws: DemoGenerator.FillError.self) {
            try DemoGenerator.fill(filled.store.pool, now: Self.now)
        }
    }

    @Test func isFast() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("relance-demo-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore.create(path: directory.appendingPathComponent("store.sqlite").path)
        let start = ContinuousClock.now
        let summary = try DemoGenerator.fill(store.pool, now: Self.now)
        let elapsed = ContinuousClock.now - start
        print(summary)
        print("filled in \(elapsed)")
        // About 0.4 s in a debug build on an idle machine (the other tests run alongside this one).
        #expect(elapsed < .seconds(10))
    }
}
