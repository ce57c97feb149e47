import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    static let outboxColumns = """
        o.id, o.decision_key, o.channel, o.address, o.recipient_kind, o.recipient_id, o.recipient_name, o.locale,
        o.timezone, o.state, o.not_before, o.attempts, o.last_error, o.provider_id, o.sent_at,
        d.rule, d.reason, d.request_id, d.practitioner_id, d.patient_id, d.message_id, d.decided_at, d.content
        """
    static let outboxSelect = "SELECT \(outboxColumns) FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key"

    /// One statement, its own short transaction: rows another replica holds are skipped,
    /// the rest leased until `leaseUntil`. Nothing stays locked while they are sent.
    public func claimDue(now: Date, limit: Int, leaseUntil: Date, channels: [Channel], expectingMore: Bool) throws -> [OutboxItem] {
        guard !channels.isEmpty, limit > 0 else { return [] }
        return try query("""
            WITH due AS (
                SELECT id FROM relance_outbox WHERE state = 'pending' AND not_before <= $1 AND channel = ANY($4::text[])
                ORDER BY priority, not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED),
            taken AS (
                UPDATE relance_outbox o SET not_before = $3 FROM due WHERE o.id = due.id AND o.state = 'pending' RETURNING o.*)
            SELECT \(Self.outboxColumns) FROM taken o JOIN relance_decisions d ON d.key = o.decision_key ORDER BY o.priority, o.id
            """, [PGText.param(now), String(limit), PGText.param(leaseUntil),
                  PGText.array(channels.map { Optional($0.rawValue) })]).rows.compactMap(Self.outboxItem)
    }

    /// Renews the lease of pending rows, or hands them back (`until` now).
    public func lease(_ ids: [Int64], until: Date) throws {
        guard !ids.isEmpty else { return }
        _ = try query("UPDATE relance_outbox SET not_before = $1 WHERE state = 'pending' AND id = ANY($2::bigint[])",
                      [PGText.param(until), PGText.array(ids)])
    }

    public func dueOutbox(now: Date, limit: Int) throws -> [OutboxItem] {
        try query("\(Self.outboxSelect) WHERE o.state = 'pending' AND o.not_before <= $1 ORDER BY o.priority, o.not_before, o.id LIMIT $2",
                  [PGText.param(now), String(limit)]).rows.compactMap(Self.outboxItem)
    }

    public func outbox(state: OutboxItem.State?, limit: Int) throws -> [OutboxItem] {
        if let state {
            return try query("\(Self.outboxSelect) WHERE o.state = $1 ORDER BY o.id DESC LIMIT $2",
                             [state.rawValue, String(limit)]).rows.compactMap(Self.outboxItem)
        }
        return try query("\(Self.outboxSelect) ORDER BY o.id DESC LIMIT $1", [String(limit)]).rows.compactMap(Self.outboxItem)
    }

    public func outbox(forRequest id: Int64) throws -> [OutboxItem] {
        try query("\(Self.outboxSelect) WHERE d.request_id = $1 ORDER BY o.id", [String(id)]).rows.compactMap(Self.outboxItem)
    }

    public func finish(_ results: [(id: Int64, result: DeliveryResult)], at now: Date) throws {
        guard !results.isEmpty else { return }
        let nowText = PGText.param(now)
        try transaction { c in
            for (id, result) in results {
                switch result {
                case .sent(let providerID):
                    try c.exec("""
                        UPDATE relance_outbox SET state = 'sent', attempts = attempts + 1, provider_id = $1,
                            sent_at = $2, updated_at = $2, last_error = NULL WHERE id = $3
                        """, [providerID, nowText, String(id)])
                case .retry(let error, let at):
                    try c.exec("""
                        UPDATE relance_outbox SET attempts = attempts + 1, last_error = $1, not_before = $2, updated_at = $3
                        WHERE id = $4
                        """, [error, PGText.param(at), nowText, String(id)])
                case .dead(let error):
                    try c.exec("""
                        UPDATE relance_outbox SET state = 'dead', attempts = attempts + 1, last_error = $1, updated_at = $2
                        WHERE id = $3
                        """, [error, nowText, String(id)])
                case .skipped(let reason):
                    try c.exec("UPDATE relance_outbox SET state = 'skipped', last_error = $1, updated_at = $2 WHERE id = $3",
                               [reason, nowText, String(id)])
                case .postponed(let until):
                    try c.exec("UPDATE relance_outbox SET not_before = $1 WHERE state = 'pending' AND id = $2",
                               [PGText.param(until), String(id)])
                }
            }
        }
    }

    public func messageBody(_ id: Int64) throws -> String? {
        let r = try query("SELECT body FROM messages WHERE id = $1", [String(id)])
        return r.count > 0 ? r.text(0, 0) : nil
    }

    /// A row selected with `outboxColumns`; nil when it breaks relance's own schema.
    static func outboxItem(_ row: PGRow) -> OutboxItem? {
        guard let id = row.int(0), let key = row.text(1),
              let channel = Channel(rawValue: row.text(2) ?? ""), let address = row.text(3),
              let kind = Recipient.Kind(rawValue: row.text(4) ?? ""), let recipientID = row.int(5),
              let state = OutboxItem.State(rawValue: row.text(9) ?? ""), let notBefore = row.timestamp(10),
              let rule = RuleName(rawValue: row.text(15) ?? ""), let decided = row.timestamp(21) else { return nil }
        let recipient = Recipient(kind: kind, id: recipientID, displayName: row.text(6) ?? "",
                                  locale: row.text(7) ?? "fr", timezone: row.text(8) ?? "Europe/Paris")
        return DriverSupport.outboxItem(
            id: id, decisionKey: key, rule: rule, reason: row.text(16), requestID: row.int(17),
            practitionerID: row.int(18), patientID: row.int(19), messageID: row.int(20), decidedAt: decided,
            content: DriverSupport.content(fromJSON: row.text(22)),
            delivery: Delivery(channel: channel, address: address, recipient: recipient),
            state: state, notBefore: notBefore, attempts: Int(row.int(11) ?? 0), lastError: row.text(12),
            providerID: row.text(13), sentAt: row.timestamp(14))
    }
}
