import Foundation
import RelanceStore

extension Dispatcher {
    /// The shared state of one batch's senders.
    final class Progress: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var error: (any Error)?
        var stopped = false

        /// Asks `keepGoing` (one sender at a time); once it says no, every sender stops.
        func shouldContinue(_ keepGoing: () -> Bool) -> Bool {
            lock.withLock {
                if !stopped && !keepGoing() { stopped = true }
                return !stopped
            }
        }

        func take(from batch: [OutboxItem]) -> OutboxItem? {
            lock.withLock {
                guard error == nil, next < batch.count else { return nil }
                defer { next += 1 }
                return batch[next]
            }
        }

        func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
    }

    /// Group commit of results: one sender writes everything waiting while the others wait
    /// for their own result to be written.
    final class Recorder: @unchecked Sendable {
        let condition = NSCondition()
        var waiting: [(id: Int64, result: DeliveryResult)] = []
        var queued = 0, written = 0
        var writing = false
        var report = Report()

        /// Adds a result and returns once it is written by `write` (which retries until it is).
        func record(_ id: Int64, _ result: DeliveryResult,
                    write: ([(id: Int64, result: DeliveryResult)]) -> Void) {
            condition.lock()
            defer { condition.unlock() }
            waiting.append((id, result))
            queued += 1
            let mine = queued
            while written < mine {
                guard !writing else {
                    condition.wait()
                    continue
                }
                writing = true
                let group = waiting, upTo = queued
                waiting = []
                condition.unlock()
                write(group)
                condition.lock()
                writing = false
                written = upTo
                for (_, result) in group { count(result) }
                condition.broadcast()
            }
        }

        private func count(_ result: DeliveryResult) {
            switch result {
            case .sent: report.sent += 1
            case .retry: report.retried += 1
            case .dead: report.dead += 1
            case .skipped: report.skipped += 1
            case .postponed: break
            }
        }
    }
}
