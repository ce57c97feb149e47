import Foundation
import GRDB
import RelanceCore

extension SQLiteStore {
    static let messageWindowColumns = RowDecoder.Columns(RowDecoder.messageColumns.names + ["visible"])

    /// Reads a cycle's snapshot. Every platform value goes through `PlatformRow`'s
    /// checks: a row that does not decode is skipped with its reason, and the rest is read.
    static func loadSnapshot(_ db: Database, now: Date, policy: Policy, catchUp: TimeInterval, limit: Int,
                             extraDue: [Int64] = []) throws -> CycleSnapshot {
        var s = CycleSnapshot(now: now)
        let nowText = Timestamp.format(now)
        var retryMessages: [Int64] = []
        for row in try platformRows(db, RowDecoder.Columns(["table_name", "row_key", "reason"]),
                                    sql: "SELECT table_name, row_key, reason FROM relance_skipped_rows") {
            guard let table = try? row.text("table_name"), let key = try? row.text("row_key") else { continue }
            s.knownSkipped["\(table)#\(key)"] = (try? row.text("reason")) ?? ""
            if table == "messages", let id = Int64(key) { retryMessages.append(id) }
        }

        // Due requests. One that cannot be read stays scheduled (retried later); one whose row is gone is dropped.
        let scheduled = try int64s(db, sql: "SELECT request_id FROM relance_schedule WHERE due_at <= ? ORDER BY due_at, request_id LIMIT ?",
                                   arguments: [nowText, limit])
        s.morePending = scheduled.count >= limit
        var dueIDs: [Int64] = []
        var seenDue = Set<Int64>()
        for id in scheduled + extraDue where seenDue.insert(id).inserted { dueIDs.append(id) }
        var found = Set<Int64>()
        for row in try platformRowsIn(db, RowDecoder.requestColumns,
                                      "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE id IN", dueIDs) {
            guard let id = try? row.int64("id") else { continue }
            found.insert(id)
            do throws(Problem) {
                let r = try RowDecoder.request(row)
                s.dueRequests.append(r)
                s.requests[r.id] = r
            } catch {
                s.skipped.append(SkippedRow(table: "requests", id: id, error))
                s.retryLater.append(id)
            }
        }
        s.droppedSchedule = dueIDs.filter { !found.contains($0) }
        // In schedule order (due time, then id), whatever order the chunked reads returned: both engines decide alike.
        let position = Dictionary(uniqueKeysWithValues: dueIDs.enumerated().map { ($1, $0) })
        s.dueRequests.sort { position[$0.id, default: 0] < position[$1.id, default: 0] }

        // Messages that became visible since the last cycle (never their body), up to `limit`.
        let stored = try storedCursor(db, Cursor.messagesVisible)
        let window = CursorPosition.window(stored: stored, now: now, catchUp: catchUp)
        let select = "SELECT \(RowDecoder.messageColumns.select("messages")), \(visible) AS visible FROM messages"
        let windowRows: [PlatformRow]
        switch window {
        case .since(let t):
            // The overlap behind a completed cursor is there for rows committed late: of the rows
            // read before, only those without a decision yet come back. Re-reading all of them
            // made every cycle decide the last 10 minutes again (at 50 messages/s, 30,000 rows a
            // cycle: its time and memory grew with the traffic, not with the new work).
            let readUpTo = stored.flatMap { $0.afterID == nil && $0.value <= now ? $0.value : nil } ?? t
            windowRows = try platformRows(db, messageWindowColumns, sql: """
                \(select) WHERE \(visible) > ? AND \(visible) <= ? AND (\(visible) > ? OR NOT EXISTS (\(Self.messageDecided)))
                ORDER BY \(visible), id LIMIT ?
                """, arguments: [Timestamp.format(t), nowText, Timestamp.format(readUpTo), limit])
        case .after(let t, let id):
            let tText = Timestamp.format(t)
            windowRows = try platformRows(db, messageWindowColumns, sql: """
                \(select) WHERE (\(visible) > ? OR (\(visible) = ? AND id > ?)) AND \(visible) <= ?
                ORDER BY \(visible), id LIMIT ?
                """, arguments: [tText, tText, id, nowText, limit])
        }
        if windowRows.count >= limit {
            // Stop exactly after the last row whose position can be written; the rest is the next cycle's.
            if let last = windowRows.last(where: { !isUnreadableTimestamp($0.value("visible")) && $0.id != nil }),
               let at = try? last.timestamp("visible"), let id = last.id {
                s.messageCursor = CursorPosition(value: at, afterID: id)
                s.morePending = true
            }
        }
        var messageIDs = Set<Int64>()
        func take(_ row: PlatformRow) {
            do throws(Problem) {
                let m = try RowDecoder.message(row)
                guard messageIDs.insert(m.id).inserted else { return }
                s.messages.append(m)
            } catch {
                s.skipped.append(SkippedRow(table: "messages", id: row.id, error))
            }
        }
        windowRows.forEach(take)
        // Earlier messages that could not be read (or whose request could not): tried again.
        var retried = Set<Int64>()
        for row in try platformRowsIn(db, messageWindowColumns, "\(select) WHERE id IN", retryMessages.filter { !messageIDs.contains($0) }) {
            if let id = row.id { retried.insert(id) }
            if case .text(let v) = row.value("visible"), let at = Timestamp.parse(v), at > now { continue }
            take(row)
        }
        s.recovered += retryMessages.filter { !retried.contains($0) && !messageIDs.contains($0) }.map { "messages#\($0)" }
        // Messages whose timestamps cannot be read would never enter a window, or never leave
        // one: reported here (a partial index holds them; impossible instants sort after `now`).
        let unreadable = try platformRows(db, messageWindowColumns, sql: """
            \(select) WHERE \(UnreadableTimestamps.messages) LIMIT 10000
            """) + platformRows(db, messageWindowColumns, sql: "\(select) WHERE \(visible) > ?", arguments: [nowText])
            .filter { isUnreadableTimestamp($0.value("visible")) }
        for row in unreadable {
            if let id = row.id, messageIDs.contains(id) || retried.contains(id) { continue }
            take(row)
        }

        // The requests of these messages.
        let unreadableRequests = Set(s.skipped.filter { $0.table == "requests" }.compactMap(\.id))
        let missing = Set(s.messages.map(\.requestID)).subtracting(s.requests.keys).subtracting(unreadableRequests)
        for row in try platformRowsIn(db, RowDecoder.requestColumns,
                                      "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE id IN", Array(missing)) {
            do throws(Problem) {
                let r = try RowDecoder.request(row)
                s.requests[r.id] = r
            } catch {
                s.skipped.append(SkippedRow(table: "requests", id: row.id, error))
            }
        }
        let messageRequests = Array(Set(s.messages.map(\.requestID)))
        var firstAt: [Int64: (Date, Int64)] = [:]
        for row in try platformRowsIn(db, RowDecoder.Columns(["request_id", "id", "created_at"]),
                                      "SELECT request_id, id, created_at FROM messages WHERE author = 'patient' AND request_id IN",
                                      messageRequests) {
            guard let rid = try? row.int64("request_id"), let id = try? row.int64("id"),
                  let at = try? row.timestamp("created_at") else { continue }
            if let current = firstAt[rid], (current.0, current.1) <= (at, id) { continue }
            firstAt[rid] = (at, id)
        }
        s.firstPatientMessage = firstAt.mapValues(\.1)
        s.alertMemory = try alertMemory(db, requests: messageRequests)

        // Digest: unprocessed requests per practitioner at `now`.
        if policy.digest.enabled {
            s.digestCounts = try Self.unprocessedCounts(db, now: now, threshold: policy.digest.threshold)
            for row in try platformRowsIn(db, RowDecoder.Columns(["practitioner_id", "last"]), """
                SELECT practitioner_id, MAX(decided_at) AS last FROM relance_decisions
                WHERE rule = 'digest' AND practitioner_id IN
                """, Array(s.digestCounts.keys), suffix: "GROUP BY practitioner_id") {
                if let p = try? row.int64("practitioner_id"), let t = try? row.timestamp("last") { s.lastDigest[p] = t }
            }
        }

        // Context for exactly these rows.
        let practitionerIDs = Set(s.requests.values.map(\.practitionerID)).union(s.digestCounts.keys)
        var assistantsRead: [Int64] = []
        s.practices = try Self.loadPractices(db, ids: Array(practitionerIDs), region: policy.region,
                                             skipped: &s.skipped, assistantsRead: &assistantsRead)
        let patientIDs = Array(Set(s.requests.values.map(\.patientID)))
        for row in try platformRowsIn(db, RowDecoder.patientColumns,
                                      "SELECT \(RowDecoder.patientColumns.select("patients")) FROM patients WHERE id IN", patientIDs) {
            do throws(Problem) {
                let p = try RowDecoder.patient(row)
                s.patients[p.id] = p
            } catch {
                s.skipped.append(SkippedRow(table: "patients", id: row.id, error))
            }
        }
        for row in try platformRowsIn(db, RowDecoder.Columns(["practitioner_id", "patient_id"]),
                                      "SELECT practitioner_id, patient_id FROM blocked_patients WHERE patient_id IN", patientIDs) {
            if let p = try? row.int64("practitioner_id"), let q = try? row.int64("patient_id") {
                s.blocked.insert(BlockedPair(practitionerID: p, patientID: q))
            }
        }
        for row in try platformRowsIn(db, RowDecoder.Columns(["request_id", "rule", "decided_at"]), """
            SELECT request_id, rule, decided_at FROM relance_decisions
            WHERE rule IN ('reminder', 'nearby_proposal') AND request_id IN
            """, s.dueRequests.map(\.id)) {
            guard let rid = try? row.int64("request_id"), let rule = try? row.text("rule") else { continue }
            var h = s.history[rid] ?? RequestHistory()
            if rule == "reminder" { h.reminderSentAt = try? row.timestamp("decided_at") }
            if rule == "nearby_proposal" { h.proposalSent = true }
            s.history[rid] = h
        }

        s.settleReferences(messageIDs: messageIDs, assistantsRead: Set(assistantsRead))
        return s
    }

    /// A message whose rules were already applied: its alert or reply alert is recorded (sent, coalesced
    /// or too old; a message's decisions are recorded in one transaction). Two probes of the key index.
    /// A message that recorded none (rule off, digest-only practitioner, blocked patient) is read
    /// again within the overlap, and decides nothing again.
    static let messageDecided = """
        SELECT 1 FROM relance_decisions WHERE key IN ('\(RuleName.patientMessageAlert.rawValue):message:' || messages.id,
                                                       '\(RuleName.replyAlert.rawValue):message:' || messages.id)
        """

    /// For each request, per alert rule: when the last alert that went out was decided, and how many were held back since.
    static func alertMemory(_ db: Database, requests: [Int64]) throws -> [AlertCoalescing.Key: AlertCoalescing.Memory] {
        var memory: [AlertCoalescing.Key: AlertCoalescing.Memory] = [:]
        let columns = RowDecoder.Columns(["request_id", "rule", "last", "held"])
        for row in try platformRowsIn(db, columns, """
            SELECT d.request_id, d.rule, MAX(d.decided_at) AS last,
                (SELECT COUNT(*) FROM relance_decisions h WHERE h.request_id = d.request_id AND h.rule = d.rule
                    AND h.reason = '\(AlertCoalescing.coalescedReason)' AND h.decided_at >= MAX(d.decided_at)) AS held
            FROM relance_decisions d
            WHERE d.rule IN ('patient_message_alert', 'reply_alert')
              AND (d.reason IS NULL OR d.reason NOT IN ('\(AlertCoalescing.coalescedReason)', '\(MessageRules.tooOldReason)'))
              AND d.request_id IN
            """, requests, suffix: "GROUP BY d.request_id, d.rule") {
            guard let id = try? row.int64("request_id"), let rule = RuleName(rawValue: (try? row.text("rule")) ?? ""),
                  let last = try? row.timestamp("last") else { continue }
            memory[AlertCoalescing.Key(requestID: id, rule: rule)] =
                AlertCoalescing.Memory(lastSentAt: last, held: Int((try? row.int64("held")) ?? 0))
        }
        return memory
    }

    /// Unprocessed requests per practitioner at `now`, through the partial
    /// index; rows changed after `now` (a replay) are re-judged by their timestamps.
    static func unprocessedCounts(_ db: Database, now: Date, threshold: Int) throws -> [Int64: Int] {
        let nowText = Timestamp.format(now)
        var counts: [Int64: Int] = [:]
        for row in try platformRows(db, RowDecoder.Columns(["practitioner_id", "n"]), sql: """
            SELECT practitioner_id, COUNT(*) AS n FROM requests
            WHERE status IN ('new', 'read') AND handled_outside IS NULL AND created_at <= ?
            GROUP BY practitioner_id
            """, arguments: [nowText]) {
            guard let p = try? row.int64("practitioner_id"), let n = try? row.int64("n") else { continue }
            counts[p, default: 0] += Int(n)
        }
        for row in try platformRows(db, RowDecoder.requestColumns, sql: """
            SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE updated_at > ? AND created_at <= ?
            """, arguments: [nowText, nowText]) {
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
        var ignored: [Int64] = []
        return try loadPractices(db, ids: ids, region: region, skipped: &skipped, assistantsRead: &ignored)
    }

    /// Practitioners with their assistants and closures. A practitioner with an
    /// unreadable closure is left out (its calendar would be wrong), not guessed at;
    /// an unreadable assistant is left out of the audience.
    static func loadPractices(_ db: Database, ids: [Int64], region: HolidayRegion,
                              skipped: inout [SkippedRow], assistantsRead: inout [Int64]) throws -> [Int64: Practice] {
        var practitioners: [Int64: Practitioner] = [:]
        for row in try platformRowsIn(db, RowDecoder.practitionerColumns,
                                      "SELECT \(RowDecoder.practitionerColumns.select("practitioners")) FROM practitioners WHERE id IN", ids) {
            do throws(Problem) {
                let p = try RowDecoder.practitioner(row)
                practitioners[p.id] = p
            } catch {
                skipped.append(SkippedRow(table: "practitioners", id: row.id, error))
            }
        }
        var assistants: [Int64: [Assistant]] = [:]
        for row in try platformRowsIn(db, RowDecoder.assistantColumns,
                                      "SELECT \(RowDecoder.assistantColumns.select("assistants")) FROM assistants WHERE practitioner_id IN",
                                      Array(practitioners.keys), suffix: "ORDER BY id") {
            do throws(Problem) {
                let a = try RowDecoder.assistant(row)
                assistants[a.practitionerID, default: []].append(a)
                assistantsRead.append(a.id)
            } catch {
                skipped.append(SkippedRow(table: "assistants", id: row.id, error))
            }
        }
        var closures: [Int64: [Closure]] = [:]
        for row in try platformRowsIn(db, RowDecoder.closureColumns,
                                      "SELECT \(RowDecoder.closureColumns.select("closures")) FROM closures WHERE practitioner_id IN",
                                      Array(practitioners.keys)) {
            do throws(Problem) {
                let c = try RowDecoder.closure(row)
                closures[c.practitionerID, default: []].append(c)
            } catch {
                skipped.append(SkippedRow(table: "closures", id: row.id, error))
                if let id = row.id { practitioners[id] = nil }
            }
        }
        return practitioners.mapValues {
            Practice(practitioner: $0, assistants: assistants[$0.id] ?? [], closures: closures[$0.id] ?? [], region: region)
        }
    }
}
