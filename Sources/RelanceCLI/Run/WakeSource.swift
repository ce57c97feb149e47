import Foundation
import Logging
import RelanceStore
import Synchronization

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
///
/// The checks run on a thread of their own that sleeps between them: a Swift
/// `Task.sleep` loop cost about three times the CPU per check (timer thread,
/// cooperative pool), which is what an idle daemon spends.
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
        let stop = StopFlag()
        let interval = UInt32(every.components.seconds) * 1_000_000 + UInt32(every.components.attoseconds / 1_000_000_000_000)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread { [logger] in
                    var failures = 0
                    while !stop.isSet {
                        usleep(interval)
                        do {
                            if try watch.platformCommitted() { Task { await wake() } }
                            failures = 0
                        } catch {
                            // A locked or busy store: the next check, or the next poll, catches up.
                            failures += 1
                            if failures == 1 { logger.debug("commit check failed: \(error)") }
                        }
                    }
                    done.resume()
                }
            }
        } onCancel: {
            stop.set()
        }
    }
}

/// Set once, from the task's cancellation; read by the checking thread.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

extension Generation {
    /// The wake source of this generation's store engine (nil: poll only).
    func wakeSource(logger: Logger) -> (any WakeSource)? {
        if store.engine == .postgres { return PostgresCommitWake(store: store, logger: logger) }
        guard let sqlite = store as? SQLiteStore else { return nil }
        return SQLiteCommitWake(path: sqlite.path, logger: logger)
    }

    /// Between cycles: what the store's engine can give back (SQLite: reader connections and page caches).
    func releaseMemory() {
        (store as? SQLiteStore)?.releaseMemory()
    }
}
