import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10's bad-row corpus: for every column of every platform table, a
/// victim row gets NULL, a non-UTF-8 BLOB, text, an integer, the empty string,
/// a 1 MB string, and negative or huge integers, on a store without the
/// contract's constraints. Every cycle completes, and every other request's
/// decisions match the clean store's. In-process through the Cycle, one copy of
/// a clean store per case (the binary runs a few of them in BadRowCLITests).
@Suite struct BadRowCorpusTests {
    static let t = StoreFixture.t
    static let nows = [t("2026-11-16T09:05:00Z"), t("2026-11-20T10:00:00Z")]

    static let badValues: [(name: String, sql: String)] = [
        ("NULL", "NULL"), ("non-UTF-8 BLOB", "x'C328FFFE80'"), ("text", "'abc'"), ("integer", "42"),
        ("empty string", "''"), ("1 MB string", "(SELECT printf('%.*c', 1048576, 'x'))"),
        ("negative integer", "-1"), ("huge integer", "9223372036854775807"),
    ]

    /// The victim rows, one per table, all about practitioner 9 in Marseille, far from everyone else.
    static let victims: [String: String] = [
        "practitioners": "id = 9", "practitioner_procedures": "practitioner_id = 9", "assistants": "id = 95",
        "closures": "practitioner_id = 9", "patients": "id = 90", "blocked_patients": "practitioner_id = 9",
        "requests": "id = 900", "messages": "id = 90000",
    ]

    /// The clean store, built once; each case works on a copy.
    static let clean: StoreFixture = {
        do {
            let f = try StoreFixture(constraints: false)
            try f.sql("""
                INSERT INTO practitioners (id, display_name, email, phone, profile, specialty, latitude, longitude, timezone, locale,
                    messaging_open, notify_each_request, sms_alerts, forward_full_text) VALUES
                    (1, 'Dr Un', 'un@example.fr', '+33611111111', 'complete', 'dentiste', 48.8566, 2.3522, 'Europe/Paris', 'fr', 1, 1, 1, 1),
                    (2, 'Dr Deux', NULL, NULL, 'address_only', 'dentiste', 48.857, 2.353, 'Europe/Paris', 'fr', 1, 1, 0, 0),
                    (3, 'Dr Trois', 'trois@example.fr', NULL, 'complete', 'dentiste', 48.86, 2.35, 'Europe/Paris', 'fr', 1, 1, 0, 0),
                    (9, 'Dr Neuf', 'neuf@example.fr', '+33699999999', 'complete', 'dentiste', 43.2965, 5.3698, 'Europe/Paris', 'fr', 1, 1, 1, 1);
                INSERT INTO practitioner_procedures (practitioner_id, procedure) VALUES
                    (1, 'détartrage'), (3, 'détartrage'), (9, 'extraction');
                INSERT INTO assistants (id, practitioner_id, display_name, email, phone) VALUES
                    (5, 1, 'Secrétariat Un', 'sec1@example.fr', NULL), (95, 9, 'Secrétariat Neuf', 'sec9@example.fr', '+33698989898');
                INSERT INTO closures (practitioner_id, starts_on, ends_on, note) VALUES
                    (1, '2026-12-24', '2026-12-26', 'Noël'), (9, '2026-11-18', '2026-11-18', 'Formation');
                INSERT INTO patients (id, display_name, email, phone, locale, latitude, longitude, email_opt_in, sms_opt_in) VALUES
                    (10, 'Zoé', 'zoe@example.org', '+33612121212', 'fr', 48.85, 2.34, 1, 1),
                    (11, 'Yves', 'yves@example.org', NULL, 'fr', NULL, NULL, 1, 0),
                    (12, 'Xavier', 'xavier@example.org', NULL, 'en', NULL, NULL, 1, 0),
                    (13, 'Wanda', 'wanda@example.org', NULL, 'fr', NULL, NULL, 1, 0),
                    (90, 'Victor', 'victor@example.org', '+33690909090', 'fr', 43.3, 5.37, 1, 1),
                    (91, 'Ursule', 'ursule@example.org', NULL, 'fr', NULL, NULL, 1, 0);
                INSERT INTO blocked_patients (practitioner_id, patient_id) VALUES (1, 13), (9, 91);
                INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, refusal_reason, handled_outside, secondary,
                    redirected_from, created_at, first_read_at, answered_at, closed_at, updated_at) VALUES
                    (100, 1, 10, NULL, 'new', NULL, NULL, 0, NULL, '2026-11-16T09:00:00Z', NULL, NULL, NULL, '2026-11-16T09:00:00Z'),
                    (101, 1, 11, 'détartrage', 'read', NULL, NULL, 0, NULL, '2026-11-16T09:01:00Z', '2026-11-16T09:02:00Z', NULL, NULL, '2026-11-16T09:02:00Z'),
                    (102, 2, 12, 'détartrage', 'new', NULL, NULL, 0, NULL, '2026-11-16T09:01:00Z', NULL, NULL, NULL, '2026-11-16T09:01:00Z'),
                    (103, 1, 13, NULL, 'new', NULL, NULL, 0, NULL, '2026-11-16T09:02:00Z', NULL, NULL, NULL, '2026-11-16T09:02:00Z'),
                    (104, 3, 10, 'détartrage', 'refused', 'not_practised', NULL, 0, NULL, '2026-11-16T08:00:00Z', '2026-11-16T08:30:00Z', '2026-11-16T09:03:00Z', NULL, '2026-11-16T09:03:00Z'),
                    (900, 9, 90, 'extraction', 'new', NULL, NULL, 0, NULL, '2026-11-16T09:00:00Z', NULL, NULL, NULL, '2026-11-16T09:00:00Z');
                INSERT INTO messages (id, request_id, author, author_id, body, created_at, deliver_at, read_at) VALUES
                    (10000, 100, 'patient', 10, 'Texte', '2026-11-16T09:00:00Z', NULL, NULL),
                    (10001, 100, 'practitioner', 1, 'Réponse', '2026-11-16T09:03:00Z', NULL, NULL),
                    (10100, 101, 'patient', 11, 'Texte', '2026-11-16T09:01:00Z', NULL, NULL),
                    (10200, 102, 'patient', 12, 'Texte', '2026-11-16T09:01:00Z', NULL, NULL),
                    (10300, 103, 'patient', 13, 'Texte', '2026-11-16T09:02:00Z', NULL, NULL),
                    (10400, 104, 'patient', 10, 'Texte', '2026-11-16T08:00:00Z', NULL, NULL),
                    (90000, 900, 'patient', 90, 'Texte', '2026-11-16T09:00:00Z', NULL, NULL),
                    (90001, 900, 'assistant', 95, 'Réponse', '2026-11-16T09:04:00Z', NULL, NULL);
                """)
            try f.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            return f
        } catch {
            preconditionFailure("clean corpus store: \(error)")
        }
    }()

    /// Decisions about anyone but the victim: key and each delivery's channel and address.
    static func othersDecisions(_ f: StoreFixture) throws -> Set<String> {
        let c = Cycle(store: f.store, settings: .init(catchUp: 86_400))
        var seen = Set<String>()
        for now in nows {
            for d in try c.run(now: now).decisions
            where d.requestID != 900 && d.practitionerID != 9 && d.patientID != 90 && !(d.requestID.map { $0 < 100 } ?? false) {
                seen.insert(d.key + " " + d.deliveries.map { "\($0.channel.rawValue):\($0.address)" }.sorted().joined(separator: ","))
            }
        }
        return seen
    }

    static let cleanDecisions: Set<String> = {
        do { return try othersDecisions(StoreFixture(copying: clean)) } catch { preconditionFailure("\(error)") }
    }()

    @Test func theCleanStoreExercisesTheRules() throws {
        let rules = Set(Self.cleanDecisions.map { String($0.prefix { $0 != ":" }) })
        for rule in ["patient_message_alert", "reply_alert", "reminder", "nearby_proposal", "full_text_forward"] {
            #expect(rules.contains(rule), "\(rule): \(Self.cleanDecisions)")
        }
    }

    @Test(arguments: try StoreFixture.contractColumns().map { "\($0.table).\($0.column)" })
    func everyBadValueOfThisColumnCostsNobodyElseAnything(_ column: String) throws {
        let parts = column.split(separator: ".").map(String.init)
        let (table, name) = (parts[0], parts[1])
        let victim = try #require(Self.victims[table])
        for bad in Self.badValues {
            let f = try StoreFixture(copying: Self.clean)
            try f.sql("UPDATE \(table) SET \(name) = \(bad.sql) WHERE \(victim)")
            let decided = try Self.othersDecisions(f)
            #expect(decided == Self.cleanDecisions, "\(column) = \(bad.name): differs by \(decided.symmetricDifference(Self.cleanDecisions))")
            try? FileManager.default.removeItem(at: f.dir)
        }
    }
}
