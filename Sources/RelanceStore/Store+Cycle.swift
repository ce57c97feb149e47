import Foundation
import GRDB
import RelanceCore

extension SQLiteStore {
    /// Cursor names in `relance_cursors`.
    enum Cursor {
        static let requestsCreated = "requests.created_at"
        static let requestsUpdated = "requests.updated_at"
        static let messagesVisible = "messages.visible_at"
    }

    /// Rows committed late (a platform transaction that took its timestamp
    /// before our last cycle but committed after) are caught by reading this
    /// far behind each cursor; idempotency keys make the overlap harmless.
    static let overlap: TimeInterval = 600

    /// Step 1 of a cycle: puts requests created or changed since the last cycle
    /// into the schedule, due at once. Pure SQL through the created/updated indexes.
    public func ingestChangedRequests(now: Date, catchUp: TimeInterval) throws {
        try pool.write { db in try Self.ingestChangedRequests(db, now: now, catchUp: catchUp) }
    }

    static func ingestChangedRequests(_ db: Database, now: Date, catchUp: TimeInterval) throws {
        let nowText = Timestamp.format(now)
        do {
            for (cursor, column) in [(Cursor.requestsCreated, "created_at"), (Cursor.requestsUpdated, "updated_at")] {
                let since = try Self.cursor(db, cursor, now: now, catchUp: catchUp)
                try db.execute(sql: """
                    INSERT INTO relance_schedule (request_id, due_at)
                    SELECT id, \(column) FROM requests
                    WHERE \(column) > ? AND \(column) <= ? AND \(column) GLOB '[0-9]*'
                    ON CONFLICT (request_id) DO UPDATE SET due_at = min(due_at, excluded.due_at)
                    """, arguments: [Timestamp.format(since.addingTimeInterval(-Self.overlap)), nowText])
                try Self.setCursor(db, cursor, now)
            }
        }
    }

    static func cursor(_ db: Database, _ name: String, now: Date, catchUp: TimeInterval) throws -> Date {
        let floor = now.addingTimeInterval(-catchUp)
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM relance_cursors WHERE name = ?", arguments: [name]),
              let value = Timestamp.parse(text) else { return floor }
        // A replay at an earlier `now` reads from its own catch-up window.
        return value > now ? floor : max(value, floor)
    }

    static func setCursor(_ db: Database, _ name: String, _ value: Date) throws {
        try db.execute(sql: """
            INSERT INTO relance_cursors (name, value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)
            """, arguments: [name, Timestamp.format(value)])
    }

    /// Step 2: reads what the rules need for this cycle.
    public func loadSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int = 50_000) throws -> CycleSnapshot {
        try pool.read { db in try Self.loadSnapshot(db, now: now, policy: policy, catchUp: catchUp, limit: limit) }
    }

    /// What a cycle at `now` would see, changing nothing: the ingest step runs in a
    /// transaction that is rolled back (for `tick --dry-run`).
    public func previewSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int = 50_000) throws -> CycleSnapshot {
        var snapshot: CycleSnapshot?
        try pool.writeWithoutTransaction { db in
            try db.inTransaction {
                try Self.ingestChangedRequests(db, now: now, catchUp: catchUp)
                snapshot = try Self.loadSnapshot(db, now: now, policy: policy, catchUp: catchUp, limit: limit)
                return .rollback
            }
        }
        guard let snapshot else { throw DatabaseError(message: "dry run: no snapshot") }
        return snapshot
    }

    static func loadSnapshot(_ db: Database, now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot {
        do {
            var s = CycleSnapshot(now: now)
            let nowText = Timestamp.format(now)

            // Due requests (LEFT JOIN: a schedule entry whose request vanished is dropped).
            let due = try Row.fetchAll(db, sql: """
                SELECT s.request_id AS scheduled_id, \(RowDecoder.requestColumns.select("r")) FROM relance_schedule s
                LEFT JOIN requests r ON r.id = s.request_id
                WHERE s.due_at <= ? ORDER BY s.due_at LIMIT ?
                """, arguments: [nowText, limit])
            for row in due {
                let scheduled: Int64 = row["scheduled_id"]
                guard (row[1] as Int64?) != nil else { s.droppedSchedule.append(scheduled); continue }
                do throws(RowDecoder.Problem) {
                    let r = try RowDecoder.request(row, offset: 1)
                    s.dueRequests.append(r)
                    s.requests[r.id] = r
                } catch {
                    s.skipped.append(SkippedRow(table: "requests", id: scheduled, reason: error.reason))
                    s.droppedSchedule.append(scheduled)
                }
            }

            // Messages that became visible since the last cycle (never their body).
            let since = try Self.cursor(db, Cursor.messagesVisible, now: now, catchUp: catchUp)
            let messageRows = try Row.fetchAll(db, sql: """
                SELECT \(RowDecoder.messageColumns.select("messages")) FROM messages
                WHERE COALESCE(deliver_at, created_at) > ? AND COALESCE(deliver_at, created_at) <= ?
                ORDER BY COALESCE(deliver_at, created_at), id LIMIT ?
                """, arguments: [Timestamp.format(since.addingTimeInterval(-Self.overlap)), nowText, limit])
            for row in messageRows {
                do throws(RowDecoder.Problem) {
                    s.messages.append(try RowDecoder.message(row))
                } catch {
                    s.skipped.append(SkippedRow(table: "messages", id: row["id"], reason: error.reason))
                }
            }
            let broken = Set(s.skipped.filter { $0.table == "requests" }.compactMap(\.id))
            let missing = Set(s.messages.map(\.requestID)).subtracting(s.requests.keys).subtracting(broken)
            for row in try Self.fetchIn(db, "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE id IN", Array(missing)) {
                do throws(RowDecoder.Problem) {
                    let r = try RowDecoder.request(row)
                    s.requests[r.id] = r
                } catch {
                    s.skipped.append(SkippedRow(table: "requests", id: row["id"], reason: error.reason))
                }
            }
            let messageRequests = Array(Set(s.messages.map(\.requestID)))
            var firstAt: [Int64: (Date, Int64)] = [:]
            for row in try Self.fetchIn(db, "SELECT request_id, id, created_at FROM messages WHERE author = 'patient' AND request_id IN", messageRequests) {
                guard let rid: Int64 = row["request_id"], let id: Int64 = row["id"],
                      let at = Timestamp.parse((row["created_at"] as String?) ?? "") else { continue }
                if let current = firstAt[rid], (current.0, current.1) <= (at, id) { continue }
                firstAt[rid] = (at, id)
            }
            s.firstPatientMessage = firstAt.mapValues(\.1)

            // Digest: unprocessed requests per practitioner at `now`.
            if policy.digest.enabled {
                s.digestCounts = try Self.unprocessedCounts(db, now: now, threshold: policy.digest.threshold)
                for row in try Self.fetchIn(db, """
                    SELECT practitioner_id, MAX(decided_at) AS last FROM relance_decisions
                    WHERE rule = 'digest' AND practitioner_id IN
                    """, Array(s.digestCounts.keys), suffix: "GROUP BY practitioner_id") {
                    if let p: Int64 = row["practitioner_id"], let t = Timestamp.parse((row["last"] as String?) ?? "") {
                        s.lastDigest[p] = t
                    }
                }
            }

            // Context for exactly these rows.
            let practitionerIDs = Set(s.requests.values.map(\.practitionerID)).union(s.digestCounts.keys)
            s.practices = try Self.loadPractices(db, ids: Array(practitionerIDs), region: policy.region, skipped: &s.skipped)
            let patientIDs = Array(Set(s.requests.values.map(\.patientID)))
            for row in try Self.fetchIn(db, "SELECT \(RowDecoder.patientColumns.select("patients")) FROM patients WHERE id IN", patientIDs) {
                do throws(RowDecoder.Problem) {
                    let p = try RowDecoder.patient(row)
                    s.patients[p.id] = p
                } catch {
                    s.skipped.append(SkippedRow(table: "patients", id: row["id"], reason: error.reason))
                }
            }
            for row in try Self.fetchIn(db, "SELECT practitioner_id, patient_id FROM blocked_patients WHERE patient_id IN", patientIDs) {
                if let p: Int64 = row["practitioner_id"], let q: Int64 = row["patient_id"] {
                    s.blocked.insert(BlockedPair(practitionerID: p, patientID: q))
                }
            }
            let dueIDs = s.dueRequests.map(\.id)
            for row in try Self.fetchIn(db, """
                SELECT request_id, rule, decided_at FROM relance_decisions
                WHERE rule IN ('reminder', 'nearby_proposal') AND request_id IN
                """, dueIDs) {
                guard let rid: Int64 = row["request_id"], let rule: String = row["rule"] else { continue }
                var h = s.history[rid] ?? RequestHistory()
                if rule == "reminder" { h.reminderSentAt = Timestamp.parse((row["decided_at"] as String?) ?? "") }
                if rule == "nearby_proposal" { h.proposalSent = true }
                s.history[rid] = h
            }

            // Requests that reference a missing practitioner or patient break the contract.
            for r in s.requests.values {
                var reason: String?
                if s.practices[r.practitionerID] == nil { reason = "practitioner \(r.practitionerID) missing or invalid" }
                else if s.patients[r.patientID] == nil { reason = "patient \(r.patientID) missing or invalid" }
                guard let reason else { continue }
                s.skipped.append(SkippedRow(table: "requests", id: r.id, reason: reason))
                s.requests[r.id] = nil
            }
            s.dueRequests.removeAll { r in
                if s.requests[r.id] == nil { s.droppedSchedule.append(r.id); return true }
                return false
            }
            s.messages.removeAll { m in
                if s.requests[m.requestID] == nil {
                    s.skipped.append(SkippedRow(table: "messages", id: m.id, reason: "request \(m.requestID) missing or invalid"))
                    return true
                }
                return false
            }
            return s
        }
    }

    /// Unprocessed requests per practitioner at `now`, through the partial
    /// index; rows changed after `now` (a replay) are re-judged by their timestamps.
    static func unprocessedCounts(_ db: Database, now: Date, threshold: Int) throws -> [Int64: Int] {
        let nowText = Timestamp.format(now)
        var counts: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT practitioner_id, COUNT(*) AS n FROM requests
            WHERE status IN ('new', 'read') AND handled_outside IS NULL AND created_at <= ?
            GROUP BY practitioner_id
            """, arguments: [nowText]) {
            counts[row["practitioner_id"], default: 0] += row["n"] as Int
        }
        for row in try Row.fetchAll(db, sql: "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE updated_at > ? AND created_at <= ?",
                                    arguments: [nowText, nowText]) {
            guard let r = try? RowDecoder.request(row) else { continue }
            let countedByStatus = (r.status == .new || r.status == .read) && r.handledOutside == nil
            let unprocessedThen = r.state(at: now).isUnprocessed
            if countedByStatus != unprocessedThen {
                counts[r.practitionerID, default: 0] += unprocessedThen ? 1 : -1
            }
        }
        return counts.filter { $0.value >= threshold }
    }

    static func loadPractices(_ db: Database, ids: [Int64], region: HolidayRegion,
                              skipped: inout [SkippedRow]) throws -> [Int64: Practice] {
        var practitioners: [Int64: Practitioner] = [:]
        for row in try fetchIn(db, "SELECT \(RowDecoder.practitionerColumns.select("practitioners")) FROM practitioners WHERE id IN", ids) {
            do throws(RowDecoder.Problem) {
                let p = try RowDecoder.practitioner(row)
                practitioners[p.id] = p
            } catch {
                skipped.append(SkippedRow(table: "practitioners", id: row["id"], reason: error.reason))
            }
        }
        var assistants: [Int64: [Assistant]] = [:]
        for row in try fetchIn(db, "SELECT \(RowDecoder.assistantColumns.select("assistants")) FROM assistants WHERE practitioner_id IN", Array(practitioners.keys), suffix: "ORDER BY id") {
            do throws(RowDecoder.Problem) {
                let a = try RowDecoder.assistant(row)
                assistants[a.practitionerID, default: []].append(a)
            } catch {
                skipped.append(SkippedRow(table: "assistants", id: row["id"], reason: error.reason))
            }
        }
        var closures: [Int64: [Closure]] = [:]
        for row in try fetchIn(db, "SELECT \(RowDecoder.closureColumns.select("closures")) FROM closures WHERE practitioner_id IN", Array(practitioners.keys)) {
            do throws(RowDecoder.Problem) {
                let c = try RowDecoder.closure(row)
                closures[c.practitionerID, default: []].append(c)
            } catch {
                skipped.append(SkippedRow(table: "closures", id: row["practitioner_id"], reason: error.reason))
            }
        }
        return practitioners.mapValues {
            Practice(practitioner: $0, assistants: assistants[$0.id] ?? [], closures: closures[$0.id] ?? [], region: region)
        }
    }

    /// `sql` ending in `IN`, run over `ids` in chunks (SQLite bounds host parameters).
    static func fetchIn(_ db: Database, _ sql: String, _ ids: [Int64], suffix: String = "") throws -> [Row] {
        var rows: [Row] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            rows += try Row.fetchAll(db, sql: "\(sql) (\(marks)) \(suffix)", arguments: StatementArguments(chunk))
            start += chunk.count
        }
        return rows
    }
}
