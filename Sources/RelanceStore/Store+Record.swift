import Foundation
import GRDB
import GRDBSQLite
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
        return try pool.write { db in
            // Multi-row INSERTs, each statement prepared once per cycle (one for full batches, one for the rest).
            let decisions = MultiRowInsert(db, """
                INSERT INTO relance_decisions (key, rule, reason, request_id, practitioner_id, patient_id, message_id, decided_at, content)
                """, columns: 9, tail: "ON CONFLICT (key) DO NOTHING RETURNING key")
            var inserted = Set<String>()
            let all = cycle.decisions
            try decisions.run(count: all.count, row: { i, b in
                let d = all[i]
                b.text(d.key); b.text(d.rule.rawValue); b.text(d.reason); b.int(d.requestID); b.int(d.practitionerID)
                b.int(d.patientID); b.int(d.messageID); b.text(Timestamp.format(d.decidedAt)); b.text(ContentJSON.encode(d.content))
            }, returned: { statement in
                if let key = sqlite3_column_text(statement, 0) { inserted.insert(String(cString: key)) }
            })
            // A key already recorded is not fresh; a key twice in one cycle is fresh once.
            var fresh: [Decision] = []
            for d in cycle.decisions where inserted.remove(d.key) != nil { fresh.append(d) }

            let outbox = MultiRowInsert(db, """
                INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id,
                    recipient_name, locale, timezone, not_before, created_at, updated_at, priority)
                """, columns: 12, tail: "ON CONFLICT DO NOTHING")
            let deliveries = fresh.flatMap { d in d.deliveries.map { (d, $0) } }
            try outbox.run(count: deliveries.count, row: { i, b in
                let (d, delivery) = deliveries[i]
                let r = delivery.recipient
                b.text(d.key); b.text(delivery.channel.rawValue); b.text(delivery.address); b.text(r.kind.rawValue)
                b.int(r.id); b.text(r.displayName); b.text(r.locale); b.text(r.timezone)
                b.text(Timestamp.format(notBefore(delivery, d))); b.text(nowText); b.text(nowText)
                b.int(OutboxItem.priority(of: d.rule))
            })
            let proposals = MultiRowInsert(db, """
                INSERT INTO relance_proposals (request_id, rank, practitioner_id, distance_km, decision_key, proposed_at)
                """, columns: 6, tail: "ON CONFLICT DO NOTHING")
            let options = fresh.flatMap { d -> [(Decision, Int64, Int, NearbyOption)] in
                guard let requestID = d.requestID else { return [] }
                return (d.content.nearby ?? []).enumerated().map { (d, requestID, $0 + 1, $1) }
            }
            try proposals.run(count: options.count, row: { i, b in
                let (d, requestID, rank, option) = options[i]
                b.int(requestID); b.int(rank); b.int(option.practitionerID); b.real(option.distanceKm); b.text(d.key); b.text(nowText)
            })
            let reschedule = try db.makeStatement(sql: "UPDATE relance_schedule SET due_at = ? WHERE request_id = ?")
            let unscheduled = cycle.schedule.filter { $0.value == nil }.map(\.key)
            for (requestID, next) in cycle.schedule {
                guard let next else { continue }
                reschedule.setUncheckedArguments([Timestamp.format(next), requestID])
                try reschedule.execute()
            }
            try MultiRowDelete(db, "DELETE FROM relance_schedule WHERE request_id IN").run(unscheduled)
            try Self.setCursor(db, Cursor.messagesVisible, cycle.messageCursor ?? CursorPosition(value: cycle.now))
            try Self.recordSkipped(db, cycle.skippedRows, recovered: cycle.recovered, at: nowText)
            try db.execute(sql: """
                INSERT INTO relance_cycles (now, started_at, duration_ms, decisions, skipped) VALUES (?, ?, ?, ?, ?)
                """, arguments: [nowText, Timestamp.format(cycle.startedAt), cycle.durationMs, fresh.count, cycle.skipped])
            return fresh
        }
    }
}

extension SQLiteStore {
    /// Keeps `relance_skipped_rows` in step: rows skipped now are added (or their
    /// reason and last sighting updated), rows that read fine again are removed.
    static func recordSkipped(_ db: Database, _ rows: [SkippedRow], recovered: [String], at nowText: String) throws {
        let upsert = try db.makeStatement(sql: """
            INSERT INTO relance_skipped_rows (table_name, row_key, column_name, reason, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (table_name, row_key) DO UPDATE SET
                column_name = excluded.column_name, reason = excluded.reason, last_seen = excluded.last_seen
            """)
        for row in rows {
            upsert.setUncheckedArguments([row.table, row.rowKey, row.column, row.reason, nowText, nowText])
            try upsert.execute()
        }
        let delete = try db.makeStatement(sql: "DELETE FROM relance_skipped_rows WHERE table_name = ? AND row_key = ?")
        for key in recovered {
            let parts = key.split(separator: "#", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            delete.setUncheckedArguments([parts[0], parts[1]])
            try delete.execute()
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
