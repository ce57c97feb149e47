import Foundation
import Logging
import RelanceConfig
import RelanceDelivery
import RelanceEngine
import RelanceStore

/// One loaded configuration and the services built from it. A reload builds a
/// new generation and swaps it in only when the whole of it could be built.
struct Generation: Sendable {
    let config: Config
    let store: any MessageStore
    let cycle: Cycle
    let dispatcher: Dispatcher

    /// Checks what `READY=1` promises: the store opens and is migrated, the
    /// transports and the link secret are there. The store is reused when its path is unchanged.
    static func build(_ config: Config, logger: Logger, reusing previous: Generation? = nil) throws -> Generation {
        let wiring = Wiring(config: config)
        let store: any MessageStore
        if let previous, previous.config.store == config.store {
            store = previous.store
        } else {
            store = try wiring.openStore(logger: logger)
        }
        return Generation(config: config, store: store, cycle: wiring.cycle(store, logger: logger),
                          dispatcher: try wiring.dispatcher(store, logger: logger))
    }

    struct Summary: Sendable {
        var durationMs: Double
        var decisions: Int
        /// Decisions per rule (for the metrics file).
        var decisionsByRule: [String: Int]
        var skippedRows: Int
        /// Delivered since the previous cycle (delivery runs beside the cycles).
        var delivery = Dispatcher.Report()
        var outbox: OutboxDepth
        /// Transports paused by their circuit breaker.
        var failing: [TransportHealth] = []
        /// The cycle stopped at its per-cycle limit: the next one starts at once, not after `poll_interval`.
        var morePending = false
    }

    /// One poll cycle at `now`: the rules, recorded. Delivery is not waited for: it drains
    /// on its own thread (`DeliveryLoop`).
    /// `progress` is called as each step of the cycle ends (for the watchdog).
    func decide(now: Date, progress: () -> Void = {}) throws -> Summary {
        let started = ContinuousClock.now
        let report = try cycle.run(now: now, progress: progress)
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let byRule = Dictionary(report.decisions.map { ($0.rule.rawValue, 1) }, uniquingKeysWith: +)
        var summary = Summary(durationMs: ms, decisions: report.decisions.count, decisionsByRule: byRule,
                              skippedRows: report.skipped.count, outbox: try store.outboxDepth())
        summary.morePending = report.morePending
        return summary
    }
}

extension Generation.Summary {
    /// The `STATUS=` line, e.g. `cycle 12 ms, 3 decisions, 2 sent, outbox 0 pending, 1 deferred, 0 dead`,
    /// then `; email relay failing since … (last error …)` while a transport is paused.
    var statusLine: String {
        "cycle \(Int(durationMs.rounded())) ms, \(decisions) decisions, \(delivery.sent) sent, "
            + "outbox \(outbox.pending) pending, \(outbox.deferred) deferred, \(outbox.dead) dead"
            + failing.map { "; " + $0.sentence }.joined()
    }
}
