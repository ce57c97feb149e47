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
}

extension SQLiteStore {
    public func outboxDepth() throws -> OutboxDepth {
        try pool.read { db in try Self.outboxDepth(db) }
    }

    /// The last cycle, per-rule counts since `since`, and the outbox depth.
    public func status(since: Date) throws -> StoreStatus {
        let sinceText = Timestamp.format(since)
        return try pool.read { db in
            var s = StoreStatus()
            if let row = try Row.fetchOne(db, sql: """
                SELECT now, started_at, duration_ms, decisions, skipped FROM relance_cycles ORDER BY id DESC LIMIT 1
                """), let now = Timestamp.parse(row["now"] ?? ""), let started = Timestamp.parse(row["started_at"] ?? "") {
                s.lastCycle = .init(now: now, startedAt: started, durationMs: row["duration_ms"],
                                    decisions: row["decisions"], skipped: row["skipped"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT rule, COUNT(*) AS n FROM relance_decisions WHERE decided_at >= ? GROUP BY rule
                """, arguments: [sinceText]) {
                if let rule = RuleName(rawValue: row["rule"] ?? "") { s.decisionsByRule[rule] = row["n"] }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT d.rule, COUNT(*) AS n FROM relance_outbox o JOIN relance_decisions d ON d.key = o.decision_key
                WHERE o.state = 'sent' AND o.sent_at >= ? GROUP BY d.rule
                """, arguments: [sinceText]) {
                if let rule = RuleName(rawValue: row["rule"] ?? "") { s.sentByRule[rule] = row["n"] }
            }
            s.outbox = try Self.outboxDepth(db)
            return s
        }
    }

    static func outboxDepth(_ db: Database) throws -> OutboxDepth {
        var depth = OutboxDepth()
        for row in try Row.fetchAll(db, sql: """
            SELECT CASE WHEN state = 'pending' AND attempts > 0 THEN 'deferred' ELSE state END AS kind, COUNT(*) AS n
            FROM relance_outbox WHERE state IN ('pending', 'dead') GROUP BY kind
            """) {
            switch row["kind"] as String? {
            case "pending": depth.pending = row["n"]
            case "deferred": depth.deferred = row["n"]
            case "dead": depth.dead = row["n"]
            default: break
            }
        }
        let oldest = try String.fetchOne(db, sql: "SELECT MIN(created_at) FROM relance_outbox WHERE state = 'pending'")
        depth.oldestPendingSince = oldest.flatMap(Timestamp.parse)
        return depth
    }
}
