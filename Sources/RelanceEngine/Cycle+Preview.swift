import Foundation
import RelanceCore
import RelanceStore

extension Cycle {
    /// What the next cycle at `now` sees and decides, changing nothing.
    public struct Preview: Sendable {
        /// The engine's own selection: the requests due in the schedule (after ingesting
        /// what changed) and the messages past the cursor, within the catch-up window.
        public var snapshot: CycleSnapshot
        /// The decisions that cycle would record: not recorded yet, each once.
        public var decisions: [Decision]
    }

    /// The next cycle at `now`, as a dry run: the same ingest, snapshot and `decide` as
    /// `run(now:)`, in a transaction rolled back. `relance explain` words its result.
    public func preview(now: Date) throws -> Preview {
        try store.withRulePass {
            let snapshot = try store.previewSnapshot(now: now, policy: settings.policy, catchUp: settings.catchUp,
                                                     limit: type(of: store).snapshotLimit)
            let record = try decide(snapshot)
            let known = try store.existingKeys(record.decisions.map(\.key))
            var seen = Set<String>()
            let fresh = record.decisions.filter { !known.contains($0.key) && seen.insert($0.key).inserted }
            return Preview(snapshot: snapshot, decisions: fresh)
        }
    }
}
