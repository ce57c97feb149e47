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
            guard let row = try Self.platformRows(db, RowDecoder.requestColumns, sql: """
                SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE id = ?
                """, arguments: [id]).first else {
                return (nil, [])
            }
            let r: Request
            do throws(Problem) { r = try RowDecoder.request(row) } catch {
                return (nil, [SkippedRow(table: "requests", id: id, error)])
            }
            var skipped: [SkippedRow] = []
            guard let practice = try Self.loadPractices(db, ids: [r.practitionerID], region: region, skipped: &skipped)[r.practitionerID] else {
                return (nil, skipped + [SkippedRow(table: "requests", id: id, column: "practitioner_id",
                                                   reason: "practitioner_id refers to practitioner \(r.practitionerID), missing or unreadable")])
            }
            let messages = try Self.platformRows(db, RowDecoder.messageColumns, sql: """
                SELECT \(RowDecoder.messageColumns.select("messages")) FROM messages
                WHERE request_id = ? ORDER BY created_at, id
                """, arguments: [id]).compactMap { try? RowDecoder.message($0) }
            let patient = try Self.platformRows(db, RowDecoder.patientColumns, sql: """
                SELECT \(RowDecoder.patientColumns.select("patients")) FROM patients WHERE id = ?
                """, arguments: [r.patientID]).first.flatMap { try? RowDecoder.patient($0) }
            let blocked = try !Self.int64s(db, sql: """
                SELECT 1 FROM blocked_patients WHERE practitioner_id = ? AND patient_id = ? LIMIT 1
                """, arguments: [r.practitionerID, r.patientID]).isEmpty
            var history = RequestHistory()
            var decisions: [(key: String, rule: String, reason: String?, decidedAt: String)] = []
            for d in try Self.platformRows(db, RowDecoder.Columns(["key", "rule", "reason", "decided_at"]), sql: """
                SELECT key, rule, reason, decided_at FROM relance_decisions WHERE request_id = ? ORDER BY decided_at, key
                """, arguments: [id]) {
                guard let key = try? d.text("key"), let rule = try? d.text("rule"), let at = try? d.text("decided_at") else { continue }
                if rule == RuleName.reminder.rawValue { history.reminderSentAt = Timestamp.parse(at) }
                if rule == RuleName.nearbyProposal.rawValue { history.proposalSent = true }
                decisions.append((key, rule, try? d.optionalText("reason"), at))
            }
            let scheduled = try Self.platformRows(db, RowDecoder.Columns(["due_at"]), sql: """
                SELECT due_at FROM relance_schedule WHERE request_id = ?
                """, arguments: [id]).first.flatMap { try? $0.timestamp("due_at") }
            let cursor = try Self.storedCursor(db, Cursor.messagesVisible)?.value
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
            try Self.platformRows(db, RowDecoder.requestColumns, sql: """
                SELECT \(RowDecoder.requestColumns.select("requests")) FROM requests WHERE created_at >= ? AND created_at <= ?
                """, arguments: [Timestamp.format(since), Timestamp.format(now)])
                .compactMap { try? RowDecoder.request($0) }
        }
    }

    public func practitionerNames(_ ids: [Int64]) throws -> [Int64: String] {
        try pool.read { db in
            var names: [Int64: String] = [:]
            for row in try Self.platformRowsIn(db, RowDecoder.Columns(["id", "display_name"]),
                                               "SELECT id, display_name FROM practitioners WHERE id IN", ids) {
                if let id = try? row.int64("id"), let name = try? row.text("display_name") { names[id] = name }
            }
            return names
        }
    }
}
