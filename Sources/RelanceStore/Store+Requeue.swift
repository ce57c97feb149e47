import Foundation
import GRDB
import RelanceCore

/// Which outbox rows `relance outbox requeue` brings back. Every field set narrows
/// the choice; at least one must be set. Sent rows are never requeued (that would send twice).
public struct OutboxSelection: Sendable, Equatable {
    /// `dead`, `skipped` or `pending` (a deferred row, taken at once).
    public var state: OutboxItem.State?
    public var ids: [Int64] = []
    public var rule: RuleName?
    /// A piece of `last_error`, such as "relaying denied" or "SMTP 535".
    public var errorContains: String?
    /// Rows last updated at or after this instant.
    public var since: Date?

    public init(state: OutboxItem.State? = nil, ids: [Int64] = [], rule: RuleName? = nil, errorContains: String? = nil, since: Date? = nil) {
        self.state = state; self.ids = ids; self.rule = rule; self.errorContains = errorContains; self.since = since
    }

    public var isEmpty: Bool { state == nil && ids.isEmpty && rule == nil && errorContains == nil && since == nil }
}

extension SQLiteStore {
    /// Makes the selected rows pending and due at `now`, with their attempts counted afresh
    /// and their last error kept for the record. Returns how many rows were requeued.
    public func requeue(_ selection: OutboxSelection, now: Date) throws -> Int {
        var conditions = ["o.state <> 'sent'"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let state = selection.state { conditions.append("o.state = ?"); arguments.append(state.rawValue) }
        if !selection.ids.isEmpty { conditions.append("o.id IN (\(selection.ids.map(String.init).joined(separator: ",")))") }
        if let rule = selection.rule { conditions.append("d.rule = ?"); arguments.append(rule.rawValue) }
        if let text = selection.errorContains { conditions.append("instr(o.last_error, ?) > 0"); arguments.append(text) }
        if let since = selection.since { conditions.append("o.updated_at >= ?"); arguments.append(Timestamp.format(since)) }
        let nowText = Timestamp.format(now)
        return try pool.write { db in
            try db.execute(sql: """
                UPDATE relance_outbox SET state = 'pending', attempts = 0, not_before = ?, updated_at = ?
                WHERE id IN (SELECT o.id FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                             WHERE \(conditions.joined(separator: " AND ")))
                """, arguments: StatementArguments([nowText, nowText] + arguments))
            return db.changesCount
        }
    }
}
