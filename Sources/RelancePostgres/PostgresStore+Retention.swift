import Foundation
import RelanceStore

extension PostgresStore {
    /// As SQLite's: what is older than `retention`, in small transactions; a decision goes
    /// with its outbox rows and proposals only when none of its rows is still pending.
    @discardableResult
    public func prune(now: Date, retention: Retention) throws -> PruneReport {
        var report = PruneReport()
        let decisionCutoff = PGText.param(now.addingTimeInterval(-retention.decisions))
        let cycleCutoff = PGText.param(now.addingTimeInterval(-retention.cycles))
        let batch = String(retention.batchSize)
        for _ in 0..<retention.maxBatches {
            let (decisions, outbox) = try transaction { c -> (Int, Int) in
                let keys = try c.exec("""
                    SELECT key FROM relance_decisions d WHERE decided_at < $1
                      AND NOT EXISTS (SELECT 1 FROM relance_outbox o WHERE o.decision_key = d.key AND o.state = 'pending')
                    ORDER BY decided_at LIMIT $2
                    """, [decisionCutoff, batch]).rows.compactMap { $0.text(0) }
                guard !keys.isEmpty else { return (0, 0) }
                let array = PGText.array(keys.map { Optional($0) })
                let outbox = try c.exec("DELETE FROM relance_outbox WHERE decision_key = ANY($1::text[])", [array]).affected
                try c.exec("DELETE FROM relance_proposals WHERE decision_key = ANY($1::text[])", [array])
                return (try c.exec("DELETE FROM relance_decisions WHERE key = ANY($1::text[])", [array]).affected, outbox)
            }
            report.decisions += decisions
            report.outbox += outbox
            if decisions < retention.batchSize { break }
        }
        for _ in 0..<retention.maxBatches {
            let deleted = try query("""
                DELETE FROM relance_cycles WHERE id IN (SELECT id FROM relance_cycles WHERE now < $1 ORDER BY now LIMIT $2)
                """, [cycleCutoff, batch]).affected
            report.cycles += deleted
            if deleted < retention.batchSize { break }
        }
        report.skippedRows = try query("DELETE FROM relance_skipped_rows WHERE last_seen < $1", [cycleCutoff]).affected
        return report
    }
}
