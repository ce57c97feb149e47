import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    public func requestFile(_ id: Int64, region: HolidayRegion) throws -> RequestFile {
        let idText = String(id)
        let (file, skipped) = try transaction { c -> (RequestFile?, [SkippedRow]) in
            let rows = try c.exec("SELECT \(PGDecode.request.select("requests")) FROM requests WHERE id = $1", [idText]).rows
            guard let row = rows.first else { return (nil, []) }
            let r: Request
            do throws(PGDecode.Problem) { r = try PGDecode.request(row) } catch {
                return (nil, [DriverSupport.skippedRow(table: "requests", id: id, reason: error.reason)])
            }
            var skipped: [SkippedRow] = []
            guard let practice = try Self.loadPractices(c, ids: [r.practitionerID], region: region, skipped: &skipped)[r.practitionerID] else {
                return (nil, skipped + [DriverSupport.skippedRow(table: "requests", id: id, reason: "practitioner \(r.practitionerID) missing or invalid")])
            }
            let messages = try c.exec("""
                SELECT \(PGDecode.message.select("messages")) FROM messages WHERE request_id = $1 ORDER BY created_at, id
                """, [idText]).rows.compactMap { try? PGDecode.message($0) }
            let patient = try c.exec("SELECT \(PGDecode.patient.select("patients")) FROM patients WHERE id = $1",
                                     [String(r.patientID)]).rows.first.flatMap { try? PGDecode.patient($0) }
            let blocked = try c.exec("""
                SELECT EXISTS (SELECT 1 FROM blocked_patients WHERE practitioner_id = $1 AND patient_id = $2)
                """, [String(r.practitionerID), String(r.patientID)]).bool(0, 0) ?? false
            var history = RequestHistory()
            var decisions: [(key: String, rule: String, reason: String?, decidedAt: String)] = []
            for d in try c.exec("""
                SELECT key, rule, reason, decided_at FROM relance_decisions WHERE request_id = $1 ORDER BY decided_at, key
                """, [idText]).rows {
                guard let key = d.text(0), let rule = d.text(1), let at = d.timestamp(3) else { continue }
                if rule == RuleName.reminder.rawValue { history.reminderSentAt = at }
                if rule == RuleName.nearbyProposal.rawValue { history.proposalSent = true }
                decisions.append((key, rule, d.text(2), Timestamp.format(at)))
            }
            let scheduled = try c.exec("SELECT due_at FROM relance_schedule WHERE request_id = $1", [idText]).timestampIfAny
            let cursor = try c.exec("SELECT value FROM relance_cursors WHERE name = $1", [Cursor.messagesVisible]).timestampIfAny
            return (DriverSupport.requestFile(request: r, messages: messages, practice: practice, patient: patient, blocked: blocked,
                                              history: history, decisions: decisions, scheduledAt: scheduled,
                                              messagesCursor: cursor), skipped)
        }
        guard var file else {
            throw StoreNotFound(what: skipped.first.map { "request \(id): \($0.reason)" } ?? "no request \(id) in the store")
        }
        file.outbox = try outbox(forRequest: id)
        return file
    }

    public func requests(createdSince since: Date, until now: Date) throws -> [Request] {
        try query("SELECT \(PGDecode.request.select("requests")) FROM requests WHERE created_at >= $1 AND created_at <= $2 ORDER BY id",
                  [PGText.param(since), PGText.param(now)]).rows.compactMap { try? PGDecode.request($0) }
    }

    public func practitionerNames(_ ids: [Int64]) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try query("SELECT id, display_name FROM practitioners WHERE id = ANY($1::bigint[])", [PGText.array(ids)]).rows {
            if let id = row.int(0), let name = row.text(1) { names[id] = name }
        }
        return names
    }

    public func outboxDepth() throws -> OutboxDepth {
        try withConnection { c in try Self.outboxDepth(c) }
    }

    static func outboxDepth(_ c: PGConnection) throws -> OutboxDepth {
        var depth = OutboxDepth()
        for row in try c.exec("""
            SELECT CASE WHEN state = 'pending' AND attempts > 0 THEN 'deferred' ELSE state END AS kind, COUNT(*)
            FROM relance_outbox WHERE state IN ('pending', 'dead') GROUP BY kind
            """).rows {
            let n = Int(row.int(1) ?? 0)
            switch row.text(0) {
            case "pending": depth.pending = n
            case "deferred": depth.deferred = n
            case "dead": depth.dead = n
            default: break
            }
        }
        depth.oldestPendingSince = try c.exec("SELECT MIN(created_at) FROM relance_outbox WHERE state = 'pending'").timestampIfAny
        return depth
    }

    public func status(since: Date) throws -> StoreStatus {
        let sinceText = PGText.param(since)
        return try transaction { c in
            var s = DriverSupport.emptyStatus()
            if let row = try c.exec("""
                SELECT now, started_at, duration_ms, decisions, skipped FROM relance_cycles ORDER BY id DESC LIMIT 1
                """).rows.first, let now = row.timestamp(0), let started = row.timestamp(1) {
                s.lastCycle = DriverSupport.lastCycle(now: now, startedAt: started, durationMs: row.double(2) ?? 0,
                                    decisions: Int(row.int(3) ?? 0), skipped: Int(row.int(4) ?? 0))
            }
            for row in try c.exec("SELECT rule, COUNT(*) FROM relance_decisions WHERE decided_at >= $1 GROUP BY rule",
                                  [sinceText]).rows {
                if let rule = RuleName(rawValue: row.text(0) ?? "") { s.decisionsByRule[rule] = Int(row.int(1) ?? 0) }
            }
            for row in try c.exec("""
                SELECT d.rule, COUNT(*) FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                WHERE o.state = 'sent' AND o.sent_at >= $1 GROUP BY d.rule
                """, [sinceText]).rows {
                if let rule = RuleName(rawValue: row.text(0) ?? "") { s.sentByRule[rule] = Int(row.int(1) ?? 0) }
            }
            for row in try c.exec("""
                SELECT reason, COUNT(*) FROM relance_decisions WHERE decided_at >= $1 AND reason IN ($2, $3) GROUP BY reason
                """, [sinceText, MessageRules.tooOldReason, AlertCoalescing.coalescedReason]).rows {
                if let reason = row.text(0) { s.notSent[reason] = Int(row.int(1) ?? 0) }
            }
            for row in try c.exec("SELECT table_name, COUNT(*) FROM relance_skipped_rows GROUP BY table_name").rows {
                if let table = row.text(0) { s.skippedRows[table] = Int(row.int(1) ?? 0) }
            }
            s.outbox = try Self.outboxDepth(c)
            return s
        }
    }

    public func nearbyCandidates(around origin: Practitioner, procedure: String?, radiusKm: Double,
                                 region: HolidayRegion) throws -> [NearbySearch.Candidate] {
        guard let center = origin.coordinate else { return [] }
        let box = NearbySearch.boundingBox(around: center, radiusKm: radiusKm)
        return try transaction { c in
            var sql = """
                SELECT p.id FROM practitioners p
                WHERE p.profile = 'complete' AND p.messaging_open
                  AND p.latitude BETWEEN $1 AND $2 AND p.longitude BETWEEN $3 AND $4 AND p.id <> $5
                """
            var params: [String?] = ["\(box.latitude.lowerBound)", "\(box.latitude.upperBound)",
                                     "\(box.longitude.lowerBound)", "\(box.longitude.upperBound)", String(origin.id)]
            if let procedure {
                sql += " AND EXISTS (SELECT 1 FROM practitioner_procedures pp WHERE pp.practitioner_id = p.id AND pp.procedure = $6)"
                params.append(procedure)
            }
            let ids = try c.exec(sql + " ORDER BY p.latitude, p.longitude, p.id", params).rows.compactMap { $0.int(0) }
            var skipped: [SkippedRow] = []
            let practices = try Self.loadPractices(c, ids: ids, region: region, skipped: &skipped)
            var procedures: [Int64: Set<String>] = [:]
            for row in try c.exec("SELECT practitioner_id, procedure FROM practitioner_procedures WHERE practitioner_id = ANY($1::bigint[])",
                                  [PGText.array(ids)]).rows {
                if let p = row.int(0), let name = row.text(1) { procedures[p, default: []].insert(name) }
            }
            return ids.compactMap { id in
                practices[id].map { NearbySearch.Candidate(practice: $0, procedures: procedures[id] ?? []) }
            }
        }
    }
}
