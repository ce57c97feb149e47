import Foundation
import GRDB
import RelanceCore

extension SQLiteStore {
    /// Cursor names in `relance_cursors`.
    enum Cursor {
        static let requestsCreated = "requests.created_at"
        static let requestsUpdated = "requests.updated_at"
        static let messagesVisible = "messages.visible_at"
    }

    /// When a message becomes visible; the expression of the `relance_messages_visible` index.
    static let visible = "COALESCE(deliver_at, created_at)"

    /// Step 1 of a cycle: puts requests created or changed since the last cycle
    /// into the schedule, due at once, and requests whose timestamps cannot be
    /// read (so the next step reports them). Pure SQL through the indexes.
    ///
    /// Committed without waiting for the disk: lost in a power cut, its rows are ingested again
    /// by the next cycle, and the cycle's record (at FULL) syncs the log with this in it.
    public func ingestChangedRequests(now: Date, catchUp: TimeInterval) throws {
        try unsyncedWrite { db in try Self.ingestChangedRequests(db, now: now, catchUp: catchUp) }
    }

    static func ingestChangedRequests(_ db: Database, now: Date, catchUp: TimeInterval) throws {
        let nowText = Timestamp.format(now)
        // Within the overlap behind a completed cursor (rows committed late), rows read before are
        // left alone: a creation whose request is scheduled was seen; an `updated_at` equal to
        // `created_at` is the creation itself. Scheduling them again made every cycle evaluate all
        // requests of the last 10 minutes (the soak's growing cycle time and memory).
        for (cursor, column, notSeen) in [
            (Cursor.requestsCreated, "created_at", "NOT EXISTS (SELECT 1 FROM relance_schedule s WHERE s.request_id = requests.id)"),
            (Cursor.requestsUpdated, "updated_at", "updated_at IS NOT created_at"),
        ] {
            let stored = try storedCursor(db, cursor)
            let since = try Self.since(db, cursor, now: now, catchUp: catchUp)
            let readUpTo = stored.flatMap { $0.afterID == nil && $0.value <= now ? $0.value : nil } ?? since
            try db.execute(sql: """
                INSERT INTO relance_schedule (request_id, due_at)
                SELECT id, \(column) FROM requests
                WHERE \(column) > ? AND \(column) <= ? AND typeof(id) = 'integer' AND (\(column) > ? OR \(notSeen))
                ON CONFLICT (request_id) DO UPDATE SET due_at = min(due_at, excluded.due_at)
                """, arguments: [Timestamp.format(since), nowText, Timestamp.format(readUpTo)])
            try Self.setCursor(db, cursor, CursorPosition(value: now))
        }
        for id in try unreadableTimestampRequests(db, now: now) {
            try db.execute(sql: "INSERT INTO relance_schedule (request_id, due_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           arguments: [id, nowText])
        }
    }

    /// The ids `ingestChangedRequests` would schedule, without writing (for a dry run).
    static func ingestPreview(_ db: Database, now: Date, catchUp: TimeInterval) throws -> [Int64] {
        var ids: [Int64] = []
        for (cursor, column) in [(Cursor.requestsCreated, "created_at"), (Cursor.requestsUpdated, "updated_at")] {
            let since = try Self.since(db, cursor, now: now, catchUp: catchUp)
            ids += try int64s(db, sql: "SELECT id FROM requests WHERE \(column) > ? AND \(column) <= ?",
                              arguments: [Timestamp.format(since), Timestamp.format(now)])
        }
        return ids + (try unreadableTimestampRequests(db, now: now))
    }

    /// A timestamp value that a rule cannot use.
    static func isUnreadableTimestamp(_ value: PlatformValue) -> Bool {
        if case .text(let s) = value { return Timestamp.parse(s) == nil }
        return true
    }

    /// Requests whose `created_at` or `updated_at` is not a contract timestamp: not text of
    /// the contract's shape (through a partial index that holds only them), or of that shape
    /// but no real instant ('2026-13-01T…', which sorts after `now` and would never come due).
    static func unreadableTimestampRequests(_ db: Database, now: Date) throws -> [Int64] {
        var ids = try int64s(db, sql: "SELECT id FROM requests WHERE \(UnreadableTimestamps.requests) LIMIT 10000")
        for row in try platformRows(db, RowDecoder.Columns(["id", "created_at", "updated_at"]), sql: """
            SELECT id, created_at, updated_at FROM requests WHERE created_at > ? OR updated_at > ?
            """, arguments: [Timestamp.format(now), Timestamp.format(now)])
        where isUnreadableTimestamp(row.value("created_at")) || isUnreadableTimestamp(row.value("updated_at")) {
            if let id = try? row.int64("id") { ids.append(id) }
        }
        return ids
    }

    /// Integers of the first column of `sql`; anything else is left out.
    static func int64s(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Int64] {
        try platformRows(db, RowDecoder.Columns(["value"]), sql: sql, arguments: arguments).compactMap { try? $0.int64("value") }
    }

    static func storedCursor(_ db: Database, _ name: String) throws -> CursorPosition? {
        let columns = RowDecoder.Columns(["value", "after_id"])
        guard let row = try platformRows(db, columns, sql: "SELECT value, after_id FROM relance_cursors WHERE name = ?",
                                         arguments: [name]).first,
              let value = try? row.timestamp("value") else { return nil }
        return CursorPosition(value: value, afterID: try? row.optionalInt64("after_id"))
    }

    /// The instant a read resumes after (requests are ingested set-wise: no partial position).
    static func since(_ db: Database, _ name: String, now: Date, catchUp: TimeInterval) throws -> Date {
        switch CursorPosition.window(stored: try storedCursor(db, name), now: now, catchUp: catchUp) {
        case .since(let t): return t
        case .after(let t, _): return t.addingTimeInterval(-1)
        }
    }

    static func setCursor(_ db: Database, _ name: String, _ position: CursorPosition) throws {
        let stored = try storedCursor(db, name)
        let next = stored.map { CursorPosition.later($0, position) } ?? position
        guard next != stored else { return }
        try db.execute(sql: """
            INSERT INTO relance_cursors (name, value, after_id) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, after_id = excluded.after_id
            """, arguments: [name, Timestamp.format(next.value), next.afterID])
    }

    /// Step 2: reads what the rules need for this cycle.
    public func loadSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int = 50_000) throws -> CycleSnapshot {
        try pool.read { db in try Self.loadSnapshot(db, now: now, policy: policy, catchUp: catchUp, limit: limit) }
    }

    /// What a cycle at `now` would see, changing nothing and taking no write lock
    /// (for `tick --dry-run`): the requests the ingest step would schedule are read as due.
    public func previewSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int = 50_000) throws -> CycleSnapshot {
        try pool.read { db in
            let extra = try Self.ingestPreview(db, now: now, catchUp: catchUp)
            return try Self.loadSnapshot(db, now: now, policy: policy, catchUp: catchUp, limit: limit, extraDue: extra)
        }
    }
}
