import Foundation
import Logging
import RelanceStore

/// Wakes the daemon's loop when the store signals a commit (PostgreSQL `LISTEN`),
/// on a thread of its own; a lost watch is made again with backoff. Polling stays
/// the fallback, so a watch that cannot be made costs only latency.
enum WakeSource {
    static func start(store: any MessageStore, logger: Logger, wake: @escaping @Sendable () -> Void) {
        guard store.engine == .postgres else { return }
        Thread.detachNewThread {
            var backoff: TimeInterval = 1
            var watcher: (any ChangeWatcher)?
            var lostLogged = false
            while true {
                do {
                    if watcher == nil {
                        watcher = try store.makeChangeWatcher()
                        guard watcher != nil else { return }
                        if lostLogged { logger.notice("listening for commits again", metadata: ["event": "listen"]) }
                        lostLogged = false
                        backoff = 1
                    }
                    if try watcher!.waitForChange(timeout: 60) { wake() }
                } catch {
                    watcher = nil
                    if !lostLogged {
                        logger.warning("not listening for commits (polling only until it comes back): \(error)",
                                       metadata: ["event": "listen_lost"])
                        lostLogged = true
                    }
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(30, backoff * 2)
                }
            }
        }
    }
}
