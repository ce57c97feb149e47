import Foundation
import RelanceCore
import RelanceStore

extension PostgresStore {
    /// Step 4, set-based: each statement takes whole arrays (`unnest`), so a cycle's
    /// writes are a handful of round trips whatever the number of decisions. A key
    /// already recorded, by this replica or another, is left alone with its outbox rows.
    @discardableResult
    public func record(_ cycle: CycleRecord, notBefore: (Delivery, Decision) -> Date) throws -> [Decision] {
        var seen = Set<String>()
        let decisions = cycle.decisions.filter { seen.insert($0.key).inserted }
        let nowText = PGText.param(cycle.now)
        return try transaction { c in
            var fresh: [Decision] = []
            if !decisions.isEmpty {
                let inserted = try c.exec("""
                    INSERT INTO relance_decisions (key, rule, reason, request_id, practitioner_id, patient_id, message_id, decided_at, content)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                                         $7::bigint[], $8::timestamptz[], $9::text[])
                    ON CONFLICT (key) DO NOTHING RETURNING key
                    """, [
                        PGText.array(decisions.map { Optional($0.key) }), PGText.array(decisions.map { Optional($0.rule.rawValue) }),
                        PGText.array(decisions.map(\.reason)), Self.ids(decisions.map(\.requestID)),
                        Self.ids(decisions.map(\.practitionerID)), Self.ids(decisions.map(\.patientID)),
                        Self.ids(decisions.map(\.messageID)), PGText.array(decisions.map { Optional(PGText.param($0.decidedAt)) }),
                        PGText.array(decisions.map { Optional(DriverSupport.contentJSON($0.content)) }),
                    ])
                let keys = Set(inserted.rows.compactMap { $0.text(0) })
                fresh = decisions.filter { keys.contains($0.key) }
            }
            try insertOutbox(c, fresh, nowText: nowText, notBefore: notBefore)
            try insertProposals(c, fresh, nowText: nowText)
            let moved = cycle.schedule.compactMap { id, next in next.map { (id, $0) } }.sorted { $0.0 < $1.0 }
            if !moved.isEmpty {
                try c.exec("""
                    UPDATE relance_schedule s SET due_at = u.due_at
                    FROM unnest($1::bigint[], $2::timestamptz[]) AS u(request_id, due_at) WHERE s.request_id = u.request_id
                    """, [PGText.array(moved.map(\.0)), PGText.array(moved.map { Optional(PGText.param($0.1)) })])
            }
            let dropped = cycle.schedule.filter { $0.value == nil }.map(\.key).sorted()
            if !dropped.isEmpty {
                try c.exec("DELETE FROM relance_schedule WHERE request_id = ANY($1::bigint[])", [PGText.array(dropped)])
            }
            try Self.setCursor(c, Cursor.messagesVisible, cycle.messageCursor ?? CursorPosition(value: cycle.now))
            try Self.recordSkipped(c, cycle.skippedRows, recovered: cycle.recovered, nowText: nowText)
            try c.exec("""
                INSERT INTO relance_cycles (now, started_at, duration_ms, decisions, skipped) VALUES ($1, $2, $3, $4, $5)
                """, [nowText, PGText.param(cycle.startedAt), String(cycle.durationMs), String(fresh.count), String(cycle.skipped)])
            return fresh
        }
    }

    private func insertOutbox(_ c: PGConnection, _ fresh: [Decision], nowText: String,
                              notBefore: (Delivery, Decision) -> Date) throws {
        let rows = fresh.flatMap { d in d.deliveries.map { (d, $0) } }
        guard !rows.isEmpty else { return }
        try c.exec("""
            INSERT INTO relance_outbox (decision_key, channel, address, recipient_kind, recipient_id, recipient_name,
                locale, timezone, not_before, created_at, updated_at, priority)
            SELECT k, ch, a, rk, rid, rn, l, tz, nb, $10::timestamptz, $10::timestamptz, pr
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                        $9::timestamptz[], $11::int[]) AS u(k, ch, a, rk, rid, rn, l, tz, nb, pr)
            ON CONFLICT DO NOTHING
            """, [
                PGText.array(rows.map { Optional($0.0.key) }), PGText.array(rows.map { Optional($0.1.channel.rawValue) }),
                PGText.array(rows.map { Optional($0.1.address) }), PGText.array(rows.map { Optional($0.1.recipient.kind.rawValue) }),
                PGText.array(rows.map(\.1.recipient.id)), PGText.array(rows.map { Optional($0.1.recipient.displayName) }),
                PGText.array(rows.map { Optional($0.1.recipient.locale) }), PGText.array(rows.map { Optional($0.1.recipient.timezone) }),
                PGText.array(rows.map { Optional(PGText.param(notBefore($0.1, $0.0))) }), nowText,
                PGText.array(rows.map { Int64(OutboxItem.priority(of: $0.0.rule)) }),
            ])
    }

    private func insertProposals(_ c: PGConnection, _ fresh: [Decision], nowText: String) throws {
        var rows: [(request: Int64, rank: Int64, option: NearbyOption, key: String)] = []
        for d in fresh {
            guard let requestID = d.requestID else { continue }
            for (rank, option) in (d.content.nearby ?? []).enumerated() { rows.append((requestID, Int64(rank + 1), option, d.key)) }
        }
        guard !rows.isEmpty else { return }
        try c.exec("""
            INSERT INTO relance_proposals (request_id, rank, practitioner_id, distance_km, decision_key, proposed_at)
            SELECT r, k, p, dk, key, $6::timestamptz
            FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::float8[], $5::text[]) AS u(r, k, p, dk, key)
            ON CONFLICT DO NOTHING
            """, [
                PGText.array(rows.map(\.request)), PGText.array(rows.map(\.rank)), PGText.array(rows.map(\.option.practitionerID)),
                PGText.array(rows.map { Optional("\($0.option.distanceKm)") }), PGText.array(rows.map { Optional($0.key) }), nowText,
            ])
    }

    /// Keeps `relance_skipped_rows` in step: rows skipped now are added (or their
    /// reason and last sighting updated), rows that read fine again are removed.
    static func recordSkipped(_ c: PGConnection, _ rows: [SkippedRow], recovered: [String], nowText: String) throws {
        var seen = Set<String>()
        let unique = rows.filter { seen.insert($0.key).inserted }
        if !unique.isEmpty {
            try c.exec("""
                INSERT INTO relance_skipped_rows (table_name, row_key, column_name, reason, first_seen, last_seen)
                SELECT t, k, col, r, $5::timestamptz, $5::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(t, k, col, r)
                ON CONFLICT (table_name, row_key) DO UPDATE SET
                    column_name = excluded.column_name, reason = excluded.reason, last_seen = excluded.last_seen
                """, [PGText.array(unique.map { Optional($0.table) }), PGText.array(unique.map { Optional($0.rowKey) }),
                      PGText.array(unique.map { Optional($0.column) }), PGText.array(unique.map { Optional($0.reason) }), nowText])
        }
        let gone = recovered.map { $0.split(separator: "#", maxSplits: 1).map(String.init) }.filter { $0.count == 2 }
        if !gone.isEmpty {
            try c.exec("""
                DELETE FROM relance_skipped_rows s USING unnest($1::text[], $2::text[]) AS u(t, k)
                WHERE s.table_name = u.t AND s.row_key = u.k
                """, [PGText.array(gone.map { Optional($0[0]) }), PGText.array(gone.map { Optional($0[1]) })])
        }
    }

    /// An array of optional ids (NULL for nil).
    static func ids(_ values: [Int64?]) -> String { PGText.array(values.map { $0.map(String.init) }) }

    public func existingKeys(_ keys: [String]) throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return Set(try query("SELECT key FROM relance_decisions WHERE key = ANY($1::text[])",
                             [PGText.array(keys.map { Optional($0) })]).rows.compactMap { $0.text(0) })
    }
}
