import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    /// Cursor names in `relance_cursors`, as SQLite's.
    enum Cursor {
        static let requestsCreated = "requests.created_at"
        static let requestsUpdated = "requests.updated_at"
        static let messagesVisible = "messages.visible_at"
    }

    public func ingestChangedRequests(now: Date, catchUp: TimeInterval) throws {
        try transaction { c in try Self.ingest(c, now: now, catchUp: catchUp) }
    }

    /// Puts requests created or changed since the last cycle into the schedule, due at once.
    static func ingest(_ c: PGConnection, now: Date, catchUp: TimeInterval) throws {
        // As SQLite's: within the overlap, requests seen before are not made due again.
        for (cursor, column, notSeen) in [
            (Cursor.requestsCreated, "created_at", "NOT EXISTS (SELECT 1 FROM relance_schedule s WHERE s.request_id = requests.id)"),
            (Cursor.requestsUpdated, "updated_at", "updated_at IS DISTINCT FROM created_at"),
        ] {
            let stored = try storedCursor(c, cursor)
            let since = try Self.since(c, cursor, now: now, catchUp: catchUp)
            let readUpTo = stored.flatMap { $0.afterID == nil && $0.value <= now ? $0.value : nil } ?? since
            try c.exec("""
                INSERT INTO relance_schedule (request_id, due_at)
                SELECT id, \(column) FROM requests WHERE \(column) > $1 AND \(column) <= $2 AND (\(column) > $3 OR \(notSeen))
                ON CONFLICT (request_id) DO UPDATE SET due_at = LEAST(relance_schedule.due_at, excluded.due_at)
                """, [PGText.param(since), PGText.param(now), PGText.param(readUpTo)])
            try setCursor(c, cursor, CursorPosition(value: now))
        }
    }

    static func storedCursor(_ c: PGConnection, _ name: String) throws -> CursorPosition? {
        let result = try c.exec("SELECT value, after_id FROM relance_cursors WHERE name = $1", [name])
        guard result.count > 0, let value = result.timestamp(0, 0) else { return nil }
        return CursorPosition(value: value, afterID: result.int(0, 1))
    }

    /// The instant a read resumes after (requests are ingested set-wise: no partial position).
    static func since(_ c: PGConnection, _ name: String, now: Date, catchUp: TimeInterval) throws -> Date {
        switch CursorPosition.window(stored: try storedCursor(c, name), now: now, catchUp: catchUp) {
        case .since(let t): return t
        case .after(let t, _): return t.addingTimeInterval(-1)
        }
    }

    /// Moves a cursor forward (never back: a replay at an earlier `now` leaves it).
    static func setCursor(_ c: PGConnection, _ name: String, _ position: CursorPosition) throws {
        let stored = try storedCursor(c, name)
        let next = stored.map { CursorPosition.later($0, position) } ?? position
        guard next != stored else { return }
        try c.exec("""
            INSERT INTO relance_cursors (name, value, after_id) VALUES ($1, $2, $3::bigint)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, after_id = excluded.after_id
            """, [name, PGText.param(next.value), next.afterID.map(String.init)])
    }

    public func loadSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot {
        // Repeatable read: every query of the snapshot sees the same database.
        try withConnection { c in
            if depth > 0 { return try Self.loadSnapshot(c, now: now, policy: policy, catchUp: catchUp, limit: limit) }
            try c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            depth = 1
            defer { depth = 0; if c.isOK { _ = try? c.exec("COMMIT") } }
            return try Self.loadSnapshot(c, now: now, policy: policy, catchUp: catchUp, limit: limit)
        }
    }

    public func previewSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot {
        try transaction { c in
            try c.exec("SAVEPOINT relance_preview")
            defer { if c.isOK { _ = try? c.exec("ROLLBACK TO SAVEPOINT relance_preview") } }
            try Self.ingest(c, now: now, catchUp: catchUp)
            return try Self.loadSnapshot(c, now: now, policy: policy, catchUp: catchUp, limit: limit)
        }
    }

    /// Unprocessed requests per practitioner at `now`; rows changed after `now` (a replay) are re-judged by their timestamps.
    static func unprocessedCounts(_ c: PGConnection, now: Date, threshold: Int) throws -> [Int64: Int] {
        let nowText = PGText.param(now)
        var counts: [Int64: Int] = [:]
        for row in try c.exec("""
            SELECT practitioner_id, COUNT(*) FROM requests
            WHERE status IN ('new', 'read') AND handled_outside IS NULL AND created_at <= $1
            GROUP BY practitioner_id
            """, [nowText]).rows {
            if let p = row.int(0), let n = row.int(1) { counts[p, default: 0] += Int(n) }
        }
        for row in try c.exec("SELECT \(PGDecode.request.select("requests")) FROM requests WHERE updated_at > $1 AND created_at <= $1",
                              [nowText]).rows {
            guard let r = try? PGDecode.request(row) else { continue }
            let countedByStatus = (r.status == .new || r.status == .read) && r.handledOutside == nil
            let unprocessedThen = r.state(at: now).isUnprocessed
            if countedByStatus != unprocessedThen {
                counts[r.practitionerID, default: 0] += unprocessedThen ? 1 : -1
            }
        }
        return counts.filter { $0.value >= threshold }
    }

    static func loadPractices(_ c: PGConnection, ids: [Int64], region: HolidayRegion,
                              skipped: inout [SkippedRow]) throws -> [Int64: Practice] {
        var ignored: [Int64] = []
        return try loadPractices(c, ids: ids, region: region, skipped: &skipped, assistantsRead: &ignored)
    }

    /// Practitioners with their assistants and closures. A practitioner with an
    /// unreadable closure is left out (its calendar would be wrong), not guessed at;
    /// an unreadable assistant is left out of the audience.
    static func loadPractices(_ c: PGConnection, ids: [Int64], region: HolidayRegion,
                              skipped: inout [SkippedRow], assistantsRead: inout [Int64]) throws -> [Int64: Practice] {
        var practitioners: [Int64: Practitioner] = [:]
        let idArray = PGText.array(ids)
        for row in try c.exec("SELECT \(PGDecode.practitioner.select("practitioners")) FROM practitioners WHERE id = ANY($1::bigint[])",
                              [idArray]).rows {
            do throws(PGDecode.Problem) {
                let p = try PGDecode.practitioner(row)
                practitioners[p.id] = p
            } catch {
                skipped.append(DriverSupport.skippedRow(table: "practitioners", id: row.int(0), reason: error.reason))
            }
        }
        let valid = PGText.array(Array(practitioners.keys))
        var assistants: [Int64: [Assistant]] = [:]
        for row in try c.exec("""
            SELECT \(PGDecode.assistant.select("assistants")) FROM assistants WHERE practitioner_id = ANY($1::bigint[]) ORDER BY id
            """, [valid]).rows {
            do throws(PGDecode.Problem) {
                let a = try PGDecode.assistant(row)
                assistants[a.practitionerID, default: []].append(a)
                assistantsRead.append(a.id)
            } catch {
                skipped.append(DriverSupport.skippedRow(table: "assistants", id: row.int(0), reason: error.reason))
            }
        }
        var closures: [Int64: [Closure]] = [:]
        for row in try c.exec("""
            SELECT \(PGDecode.closure.select("closures")) FROM closures WHERE practitioner_id = ANY($1::bigint[])
            """, [valid]).rows {
            do throws(PGDecode.Problem) {
                let cl = try PGDecode.closure(row)
                closures[cl.practitionerID, default: []].append(cl)
            } catch {
                skipped.append(DriverSupport.skippedRow(table: "closures", id: row.int(0), reason: error.reason))
                if let id = row.int(0) { practitioners[id] = nil }
            }
        }
        return practitioners.mapValues {
            Practice(practitioner: $0, assistants: assistants[$0.id] ?? [], closures: closures[$0.id] ?? [], region: region)
        }
    }
}

extension PGResult {
    /// The first row's first column as a timestamp, nil without rows.
    var timestampIfAny: Date? { count > 0 ? timestamp(0, 0) : nil }
}
