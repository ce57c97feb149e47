import Foundation
import Logging
import RelanceStore

/// Tells the daemon's loop that the platform committed something, so a cycle
/// starts at once instead of at the end of `poll_interval` (which stays the
/// upper bound: a lost wake only delays until the next poll).
///
/// One per store engine: SQLite checks `PRAGMA data_version`; PostgreSQL can
/// LISTEN for a NOTIFY.
protocol WakeSource: Sendable {
    /// Calls `wake` after each commit it notices, until the task is cancelled.
    func watch(wake: @escaping @Sendable () async -> Void) async
}

/// SQLite: a kept read-only connection asked every `every` whether the platform committed.
struct SQLiteCommitWake: WakeSource {
    let path: String
    var every: Duration = .milliseconds(75)
    let logger: Logger

    func watch(wake: @escaping @Sendable () async -> Void) async {
        let watch: CommitWatch
        do {
            watch = try CommitWatch(path: path)
        } catch {
            logger.warning("no wake on commit, polling only: \(error)", metadata: ["error": "\(error)"])
            return
        }
        var failures = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: every)
            } catch {
                return
            }
            do {
                if try watch.platformCommitted() { await wake() }
                failures = 0
            } catch {
                // A locked or busy store: the next check, or the next poll, catches up.
                failures += 1
                if failures == 1 { logger.debug("commit check failed: \(error)") }
            }
        }
    }
}

extension Generation {
    /// The wake source of this generation's store engine (nil: poll only).
    func wakeSource(logger: Logger) -> (any WakeSource)? {
        guard let sqlite = store as? SQLiteStore else { return nil }
        return SQLiteCommitWake(path: sqlite.path, logger: logger)
    }

    /// Between cycles: what the store's engine can give back (SQLite: reader connections and page caches).
    func releaseMemory() {
        (store as? SQLiteStore)?.releaseMemory()
    }
}
