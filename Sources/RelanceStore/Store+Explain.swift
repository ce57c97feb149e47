import Foundation
import GRDB
import RelanceCore

/// Everything about one request, for `relance explain`.
public struct RequestFile: Sendable {
    public var request: Request
    public var messages: [Message]
    public var practice: Practice
    public var patient: Patient?
    public var blocked: Bool
    public var history: RequestHistory
    /// Recorded decisions: key, rule, reason, when.
    public var decisions: [(key: String, rule: String, reason: String?, decidedAt: String)]
    public var outbox: [OutboxItem]
    public var scheduledAt: Date?
    /// The engine's messages cursor: messages up to it (less the overlap) were seen by earlier cycles.
    public var messagesCursor: Date?
}

extension SQLiteStore {
    public func requestFile(_ id: Int64, region: HolidayRegion) throws -> RequestFile {
        let (file, skipped) = try pool.read { db -> (RequestFile?, [SkippedRow]) in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE id = ?", arguments: [id]) else {
                return (nil, [])
            }
            let r: Request
            do throws(RowDecoder.Problem) { r = try RowDecoder.request(row) } catch {
                return (nil, [SkippedRow(table: "requests", id: id, reason: error.reason)])
            }
            var skipped: [SkippedRow] = []
            guard let practice = try Self.loadPractices(db, ids: [r.practitionerID], region: region, skipped: &skipped)[r.practitionerID] else {
                return (nil, skipped + [SkippedRow(table: "requests", id: id, reason: "practitioner \(r.practitionerID) missing or invalid")])
            }
            let messages = try Row.fetchAll(db, sql: """
                SELECT \(RowDecoder.messageColumns.select("messages")) FROM messages
                WHERE request_id = ? ORDER BY created_at, id
                """, arguments: [id]).compactMap { try? RowDecoder.message($0) }
            let patient = try Row.fetchOne(db, sql: "SELECT \(RowDecoder.patientColumns.select("patients")) FROM patients WHERE id = ?", arguments: [r.patientID])
                .flatMap { try? RowDecoder.patient($0) }
            let blocked = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM blocked_patients WHERE practitioner_id = ? AND patient_id = ?)
                """, arguments: [r.practitionerID, r.patientID]) ?? false
            var history = RequestHistory()
            var decisions: [(key: String, rule: String, reason: String?, decidedAt: String)] = []
            for d in try Row.fetchAll(db, sql: """
                SELECT key, rule, reason, decided_at FROM relance_decisions WHERE request_id = ? ORDER BY decided_at, key
                """, arguments: [id]) {
                let rule: String = d["rule"], at: String = d["decided_at"]
                if rule == RuleName.reminder.rawValue { history.reminderSentAt = Timestamp.parse(at) }
                if rule == RuleName.nearbyProposal.rawValue { history.proposalSent = true }
                decisions.append((d["key"], rule, d["reason"], at))
            }
            let scheduled = try String.fetchOne(db, sql: "SELECT due_at FROM relance_schedule WHERE request_id = ?",
                                                arguments: [id]).flatMap(Timestamp.parse)
            let cursor = try String.fetchOne(db, sql: "SELECT value FROM relance_cursors WHERE name = ?",
                                             arguments: [Cursor.messagesVisible]).flatMap(Timestamp.parse)
            return (RequestFile(request: r, messages: messages, practice: practice, patient: patient, blocked: blocked,
                                history: history, decisions: decisions, outbox: [], scheduledAt: scheduled,
                                messagesCursor: cursor), skipped)
        }
        guard var file else {
            throw StoreNotFound(what: skipped.first.map { "request \(id): \($0.reason)" } ?? "no request \(id) in the store")
        }
        file.outbox = try outbox(forRequest: id)
        return file
    }

    /// Requests created in `[since, now]`, for `relance stats`; broken rows are skipped.
    public func requests(createdSince since: Date, until now: Date) throws -> [Request] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE created_at >= ? AND created_at <= ?",
                             arguments: [Timestamp.format(since), Timestamp.format(now)])
                .compactMap { try? RowDecoder.request($0) }
        }
    }

    public func practitionerNames(_ ids: [Int64]) throws -> [Int64: String] {
        try pool.read { db in
            var names: [Int64: String] = [:]
            for row in try Self.fetchIn(db, "SELECT id, display_name FROM practitioners WHERE id IN", ids) {
                names[row["id"]] = row["display_name"]
            }
            return names
        }
    }
}
