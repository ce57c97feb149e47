import Foundation
import Logging
import RelanceStore

/// PostgreSQL: `LISTEN relance` on a connection of its own, fed by the optional trigger
/// `relance schema --engine postgres` prints. A lost listening connection is made again
/// with backoff (1 s doubling to 30 s), logged once; polling covers the gap.
struct PostgresCommitWake: WakeSource {
    let store: any MessageStore
    let logger: Logger

    func watch(wake: @escaping @Sendable () async -> Void) async {
        let stop = StopFlag()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread { [store, logger] in
                    var backoff: TimeInterval = 1
                    var watcher: (any ChangeWatcher)?
                    var lost = false
                    while !stop.isSet {
                        do {
                            if watcher == nil {
                                guard let made = try store.makeChangeWatcher() else { break }
                                watcher = made
                                if lost { logger.notice("listening for commits again", metadata: ["event": "listen"]) }
                                lost = false
                                backoff = 1
                            }
                            if try watcher!.waitForChange(timeout: 1) { Task { await wake() } }
                        } catch {
                            watcher = nil
                            if !lost {
                                logger.warning("not listening for commits, polling only until it comes back: \(error)",
                                               metadata: ["event": "listen_lost"])
                                lost = true
                            }
                            Thread.sleep(forTimeInterval: backoff)
                            backoff = min(30, backoff * 2)
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
