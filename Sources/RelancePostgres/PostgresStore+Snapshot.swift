import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    /// When a message becomes visible.
    static let visible = "COALESCE(deliver_at, created_at)"

    /// Reads a cycle's snapshot, with SQLite's semantics: a row that does not decode is
    /// skipped with its reason (logged once, retried each cycle), a due request that cannot
    /// be read stays scheduled, the message cursor resumes exactly where the last cycle stopped.
    static func loadSnapshot(_ c: PGConnection, now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot {
        var s = CycleSnapshot(now: now)
        let nowText = PGText.param(now)
        var retryMessages: [Int64] = []
        for row in try c.exec("SELECT table_name, row_key, reason FROM relance_skipped_rows").rows {
            guard let table = row.text(0), let key = row.text(1) else { continue }
            s.knownSkipped["\(table)#\(key)"] = row.text(2) ?? ""
            if table == "messages", let id = Int64(key) { retryMessages.append(id) }
        }

        // Due requests. One that cannot be read stays scheduled (retried later); one whose row is gone is dropped.
        let due = try c.exec("""
            SELECT s.request_id, \(PGDecode.request.select("r")) FROM relance_schedule s
            LEFT JOIN requests r ON r.id = s.request_id
            WHERE s.due_at <= $1 ORDER BY s.due_at, s.request_id LIMIT $2
            """, [nowText, String(limit)])
        s.morePending = due.count >= limit
        for row in due.rows {
            guard let scheduled = row.int(0) else { continue }
            guard row.int(1) != nil else { s.droppedSchedule.append(scheduled); continue }
            do throws(PGDecode.Problem) {
                let r = try PGDecode.request(row, offset: 1)
                s.dueRequests.append(r)
                s.requests[r.id] = r
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "requests", id: scheduled, reason: error.reason))
                s.retryLater.append(scheduled)
            }
        }

        // Messages that became visible since the last cycle (never their body), up to `limit`.
        let select = "SELECT \(PGDecode.message.select("messages")), \(visible) AS visible FROM messages"
        let visibleColumn = PGDecode.message.names.count
        let windowRows: [PGRow]
        let stored = try storedCursor(c, Cursor.messagesVisible)
        switch CursorPosition.window(stored: stored, now: now, catchUp: catchUp) {
        case .since(let t):
            // As SQLite's: of the overlap's rows read before, only those without a decision yet come back.
            let readUpTo = stored.flatMap { $0.afterID == nil && $0.value <= now ? $0.value : nil } ?? t
            windowRows = try c.exec("""
                \(select) WHERE \(visible) > $1 AND \(visible) <= $2 AND (\(visible) > $4 OR NOT EXISTS (
                    SELECT 1 FROM relance_decisions d WHERE d.key IN ('patient_message_alert:message:' || messages.id,
                                                                      'reply_alert:message:' || messages.id)))
                ORDER BY \(visible), id LIMIT $3
                """, [PGText.param(t), nowText, String(limit), PGText.param(readUpTo)]).rows
        case .after(let t, let id):
            windowRows = try c.exec("""
                \(select) WHERE (\(visible) > $1 OR (\(visible) = $1 AND id > $2::bigint)) AND \(visible) <= $3
                ORDER BY \(visible), id LIMIT $4
                """, [PGText.param(t), String(id), nowText, String(limit)]).rows
        }
        if windowRows.count >= limit,
           let last = windowRows.last(where: { $0.timestamp(visibleColumn) != nil && $0.int(0) != nil }),
           let at = last.timestamp(visibleColumn), let id = last.int(0) {
            // Stop exactly after the last row processed; the rest is the next cycle's.
            s.messageCursor = CursorPosition(value: at, afterID: id)
            s.morePending = true
        }
        var messageIDs = Set<Int64>()
        func take(_ row: PGRow) {
            do throws(PGDecode.Problem) {
                let m = try PGDecode.message(row)
                guard messageIDs.insert(m.id).inserted else { return }
                s.messages.append(m)
            } catch {
                s.skipped.append(DriverSupport.skippedRow(table: "messages", id: row.int(0), reason: error.reason))
            }
        }
        windowRows.forEach(take)
        // Earlier messages that could not be read (or whose request could not): tried again.
        var retried = Set<Int64>()
        for row in try c.exec("\(select) WHERE id = ANY($1::bigint[])",
                              [PGText.array(retryMessages.filter { !messageIDs.contains($0) })]).rows {
            if let id = row.int(0) { retried.insert(id) }
            if let at = row.timestamp(visibleColumn), at > now { continue }
            take(row)
        }
        s.recovered += retryMessages.filter { !retried.contains($0) && !messageIDs.contains($0) }.map { "messages#\($0)" }

        // The requests of these messages.
        let unreadableRequests = Set(s.skipped.filter { $0.table == "requests" }.compactMap(\.id))
        let missing = Set(s.messages.map(\.requestID)).subtracting(s.requests.keys).subtracting(unreadableRequests)
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
        s.alertMemory = try alertMemory(c, requests: messageRequests)

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
        var assistantsRead: [Int64] = []
        s.practices = try loadPractices(c, ids: Array(practitionerIDs), region: policy.region,
                                        skipped: &s.skipped, assistantsRead: &assistantsRead)
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

        s.settleReferences(messageIDs: Set(messageIDs), assistantsRead: Set(assistantsRead))
        return s
    }

    /// For each request, per alert rule: when the last alert that went out was decided, and how many were held back since.
    static func alertMemory(_ c: PGConnection, requests: [Int64]) throws -> [AlertCoalescing.Key: AlertCoalescing.Memory] {
        guard !requests.isEmpty else { return [:] }
        var memory: [AlertCoalescing.Key: AlertCoalescing.Memory] = [:]
        for row in try c.exec("""
            SELECT d.request_id, d.rule, MAX(d.decided_at) AS last,
                (SELECT COUNT(*) FROM relance_decisions h WHERE h.request_id = d.request_id AND h.rule = d.rule
                    AND h.reason = $2 AND h.decided_at >= MAX(d.decided_at)) AS held
            FROM relance_decisions d
            WHERE d.rule IN ('patient_message_alert', 'reply_alert')
              AND (d.reason IS NULL OR d.reason NOT IN ($2, $3))
              AND d.request_id = ANY($1::bigint[])
            GROUP BY d.request_id, d.rule
            """, [PGText.array(requests), AlertCoalescing.coalescedReason, MessageRules.tooOldReason]).rows {
            guard let id = row.int(0), let rule = RuleName(rawValue: row.text(1) ?? ""), let last = row.timestamp(2) else { continue }
            memory[AlertCoalescing.Key(requestID: id, rule: rule)] = AlertCoalescing.Memory(lastSentAt: last, held: Int(row.int(3) ?? 0))
        }
        return memory
    }
}
