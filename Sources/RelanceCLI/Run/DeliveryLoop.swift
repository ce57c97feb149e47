import Foundation
import Logging
import RelanceDelivery
import RelanceStore

/// Delivery on its own thread, beside the poll cycles: deciding never waits for
/// a send, and a slow relay holds up nothing but its own rows.
///
/// It drains the outbox, then sleeps until a cycle wakes it (new decisions) or
/// `poll_interval` passes (rows whose retry time or pause came). A stop lets the
/// send under way finish; the loop then ends and calls `onEnd`.
final class DeliveryLoop: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: Generation
    private var woken = false
    private var stopping = false
    private var totals = Dispatcher.Report()
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let onEnd: @Sendable () -> Void
    private let onProgress: @Sendable () -> Void

    /// `clock`: the daemon's wall clock (the instant each attempt happens). `onProgress` is called
    /// before each send (the watchdog's food: a drain blocked on the store's lock makes none).
    init(_ generation: Generation, clock: @escaping @Sendable () -> Date, logger: Logger,
         onProgress: @escaping @Sendable () -> Void = {}, onEnd: @escaping @Sendable () -> Void) {
        self.generation = generation
        self.clock = clock
        self.logger = logger
        self.onProgress = onProgress
        self.onEnd = onEnd
    }

    func start() {
        Thread.detachNewThread { [self] in
            run()
            onEnd()
        }
    }

    /// New decisions were recorded: drain now.
    func wake() { condition.withLock { woken = true; condition.signal() } }

    /// A reload: the next drain uses the new configuration.
    func use(_ next: Generation) { condition.withLock { generation = next } }

    /// Ends the drain after its current send, then the loop.
    func stop() { condition.withLock { stopping = true; condition.signal() } }

    /// What was delivered since the last call (for the cycle's `STATUS=` line), and the paused transports.
    func take() -> (Dispatcher.Report, [TransportHealth]) {
        condition.withLock {
            defer { totals = Dispatcher.Report() }
            return (totals, generation.dispatcher.failingTransports())
        }
    }

    private var isStopping: Bool { condition.withLock { stopping } }

    private func run() {
        var failing: String?
        while !isStopping {
            let current = condition.withLock { generation }
            do {
                let report = try current.dispatcher.drain(clock: clock, keepGoing: { [self] in
                    onProgress()
                    return !isStopping
                })
                condition.withLock {
                    totals.sent += report.sent; totals.retried += report.retried
                    totals.dead += report.dead; totals.skipped += report.skipped
                    for (channel, counts) in report.byChannel {
                        for (outcome, n) in counts { totals.byChannel[channel, default: [:]][outcome, default: 0] += n }
                    }
                }
                if failing != nil { logger.notice("delivery works again", metadata: ["event": "delivery_recovered"]) }
                failing = nil
            } catch {
                // Once per outage, not once per poll (StoreUnavailable: the database is away).
                let kind = error is StoreUnavailable ? "the store is unavailable" : "\(error)"
                if failing != kind {
                    logger.error("delivery stopped: \(error); taken up again in \(current.config.store.pollInterval)s",
                                 metadata: ["event": "delivery_failed", "error": "\(error)"])
                }
                failing = kind
            }
            MemoryTrim.afterCycle()  // what rendering and sending allocated goes back before the wait
            condition.withLock {
                let until = Date().addingTimeInterval(TimeInterval(current.config.store.pollInterval))
                while !woken && !stopping && condition.wait(until: until) {}
                woken = false
            }
        }
    }
}
