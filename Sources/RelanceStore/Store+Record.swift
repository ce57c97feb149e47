import Foundation
import GRDB
import RelanceCore

extension SQLiteStore {
    /// Step 4 of a cycle, in one IMMEDIATE transaction: each decision with its
    /// idempotency key, its outbox rows and proposals, the schedule, the
    /// message cursor and the cycle row. A key already recorded is left alone,
    /// with its outbox rows: that is how nothing is decided twice.
    /// Returns the decisions that were new.
    @discardableResult
    public func record(_ cycle: CycleRecord, notBefore: (Delivery, Decision) -> Date = { $1.decidedAt }) throws -> [Decision] {
        let nowText = Timestamp.format(cycle.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return try pool.write { db in
            var fresh: [Decision] = []
            for d in cycle.decisions {
                let content = String(decoding: try encoder.encode(d.content), as: UTF8.self)
                try db.cachedStatement(sql: """
                    INSERT INTO relance_decisions (key, rule, reason, request_id, practitioner_id, patient_id, message_id, decided_at, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING
                    """).execute(arguments: [d.key, d.rule.rawValue, d.reason, d.requestID, d.practitionerID, d.patientID,
                                     d.messageID, Timestamp.format(d.decidedAt), content])
                guard db.changesCount == 1 else { continue }
                fresh.append(d)
                for delivery in d.deliveries {
                    let r = delivery.recipient
                    try db.cachedStatement(sql: """
                        INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id,
                            recipient_name, locale, timezone, not_before, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """).execute(arguments: [d.key, delivery.channel.rawValue, delivery.address, r.kind.rawValue, r.id,
                                         r.displayName, r.locale, r.timezone,
                                         Timestamp.format(notBefore(delivery, d)), nowText, nowText])
                }
                for (rank, option) in (d.content.nearby ?? []).enumerated() {
                    guard let requestID = d.requestID else { continue }
                    try db.cachedStatement(sql: """
                        INSERT INTO relance_proposals (request_id, rank, practitioner_id, distance_km, decision_key, proposed_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """).execute(arguments: [requestID, rank + 1, option.practitionerID, option.distanceKm, d.key, nowText])
                }
            }
            for (requestID, next) in cycle.schedule {
                if let next {
                    try db.cachedStatement(sql: "UPDATE relance_schedule SET due_at = ? WHERE request_id = ?")
                        .execute(arguments: [Timestamp.format(next), requestID])
                } else {
                    try db.cachedStatement(sql: "DELETE FROM relance_schedule WHERE request_id = ?").execute(arguments: [requestID])
                }
            }
            try Self.setCursor(db, Cursor.messagesVisible, cycle.now)
            try db.execute(sql: """
                INSERT INTO relance_cycles (now, started_at, duration_ms, decisions, skipped) VALUES (?, ?, ?, ?, ?)
                """, arguments: [nowText, Timestamp.format(cycle.startedAt), cycle.durationMs, fresh.count, cycle.skipped])
            return fresh
        }
    }
}

extension SQLiteStore {
    /// Which of `keys` are already recorded.
    public func existingKeys(_ keys: [String]) throws -> Set<String> {
        try pool.read { db in
            var found = Set<String>()
            var start = 0
            while start < keys.count {
                let chunk = Array(keys[start..<min(keys.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                found.formUnion(try String.fetchAll(db, sql: "SELECT key FROM relance_decisions WHERE key IN (\(marks))",
                                                    arguments: StatementArguments(chunk)))
                start += chunk.count
            }
            return found
        }
    }
}
