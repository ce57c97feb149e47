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

    /// Rows committed late are caught by reading this far behind each cursor (keys make the overlap harmless).
    static let overlap: TimeInterval = 600

    public func ingestChangedRequests(now: Date, catchUp: TimeInterval) throws {
        try transaction { c in try Self.ingest(c, now: now, catchUp: catchUp) }
    }

    static func ingest(_ c: PGConnection, now: Date, catchUp: TimeInterval) throws {
        for (cursor, column) in [(Cursor.requestsCreated, "created_at"), (Cursor.requestsUpdated, "updated_at")] {
            let since = try Self.cursor(c, cursor, now: now, catchUp: catchUp)
            try c.exec("""
                INSERT INTO relance_schedule (request_id, due_at)
                SELECT id, \(column) FROM requests WHERE \(column) > $1 AND \(column) <= $2
                ON CONFLICT (request_id) DO UPDATE SET due_at = LEAST(relance_schedule.due_at, excluded.due_at)
                """, [PGText.param(since.addingTimeInterval(-overlap)), PGText.param(now)])
            try setCursor(c, cursor, now)
        }
    }

    static func cursor(_ c: PGConnection, _ name: String, now: Date, catchUp: TimeInterval) throws -> Date {
        let floor = now.addingTimeInterval(-catchUp)
        guard let value = try c.exec("SELECT value FROM relance_cursors WHERE name = $1", [name]).timestampIfAny else {
            return floor
        }
        return value > now ? floor : max(value, floor)
    }

    static func setCursor(_ c: PGConnection, _ name: String, _ value: Date) throws {
        try c.exec("""
            INSERT INTO relance_cursors (name, value) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET value = GREATEST(relance_cursors.value, excluded.value)
            """, [name, PGText.param(value)])
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

    static func loadSnapshot(_ c: PGConnection, now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot {
        var s = CycleSnapshot(now: now)
        let nowText = PGText.param(now)

        // Due requests (LEFT JOIN: a schedule entry whose request vanished is dropped).
        let due = try c.exec("""
            SELECT s.request_id, \(PGDecode.request.select("r")) FROM relance_schedule s
            LEFT JOIN requests r ON r.id = s.request_id
            WHERE s.due_at <= $1 ORDER BY s.due_at, s.request_id LIMIT $2
            """, [nowText, String(limit)])
        for row in due.rows {
            guard let scheduled = row.int(0) else { continue }
            guard row.int(1) != nil else { s.droppedSchedule.append(scheduled); continue }
            do throws(PGDecode.Problem) {
                let r = try PGDecode.request(row, offset: 1)
                s.dueRequests.append(r)
                s.requests[r.id] = r
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "requests", id: scheduled, reason: error.reason))
                s.droppedSchedule.append(scheduled)
            }
        }

        // Messages that became visible since the last cycle (never their body).
        let since = try cursor(c, Cursor.messagesVisible, now: now, catchUp: catchUp)
        let messages = try c.exec("""
            SELECT \(PGDecode.message.select("messages")) FROM messages
            WHERE COALESCE(deliver_at, created_at) > $1 AND COALESCE(deliver_at, created_at) <= $2
            ORDER BY COALESCE(deliver_at, created_at), id LIMIT $3
            """, [PGText.param(since.addingTimeInterval(-overlap)), nowText, String(limit)])
        for row in messages.rows {
            do throws(PGDecode.Problem) {
                s.messages.append(try PGDecode.message(row))
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "messages", id: row.int(0), reason: error.reason))
            }
        }
        let broken = Set(s.skipped.filter { $0.table == "requests" }.compactMap(\.id))
        let missing = Set(s.messages.map(\.requestID)).subtracting(s.requests.keys).subtracting(broken)
        for row in try c.exec("SELECT \(PGDecode.request.select("requests")) FROM requests WHERE id = ANY($1::bigint[])",
                              [PGText.array(Array(missing))]).rows {
            do throws(PGDecode.Problem) {
                let r = try PGDecode.request(row)
                s.requests[r.id] = r
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "requests", id: row.int(0), reason: error.reason))
            }
        }
        let messageRequests = Array(Set(s.messages.map(\.requestID)))
        var firstAt: [Int64: (Date, Int64)] = [:]
        for row in try c.exec("""
            SELECT request_id, id, created_at FROM messages WHERE author = 'patient' AND request_id = ANY($1::bigint[])
            """, [PGText.array(messageRequests)]).rows {
            guard let rid = row.int(0), let id = row.int(1), let at = row.timestamp(2) else { continue }
            if let current = firstAt[rid], (current.0, current.1) <= (at, id) { continue }
            firstAt[rid] = (at, id)
        }
        s.firstPatientMessage = firstAt.mapValues(\.1)

        // Digest: unprocessed requests per practitioner at `now`.
        if policy.digest.enabled {
            s.digestCounts = try unprocessedCounts(c, now: now, threshold: policy.digest.threshold)
            for row in try c.exec("""
                SELECT practitioner_id, MAX(decided_at) FROM relance_decisions
                WHERE rule = 'digest' AND practitioner_id = ANY($1::bigint[]) GROUP BY practitioner_id
                """, [PGText.array(Array(s.digestCounts.keys))]).rows {
                if let p = row.int(0), let t = row.timestamp(1) { s.lastDigest[p] = t }
            }
        }

        // Context for exactly these rows.
        let practitionerIDs = Set(s.requests.values.map(\.practitionerID)).union(s.digestCounts.keys)
        s.practices = try loadPractices(c, ids: Array(practitionerIDs), region: policy.region, skipped: &s.skipped)
        let patientIDs = Array(Set(s.requests.values.map(\.patientID)))
        for row in try c.exec("SELECT \(PGDecode.patient.select("patients")) FROM patients WHERE id = ANY($1::bigint[])",
                              [PGText.array(patientIDs)]).rows {
            do throws(PGDecode.Problem) {
                let p = try PGDecode.patient(row)
                s.patients[p.id] = p
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "patients", id: row.int(0), reason: error.reason))
            }
        }
        for row in try c.exec("SELECT practitioner_id, patient_id FROM blocked_patients WHERE patient_id = ANY($1::bigint[])",
                              [PGText.array(patientIDs)]).rows {
            if let p = row.int(0), let q = row.int(1) { s.blocked.insert(BlockedPair(practitionerID: p, patientID: q)) }
        }
        for row in try c.exec("""
            SELECT request_id, rule, decided_at FROM relance_decisions
            WHERE rule IN ('reminder', 'nearby_proposal') AND request_id = ANY($1::bigint[])
            """, [PGText.array(s.dueRequests.map(\.id))]).rows {
            guard let rid = row.int(0), let rule = row.text(1) else { continue }
            var h = s.history[rid] ?? RequestHistory()
            if rule == "reminder" { h.reminderSentAt = row.timestamp(2) }
            if rule == "nearby_proposal" { h.proposalSent = true }
            s.history[rid] = h
        }

        // Requests that reference a missing practitioner or patient break the contract.
        for r in s.requests.values {
            var reason: String?
            if s.practices[r.practitionerID] == nil { reason = "practitioner \(r.practitionerID) missing or invalid" }
            else if s.patients[r.patientID] == nil { reason = "patient \(r.patientID) missing or invalid" }
            guard let reason else { continue }
            s.skipped.append(DriverSupport.skippedRow(table: "requests", id: r.id, reason: reason))
            s.requests[r.id] = nil
        }
        s.dueRequests.removeAll { r in
            if s.requests[r.id] == nil { s.droppedSchedule.append(r.id); return true }
            return false
        }
        s.messages.removeAll { m in
            if s.requests[m.requestID] == nil {
                s.skipped.append(DriverSupport.skippedRow(table: "messages", id: m.id, reason: "request \(m.requestID) missing or invalid"))
                return true
            }
            return false
        }
        return s
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
