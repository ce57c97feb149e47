import Foundation
import RelanceCore
import RelanceStore

extension Dispatcher {
    /// The rows of one drain, shared by its workers: claimed a window at a time, by whichever
    /// worker finds none left (the others wait for that claim rather than claim too).
    final class Feed: @unchecked Sendable {
        let condition = NSCondition()
        var claimed: [OutboxItem]
        var next = 0
        var claiming = false
        var exhausted = false
        var error: (any Error)?
        var stopped = false

        /// Rows per claim: a full claim means more are likely due.
        let window: Int

        init(_ first: [OutboxItem], window: Int) { claimed = first; self.window = window }

        /// The next row to send, claiming more when none is left; nil once nothing is due, a
        /// claim or a send failed, or `keepGoing` said no (asked one worker at a time).
        func next(keepGoing: () -> Bool, claim: (_ expectingMore: Bool) throws -> [OutboxItem]) -> OutboxItem? {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if error != nil || stopped || (exhausted && next >= claimed.count) { return nil }
                if !keepGoing() {
                    stopped = true
                    condition.broadcast()
                    return nil
                }
                if next < claimed.count {
                    defer { next += 1 }
                    return claimed[next]
                }
                if claiming {
                    condition.wait()
                    continue
                }
                claiming = true
                let full = claimed.count >= window
                condition.unlock()
                let result = Result { try claim(full) }
                condition.lock()
                claiming = false
                switch result {
                case .success(let rows):
                    claimed = rows
                    next = 0
                    exhausted = rows.isEmpty
                case .failure(let e):
                    if error == nil { error = e }
                }
                condition.broadcast()
            }
        }

        func fail(_ e: any Error) {
            condition.lock()
            defer { condition.unlock() }
            if error == nil { error = e }
            condition.broadcast()
        }

        /// Once every worker has returned: the first error, and the rows claimed but not taken.
        func end() -> (error: (any Error)?, untaken: [Int64]) {
            condition.lock()
            defer { condition.unlock() }
            return (error, claimed[min(next, claimed.count)...].map(\.id))
        }
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

        /// Counts a recorded result under its channel.
        func tally(_ channel: Channel, _ result: DeliveryResult) {
            let outcome: String
            switch result {
            case .sent: outcome = "sent"
            case .retry: outcome = "retried"
            case .dead: outcome = "dead"
            case .skipped: outcome = "skipped"
            case .postponed: return
            }
            condition.lock()
            defer { condition.unlock() }
            report.byChannel[channel.rawValue, default: [:]][outcome, default: 0] += 1
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

    /// Runs `body` on `count` threads of its own (the caller's among them) and returns when all
    /// have returned. Not on Dispatch's pool: senders block on the network for seconds, and
    /// the daemon's loop (its watchdog pings) must never wait for a thread behind them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchGroup()
        for _ in 1..<max(1, count) {
            done.enter()
            Thread.detachNewThread {
                body()
                done.leave()
            }
        }
        body()
        done.wait()
    }
}
