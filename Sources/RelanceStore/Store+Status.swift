import Foundation
import GRDB
import RelanceCore

/// The outbox by state, for the daemon's `STATUS=` line and `relance status`.
public struct OutboxDepth: Sendable, Equatable {
    /// Waiting for a first attempt (due now, or held by quiet hours).
    public var pending = 0
    /// Waiting to be retried after a temporary failure.
    public var deferred = 0
    /// Given up: a permanent failure or the lifetime exceeded.
    public var dead = 0
    /// When the oldest row still pending or deferred was created.
    public var oldestPendingSince: Date?

    public init() {}
}

/// What `relance status` shows: read from the store, so it works while the daemon runs.
public struct StoreStatus: Sendable {
    public struct LastCycle: Sendable {
        public var now: Date
        public var startedAt: Date
        public var durationMs: Double
        public var decisions: Int
        public var skipped: Int
    }

    public var lastCycle: LastCycle?
    /// Decisions made per rule since `since`.
    public var decisionsByRule: [RuleName: Int] = [:]
    /// Outbox rows sent per rule since `since`.
    public var sentByRule: [RuleName: Int] = [:]
    public var outbox = OutboxDepth()
    /// Platform rows skipped now (in `relance_skipped_rows`), per table.
    public var skippedRows: [String: Int] = [:]
    /// Decisions since `since` recorded without sending, by reason (`too_old`, `coalesced`).
    public var notSent: [String: Int] = [:]
    /// Rows in each of relance's tables.
    public var tableSizes: [(table: String, rows: Int)] = []
}

extension SQLiteStore {
    public func outboxDepth() throws -> OutboxDepth {
        try pool.read { db in try Self.outboxDepth(db) }
    }

    /// The last cycle, per-rule counts since `since`, and the outbox depth.
    public func status(since: Date) throws -> StoreStatus {
        let sinceText = Timestamp.format(since)
        var status = try pool.read { db in
            var s = StoreStatus()
            if let row = try Self.platformRows(db, RowDecoder.Columns(["now", "started_at", "duration_ms", "decisions", "skipped"]), sql: """
                SELECT now, started_at, duration_ms, decisions, skipped FROM relance_cycles ORDER BY id DESC LIMIT 1
                """).first, let now = try? row.timestamp("now"), let started = try? row.timestamp("started_at") {
                s.lastCycle = .init(now: now, startedAt: started,
                                    durationMs: (try? row.optionalDouble("duration_ms", within: 0...Double.greatestFiniteMagnitude)) ?? 0,
                                    decisions: Self.count(row, "decisions"), skipped: Self.count(row, "skipped"))
            }
            let counts = RowDecoder.Columns(["name", "n"])
            for row in try Self.platformRows(db, counts, sql: """
                SELECT rule, COUNT(*) AS n FROM relance_decisions WHERE decided_at >= ? GROUP BY rule
                """, arguments: [sinceText]) {
                if let rule = RuleName(rawValue: (try? row.text("name")) ?? "") { s.decisionsByRule[rule] = Self.count(row, "n") }
            }
            for row in try Self.platformRows(db, counts, sql: """
                SELECT d.rule, COUNT(*) AS n FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                WHERE o.state = 'sent' AND o.sent_at >= ? GROUP BY d.rule
                """, arguments: [sinceText]) {
                if let rule = RuleName(rawValue: (try? row.text("name")) ?? "") { s.sentByRule[rule] = Self.count(row, "n") }
            }
            for row in try Self.platformRows(db, counts, sql: """
                SELECT reason, COUNT(*) AS n FROM relance_decisions
                WHERE decided_at >= ? AND reason IN ('\(MessageRules.tooOldReason)', '\(AlertCoalescing.coalescedReason)')
                GROUP BY reason
                """, arguments: [sinceText]) {
                if let reason = try? row.text("name") { s.notSent[reason] = Self.count(row, "n") }
            }
            for row in try Self.platformRows(db, counts, sql: """
                SELECT table_name, COUNT(*) AS n FROM relance_skipped_rows GROUP BY table_name
                """) {
                if let table = try? row.text("name") { s.skippedRows[table] = Self.count(row, "n") }
            }
            s.outbox = try Self.outboxDepth(db)
            return s
        }
        status.tableSizes = try tableSizes()
        return status
    }

    static func outboxDepth(_ db: Database) throws -> OutboxDepth {
        var depth = OutboxDepth()
        for row in try platformRows(db, RowDecoder.Columns(["kind", "n"]), sql: """
            SELECT CASE WHEN state = 'pending' AND attempts > 0 THEN 'deferred' ELSE state END AS kind, COUNT(*) AS n
            FROM relance_outbox WHERE state IN ('pending', 'dead') GROUP BY kind
            """) {
            switch try? row.text("kind") {
            case "pending": depth.pending = count(row, "n")
            case "deferred": depth.deferred = count(row, "n")
            case "dead": depth.dead = count(row, "n")
            default: break
            }
        }
        depth.oldestPendingSince = try platformRows(db, RowDecoder.Columns(["oldest"]), sql: """
            SELECT MIN(created_at) FROM relance_outbox WHERE state = 'pending'
            """).first.flatMap { try? $0.timestamp("oldest") }
        return depth
    }

    static func count(_ row: PlatformRow, _ column: String) -> Int {
        Int(clamping: (try? row.int64(column)) ?? 0)
    }
}
