import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    /// `relance outbox requeue`: the selected rows (never sent ones) pending and due at `now`.
    public func requeue(_ selection: OutboxSelection, now: Date) throws -> Int {
        var conditions = ["o.state <> 'sent'"]
        var params: [String?] = [PGText.param(now)]
        func add(_ condition: String, _ value: String) {
            params.append(value)
            conditions.append(condition.replacingOccurrences(of: "$?", with: "$\(params.count)"))
        }
        if let state = selection.state { add("o.state = $?", state.rawValue) }
        if !selection.ids.isEmpty { add("o.id = ANY($?::bigint[])", PGText.array(selection.ids)) }
        if let rule = selection.rule { add("d.rule = $?", rule.rawValue) }
        if let text = selection.errorContains { add("strpos(o.last_error, $?) > 0", text) }
        if let since = selection.since { add("o.updated_at >= $?", PGText.param(since)) }
        return try query("""
            UPDATE relance_outbox SET state = 'pending', attempts = 0, not_before = $1, updated_at = $1
            WHERE id IN (SELECT o.id FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                         WHERE \(conditions.joined(separator: " AND ")))
            """, params).affected
    }

    public func setTransportHealth(_ transport: String, _ health: TransportHealth?, at now: Date) throws {
        if let h = health {
            _ = try query("""
                INSERT INTO relance_transport_health (transport, failing_since, last_error, paused_until, updated_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (transport) DO UPDATE SET failing_since = excluded.failing_since,
                    last_error = excluded.last_error, paused_until = excluded.paused_until, updated_at = excluded.updated_at
                """, [transport, PGText.param(h.failingSince), h.lastError, PGText.param(h.pausedUntil), PGText.param(now)])
        } else {
            _ = try query("DELETE FROM relance_transport_health WHERE transport = $1", [transport])
        }
    }

    public func failingTransports() throws -> [TransportHealth] {
        try query("SELECT transport, failing_since, last_error, paused_until FROM relance_transport_health ORDER BY transport")
            .rows.compactMap { row in
                guard let transport = row.text(0), let since = row.timestamp(1), let until = row.timestamp(3) else { return nil }
                return TransportHealth(transport: transport, failingSince: since, lastError: row.text(2) ?? "", pausedUntil: until)
            }
    }
}
