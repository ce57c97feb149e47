import Foundation
import GRDB
import RelanceCore

/// How long relance keeps its own rows (`[store.retention]`).
public struct Retention: Sendable, Equatable {
    /// Decisions with their outbox rows and proposals, once none of their rows is pending.
    public var decisions: TimeInterval
    /// `relance_cycles` rows, and skipped-row entries not seen again.
    public var cycles: TimeInterval
    /// Rows deleted per transaction, so the platform's writers never wait long.
    public var batchSize = 500
    /// Batches per call: pruning catches up over several cycles, never holds one up.
    public var maxBatches = 20

    public init(decisions: TimeInterval = 400 * 86_400, cycles: TimeInterval = 30 * 86_400) {
        self.decisions = decisions; self.cycles = cycles
    }
}

/// What one pruning pass deleted.
public struct PruneReport: Sendable, Equatable {
    public var decisions = 0
    public var outbox = 0
    public var cycles = 0
    public var skippedRows = 0
    public init() {}
}

extension SQLiteStore {
    /// Deletes what is older than `retention` at `now`, in small transactions.
    /// A decision is deleted with its outbox rows and proposals only when none
    /// of its outbox rows is still pending.
    @discardableResult
    public func prune(now: Date, retention: Retention) throws -> PruneReport {
        var report = PruneReport()
        let decisionCutoff = Timestamp.format(now.addingTimeInterval(-retention.decisions))
        let cycleCutoff = Timestamp.format(now.addingTimeInterval(-retention.cycles))
        // Most cycles have nothing to prune: find out in a read, without taking the write lock.
        let due = try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'decisions' WHERE EXISTS (SELECT 1 FROM relance_decisions d WHERE decided_at < ?
                    AND NOT EXISTS (SELECT 1 FROM relance_outbox o WHERE o.decision_key = d.key AND o.state = 'pending'))
                UNION ALL SELECT 'cycles' WHERE EXISTS (SELECT 1 FROM relance_cycles WHERE now < ?)
                UNION ALL SELECT 'skipped' WHERE EXISTS (SELECT 1 FROM relance_skipped_rows WHERE last_seen < ?)
                """, arguments: [decisionCutoff, cycleCutoff, cycleCutoff])
        }
        for _ in 0..<(due.contains("decisions") ? retention.maxBatches : 0) {
            let (decisions, outbox) = try pool.write { db -> (Int, Int) in
                let keys = try String.fetchAll(db, sql: """
                    SELECT key FROM relance_decisions d WHERE decided_at < ?
                      AND NOT EXISTS (SELECT 1 FROM relance_outbox o WHERE o.decision_key = d.key AND o.state = 'pending')
                    ORDER BY decided_at LIMIT ?
                    """, arguments: [decisionCutoff, retention.batchSize])
                guard !keys.isEmpty else { return (0, 0) }
                let marks = Array(repeating: "?", count: keys.count).joined(separator: ",")
                let args = StatementArguments(keys)
                try db.execute(sql: "DELETE FROM relance_outbox WHERE decision_key IN (\(marks))", arguments: args)
                let outbox = db.changesCount
                try db.execute(sql: "DELETE FROM relance_proposals WHERE decision_key IN (\(marks))", arguments: args)
                try db.execute(sql: "DELETE FROM relance_decisions WHERE key IN (\(marks))", arguments: args)
                return (db.changesCount, outbox)
            }
            report.decisions += decisions
            report.outbox += outbox
            if decisions < retention.batchSize { break }
        }
        for _ in 0..<(due.contains("cycles") ? retention.maxBatches : 0) {
            let deleted = try pool.write { db -> Int in
                try db.execute(sql: """
                    DELETE FROM relance_cycles WHERE id IN (SELECT id FROM relance_cycles WHERE now < ? ORDER BY now LIMIT ?)
                    """, arguments: [cycleCutoff, retention.batchSize])
                return db.changesCount
            }
            report.cycles += deleted
            if deleted < retention.batchSize { break }
        }
        guard due.contains("skipped") else { return report }
        report.skippedRows = try pool.write { db -> Int in
            try db.execute(sql: "DELETE FROM relance_skipped_rows WHERE last_seen < ?", arguments: [cycleCutoff])
            return db.changesCount
        }
        return report
    }

    /// Rows per relance table, for `relance status`.
    public func tableSizes() throws -> [(table: String, rows: Int)] {
        try pool.read { db in
            try ["relance_decisions", "relance_outbox", "relance_proposals", "relance_schedule", "relance_cycles",
                 "relance_skipped_rows"].map { table in
                (table, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0)
            }
        }
    }
}
