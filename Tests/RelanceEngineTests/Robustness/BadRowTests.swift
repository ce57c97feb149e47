import Foundation
import GRDB
import RelanceCore
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// Issue 10, cases 1, 2 and 5: a platform row that does not decode is skipped,
/// logged once without its value, counted by `status`, and costs nobody else anything.
@Suite struct BadRowTests {
    let t = StoreFixture.t

    func cycle(_ f: StoreFixture, logger: LogCapture? = nil) -> Cycle {
        if let logger { return Cycle(store: f.store, settings: .init(catchUp: 30 * 86_400), logger: logger.logger) }
        return Cycle(store: f.store, settings: .init(catchUp: 30 * 86_400))
    }

    /// Coalescing off, so that alerts are compared one for one.
    func everyAlert(_ f: StoreFixture) -> Cycle {
        var policy = Policy()
        policy.patientMessageAlert.coalesce = 0
        policy.replyAlert.coalesce = 0
        return Cycle(store: f.store, settings: .init(policy: policy, catchUp: 30 * 86_400))
    }

    /// A store without the contract's constraints, two practitioners, one request each.
    func twoPractices(constraints: Bool = false) throws -> StoreFixture {
        let f = try StoreFixture(constraints: constraints)
        if constraints {
            try f.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA foreign_keys = OFF") }
        }
        try f.sql(constraints ? "PRAGMA ignore_check_constraints = ON" : "SELECT 1")
        try f.sql("""
            INSERT INTO practitioners (id, display_name, email, profile, latitude, longitude, timezone, locale,
                messaging_open, notify_each_request, sms_alerts, forward_full_text)
            VALUES (1, 'Dr Un', 'un@example.fr', 'complete', 48.85, 2.35, 'Europe/Paris', 'fr', 1, 1, 0, 0),
                   (2, 'Dr Deux', 'deux@example.fr', 'complete', 48.86, 2.36, 'Europe/Paris', 'fr', 1, 1, 0, 0);
            INSERT INTO patients (id, display_name, email, locale, email_opt_in, sms_opt_in)
            VALUES (10, 'Zoé', 'zoe@example.org', 'fr', 1, 0), (20, 'Yves', 'yves@example.org', 'fr', 1, 0);
            INSERT INTO requests (id, practitioner_id, patient_id, status, secondary, created_at, updated_at)
            VALUES (100, 1, 10, 'new', 0, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z'),
                   (200, 2, 20, 'new', 0, '2026-11-16T09:00:00Z', '2026-11-16T09:00:00Z');
            INSERT INTO messages (id, request_id, author, author_id, body, created_at)
            VALUES (1000, 100, 'patient', 10, 'Texte confidentiel', '2026-11-16T09:00:00Z'),
                   (2000, 200, 'patient', 20, 'Texte confidentiel', '2026-11-16T09:00:00Z');
            """)
        return f
    }

    @Test func aNonUTF8BlobTextInAnIntegerColumnOrANullIsSkippedAndTheCycleGoesOn() throws {
        let cases: [(table: String, column: String, value: String, id: String)] = [
            ("practitioners", "email", "x'C3284142FF'", "2"),
            ("practitioners", "display_name", "NULL", "2"),
            ("requests", "procedure", "x'FFFE'", "200"),
            ("requests", "practitioner_id", "'deux'", "200"),
            ("messages", "author_id", "'vingt'", "2000"),
            ("patients", "display_name", "x'80'", "20"),
        ]
        for c in cases {
            let f = try twoPractices()
            try f.sql("UPDATE \(c.table) SET \(c.column) = \(c.value) WHERE id = \(c.id)")
            let logs = LogCapture()
            let report = try cycle(f, logger: logs).run(now: t("2026-11-16T09:05:00Z"))
            // The other practitioner's alert is decided.
            #expect(report.decisions.map(\.key).contains("patient_message_alert:message:1000"), "\(c)")
            // The bad row (or the request it breaks) is skipped, naming the table, id and column.
            let named = report.skipped.contains { $0.table == c.table && $0.id == Int64(c.id) && $0.column == c.column }
            #expect(named || report.skipped.contains { $0.table == "requests" && $0.id == 200 }, "\(c): \(report.skipped)")
            let line = try #require(logs.all.first { $0.contains("skipped") }, "\(c)")
            #expect(line.contains("table=") && line.contains("row_id=") && line.contains("column="))
            // Never the value.
            for secret in ["Deux", "deux", "Yves", "yves", "Texte", "vingt"] {
                #expect(!logs.all.joined().contains(secret), "\(c): \(secret) leaked")
            }
        }
    }

    @Test func aBadRowIsLoggedOnceAndCountedByStatus() throws {
        let f = try twoPractices()
        try f.sql("UPDATE practitioners SET profile = 'inconnu' WHERE id = 2")
        let logs = LogCapture()
        let c = cycle(f, logger: logs)
        _ = try c.run(now: t("2026-11-16T09:05:00Z"))
        _ = try c.run(now: t("2026-11-16T09:06:00Z"))
        _ = try c.run(now: t("2026-11-16T09:30:00Z"))
        let skippedLines = logs.all.filter { $0.contains("event=row_skipped") }
        #expect(skippedLines.filter { $0.contains("table=practitioners") }.count == 1, "\(skippedLines)")
        #expect(!logs.all.joined().contains("inconnu"))
        let status = try f.store.status(since: t("2026-11-16T00:00:00Z"))
        #expect(status.skippedRows["practitioners"] == 1)
        // Fixed: no longer counted.
        try f.sql("UPDATE practitioners SET profile = 'complete' WHERE id = 2")
        _ = try c.run(now: t("2026-11-16T09:50:00Z"))
        #expect(try f.store.status(since: t("2026-11-16T00:00:00Z")).skippedRows["practitioners"] == nil)
    }

    /// Case 2: over 8 days, a practitioner whose row is broken for a day and a half
    /// then fixed gets every decision the control store got.
    @Test func aRowBrokenThenFixedLosesNothingOverEightDays() throws {
        func fill(_ f: StoreFixture) throws {
            try f.practitioner(1)
            try f.practitioner(2, lat: 48.86, lon: 2.36)
            try f.sql("INSERT INTO assistants (id, practitioner_id, display_name, email) VALUES (5, 1, 'Secrétariat', 'sec@example.fr')")
            for p in Int64(10)...Int64(15) { try f.patient(p) }
            // Monday 2026-11-16: five requests to practitioner 1, with replies and follow-ups.
            for i in Int64(0)..<5 {
                try f.request(100 + i, practitioner: 1, patient: 10 + i, created: "2026-11-16T0\(i + 1):00:00Z")
            }
            try f.request(200, practitioner: 2, patient: 15, created: "2026-11-16T10:00:00Z")
            try f.sql("""
                INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES
                    (901, 100, 'patient', 10, 'x', '2026-11-16T12:00:00Z'),
                    (902, 101, 'practitioner', 1, 'x', '2026-11-17T08:00:00Z'),
                    (903, 102, 'patient', 12, 'x', '2026-11-17T15:00:00Z')
                """)
        }
        let control = try StoreFixture(), broken = try StoreFixture()
        try fill(control)
        try fill(broken)
        try broken.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE practitioners SET profile = 'inconnu' WHERE id = 1")
        }
        let start = t("2026-11-16T00:30:00Z")
        let ticks = (0..<(8 * 24)).map { start.addingTimeInterval(Double($0) * 3600) }
        let fixAt = t("2026-11-17T12:00:00Z")
        var fixed = false
        for now in ticks {
            if !fixed, now >= fixAt {
                try broken.sql("UPDATE practitioners SET profile = 'complete' WHERE id = 1")
                fixed = true
            }
            _ = try everyAlert(control).run(now: now)
            _ = try everyAlert(broken).run(now: now)
        }
        // Digest keys carry their instant, which moves with the fix: compared without it.
        let keys = { (f: StoreFixture) in
            try f.store.pool.read { db in
                try Set(String.fetchAll(db, sql: "SELECT key FROM relance_decisions").map {
                    $0.hasPrefix("digest:") ? String($0.split(separator: ":").prefix(3).joined(separator: ":")) : $0
                })
            }
        }
        let expected = try keys(control)
        #expect(expected.count >= 10)
        #expect(expected.contains("reminder:request:100") && expected.contains("patient_message_alert:message:901"))
        #expect(try keys(broken) == expected)
        // Every one of them sent to as many recipients (digests move with the fix: their
        // 7-day interval then ends after the replay), none recorded as too old.
        let rows = { (f: StoreFixture) in try f.count("SELECT COUNT(*) FROM relance_outbox WHERE decision_key NOT LIKE 'digest:%'") }
        #expect(try rows(broken) == rows(control))
        #expect(try broken.count("SELECT COUNT(*) FROM relance_decisions WHERE reason = 'too_old'") == 0)
    }

    /// Case 5: timestamps that are integers, impossible dates or carry an offset are reported.
    /// With the contract's TEXT affinity, an integer is stored as the text '1763283600'.
    @Test(arguments: [false, true]) func badTimestampsAreReportedAsSkippedRows(textAffinity: Bool) throws {
        let f = try twoPractices(constraints: textAffinity)
        try f.sql("""
            INSERT INTO requests (id, practitioner_id, patient_id, status, secondary, created_at, updated_at)
            VALUES (300, 1, 10, 'new', 0, 1763283600, 1763283600),
                   (301, 1, 10, 'new', 0, '2026-13-45T10:00:00Z', '2026-13-45T10:00:00Z'),
                   (302, 1, 10, 'new', 0, '2026-11-16T10:00:00+01:00', '2026-11-16T10:00:00+01:00');
            INSERT INTO messages (id, request_id, author, author_id, body, created_at)
            VALUES (3000, 100, 'patient', 10, 'x', 1763283600),
                   (3001, 100, 'patient', 10, 'x', '2026-13-45T10:00:00Z'),
                   (3002, 100, 'patient', 10, 'x', '2026-11-16T09:01:00+01:00');
            """)
        if !textAffinity {  // NOT NULL is not a CHECK: only a store without constraints takes it
            try f.sql("INSERT INTO messages (id, request_id, author, author_id, body, created_at) VALUES (3003, 100, 'patient', 10, 'x', NULL)")
        }
        let report = try cycle(f).run(now: t("2026-11-16T09:05:00Z"))
        let skipped = Set(report.skipped.map { "\($0.table) \($0.id ?? -1)" })
        for id in [300, 301, 302] { #expect(skipped.contains("requests \(id)"), "requests \(id): \(report.skipped)") }
        for id in [3000, 3001, 3002] + (textAffinity ? [] : [3003]) { #expect(skipped.contains("messages \(id)"), "messages \(id): \(report.skipped)") }
        #expect(report.decisions.map(\.key).contains("patient_message_alert:message:2000"))
    }
}
