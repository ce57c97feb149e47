import Foundation
import GRDB
import RelanceCore

/// One outbox row with the decision it delivers: what a transport renders and sends.
public struct OutboxItem: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        case pending, sent, dead, skipped
    }

    public var id: Int64
    public var decisionKey: String
    public var rule: RuleName
    public var reason: String?
    public var requestID: Int64?
    public var practitionerID: Int64?
    public var patientID: Int64?
    public var messageID: Int64?
    public var decidedAt: Date
    public var content: DecisionContent
    public var delivery: Delivery
    public var state: State
    public var notBefore: Date
    public var attempts: Int
    public var lastError: String?
    public var providerID: String?
    public var sentAt: Date?

    /// The claim order of a rule's rows: a practitioner's alerts, reminders and proposals (0)
    /// before bulk reply alerts (1), so a practitioner writing to 5,000 patients delays nobody.
    public static func priority(of rule: RuleName) -> Int { rule == .replyAlert ? 1 : 0 }
    /// Every value `priority(of:)` gives, in claim order.
    public static let priorities = [0, 1]
}

/// How one send ended, as the outbox records it.
public enum DeliveryResult: Sendable {
    case sent(providerID: String?)
    /// Try again at `retryAt` (a temporary failure).
    case retry(error: String, retryAt: Date)
    /// Permanent failure or lifetime exceeded.
    case dead(error: String)
    /// Nothing to send on this channel (e.g. SMS transport "none").
    case skipped(reason: String)
    /// Not tried: its transport is paused until then (no attempt counted).
    case postponed(until: Date)
}

extension SQLiteStore {
    static let outboxSelect = """
        SELECT o.*, d.rule, d.reason, d.request_id, d.practitioner_id, d.patient_id, d.message_id,
               d.decided_at, d.content
        FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
        """

    /// Due rows, read through `relance_outbox_claim` (priority, not_before) one priority at a
    /// time, in claim order, stopping at the limit. Without the priorities spelled out, SQLite
    /// read every pending row through the state index and sorted them all for each claim: a
    /// drain of 10,000 rows claimed 6 at a time visited ~8 million rows (1.6 ms of CPU per email).
    static let claimRange = "o.priority IN (\(OutboxItem.priorities.map(String.init).joined(separator: ", "))) AND o.not_before <= ?"

    /// Pending rows due at `now`, in claim order (see `claimDue`).
    public func dueOutbox(now: Date, limit: Int) throws -> [OutboxItem] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                \(Self.outboxSelect) WHERE o.state = 'pending' AND \(Self.claimRange) ORDER BY o.priority, o.not_before, o.id LIMIT ?
                """, arguments: [Timestamp.format(now), limit]).compactMap(Self.outboxItem)
        }
    }

    /// Rows for `relance outbox`, newest first.
    public func outbox(state: OutboxItem.State?, limit: Int = 1000) throws -> [OutboxItem] {
        try pool.read { db in
            if let state {
                return try Row.fetchAll(db, sql: "\(Self.outboxSelect) WHERE o.state = ? ORDER BY o.id DESC LIMIT ?",
                                        arguments: [state.rawValue, limit]).compactMap(Self.outboxItem)
            }
            return try Row.fetchAll(db, sql: "\(Self.outboxSelect) ORDER BY o.id DESC LIMIT ?",
                                    arguments: [limit]).compactMap(Self.outboxItem)
        }
    }

    public func outbox(forRequest id: Int64) throws -> [OutboxItem] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.outboxSelect) WHERE d.request_id = ? ORDER BY o.id",
                             arguments: [id]).compactMap(Self.outboxItem)
        }
    }

    /// The due rows on `channels`, in claim order; arguments: now, limit.
    static func claimSQL(channels: [Channel]) -> String {
        let channelList = channels.map { "'\($0.rawValue)'" }.joined(separator: ",")  // enum raw values: nothing to escape
        return """
            \(outboxSelect) WHERE o.state = 'pending' AND \(claimRange) AND o.channel IN (\(channelList))
            ORDER BY o.priority, o.not_before, o.id LIMIT ?
            """
    }

    /// Takes up to `limit` rows due at `now` on `channels` for sending, in one write: the
    /// practitioners' work first, then oldest first. Their `not_before` moves to `leaseUntil`,
    /// so no other sender takes them, and a crashed sender's rows come back on their own.
    public func claimDue(now: Date, limit: Int, leaseUntil: Date, channels: [Channel], expectingMore: Bool) throws -> [OutboxItem] {
        guard !channels.isEmpty, limit > 0 else { return [] }
        let due = Self.claimSQL(channels: channels)
        let arguments: StatementArguments = [Timestamp.format(now), limit]
        // An idle poll only reads: the platform's writers never wait for it. Within a drain whose
        // last claim was full, that look is skipped (a read transaction costs ~45 µs per email
        // when claims are 8 rows).
        if !expectingMore {
            guard try pool.read({ db in try Row.fetchOne(db, sql: due, arguments: arguments) }) != nil else { return [] }
        }
        return try unsyncedWrite { db in
            let items = try Row.fetchAll(db, sql: due, arguments: arguments).compactMap(Self.outboxItem)
            guard !items.isEmpty else { return [] }
            try db.execute(sql: "UPDATE relance_outbox SET not_before = ? WHERE state = 'pending' AND id IN (\(items.map { String($0.id) }.joined(separator: ",")))",
                           arguments: [Timestamp.format(leaseUntil)])
            return items
        }
    }

    /// Takes rows for sending: pushes their `not_before` past a lease so a
    /// crashed sender's rows come back on their own, and no other sender takes them.
    public func lease(_ ids: [Int64], until: Date) throws {
        guard !ids.isEmpty else { return }
        try unsyncedWrite { db in
            // One statement for the whole batch (ids are integers: nothing to escape).
            try db.execute(sql: "UPDATE relance_outbox SET not_before = ? WHERE state = 'pending' AND id IN (\(ids.map(String.init).joined(separator: ",")))",
                           arguments: [Timestamp.format(until)])
        }
    }

    public func finish(_ id: Int64, _ result: DeliveryResult, at now: Date) throws {
        try finish([(id, result)], at: now)
    }

    /// Records several rows' results in one transaction (the dispatcher's group commit).
    public func finish(_ results: [(id: Int64, result: DeliveryResult)], at now: Date) throws {
        let nowText = Timestamp.format(now)
        try pool.write { db in
            for (id, result) in results {
                switch result {
                case .sent(let providerID):
                    try db.cachedStatement(sql: """
                        UPDATE relance_outbox SET state = 'sent', attempts = attempts + 1, provider_id = ?,
                            sent_at = ?, updated_at = ?, last_error = NULL WHERE id = ?
                        """).execute(arguments: [providerID, nowText, nowText, id])
                case .retry(let error, let at):
                    try db.cachedStatement(sql: """
                        UPDATE relance_outbox SET attempts = attempts + 1, last_error = ?, not_before = ?, updated_at = ?
                        WHERE id = ?
                        """).execute(arguments: [error, Timestamp.format(at), nowText, id])
                case .dead(let error):
                    try db.cachedStatement(sql: """
                        UPDATE relance_outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, updated_at = ?
                        WHERE id = ?
                        """).execute(arguments: [error, nowText, id])
                case .skipped(let reason):
                    try db.cachedStatement(sql: "UPDATE relance_outbox SET state = 'skipped', last_error = ?, updated_at = ? WHERE id = ?")
                        .execute(arguments: [reason, nowText, id])
                case .postponed(let until):
                    try db.cachedStatement(sql: "UPDATE relance_outbox SET not_before = ? WHERE state = 'pending' AND id = ?")
                        .execute(arguments: [Timestamp.format(until), id])
                }
            }
        }
    }

    /// The text of one message, for rule 8 only (full-text forwarding, by the practitioner's choice).
    public func messageBody(_ id: Int64) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM messages WHERE id = ?", arguments: [id]) }
    }

    /// Made once: a JSONDecoder per row cost more than the rest of the row.
    nonisolated(unsafe) static let contentDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let text = try d.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: d.codingPath, debugDescription: "bad timestamp"))
            }
            return date
        }
        return decoder
    }()

    static func outboxItem(_ row: Row) -> OutboxItem? {
        guard let rule = RuleName(rawValue: row["rule"] ?? ""),
              let channel = Channel(rawValue: row["channel"] ?? ""),
              let kind = Recipient.Kind(rawValue: row["recipient_kind"] ?? ""),
              let state = OutboxItem.State(rawValue: row["state"] ?? ""),
              let decided = Timestamp.parse((row["decided_at"] as String?) ?? ""),
              let notBefore = Timestamp.parse((row["not_before"] as String?) ?? "") else { return nil }
        let content = (try? contentDecoder.decode(DecisionContent.self, from: Data(((row["content"] as String?) ?? "{}").utf8)))
            ?? DecisionContent()
        let recipient = Recipient(kind: kind, id: row["recipient_id"], displayName: row["recipient_name"],
                                  locale: row["locale"], timezone: row["timezone"])
        return OutboxItem(
            id: row["id"], decisionKey: row["decision_key"], rule: rule, reason: row["reason"],
            requestID: row["request_id"], practitionerID: row["practitioner_id"], patientID: row["patient_id"],
            messageID: row["message_id"], decidedAt: decided, content: content,
            delivery: Delivery(channel: channel, address: row["address"], recipient: recipient),
            state: state, notBefore: notBefore, attempts: row["attempts"], lastError: row["last_error"],
            providerID: row["provider_id"], sentAt: Timestamp.parse((row["sent_at"] as String?) ?? ""))
    }
}
