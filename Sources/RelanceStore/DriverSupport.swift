import Foundation
import RelanceCore

/// What another driver (PostgreSQL) builds its answers with: the public
/// initialisers of the store's values and the decision content's JSON.
public enum DriverSupport {
    /// `relance_decisions.content`, as SQLite writes it.
    public static func contentJSON(_ content: DecisionContent) -> String { ContentJSON.encode(content) }

    /// Reads `relance_decisions.content` back; an unreadable one is empty content.
    public static func content(fromJSON text: String?) -> DecisionContent {
        (try? SQLiteStore.contentDecoder.decode(DecisionContent.self, from: Data((text ?? "{}").utf8))) ?? DecisionContent()
    }
}

extension DriverSupport {
    // The stores' values have internal memberwise initialisers; a driver builds them through these.

    /// A skipped row; the column is the one the reason starts with ("created_at is NULL",
    /// "unknown status …", "practitioner 3 missing or invalid" → practitioner_id).
    public static func skippedRow(table: String, id: Int64?, reason: String) -> SkippedRow {
        let words = reason.split(separator: " ")
        var column = words.first.map(String.init) ?? ""
        if column == "unknown", words.count > 1 { column = String(words[1]) }
        if ["practitioner", "patient", "request"].contains(column) { column += "_id" }
        return SkippedRow(table: table, id: id, column: column, reason: reason)
    }

    public static func outboxItem(id: Int64, decisionKey: String, rule: RuleName, reason: String?, requestID: Int64?,
                                  practitionerID: Int64?, patientID: Int64?, messageID: Int64?, decidedAt: Date,
                                  content: DecisionContent, delivery: Delivery, state: OutboxItem.State, notBefore: Date,
                                  attempts: Int, lastError: String?, providerID: String?, sentAt: Date?) -> OutboxItem {
        OutboxItem(id: id, decisionKey: decisionKey, rule: rule, reason: reason, requestID: requestID,
                   practitionerID: practitionerID, patientID: patientID, messageID: messageID, decidedAt: decidedAt,
                   content: content, delivery: delivery, state: state, notBefore: notBefore, attempts: attempts,
                   lastError: lastError, providerID: providerID, sentAt: sentAt)
    }

    public static func requestFile(request: Request, messages: [Message], practice: Practice, patient: Patient?,
                                   blocked: Bool, history: RequestHistory,
                                   decisions: [(key: String, rule: String, reason: String?, decidedAt: String)],
                                   scheduledAt: Date?, messagesCursor: Date?) -> RequestFile {
        RequestFile(request: request, messages: messages, practice: practice, patient: patient, blocked: blocked,
                    history: history, decisions: decisions, outbox: [], scheduledAt: scheduledAt, messagesCursor: messagesCursor)
    }

    public static func emptyStatus() -> StoreStatus { StoreStatus() }

    public static func lastCycle(now: Date, startedAt: Date, durationMs: Double, decisions: Int,
                                 skipped: Int) -> StoreStatus.LastCycle {
        .init(now: now, startedAt: startedAt, durationMs: durationMs, decisions: decisions, skipped: skipped)
    }
}
