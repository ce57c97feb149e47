import Foundation
import Logging
import RelanceConfig
import RelanceDelivery
import RelanceStore
import RelanceSystemd
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `relance run`'s loop, as a swift-service-lifecycle `Service`.
///
/// One cycle every `poll_interval`, never two at once: a cycle (deciding and
/// recording) runs on its own thread and the loop waits for its end before
/// scheduling the next. Delivery drains on another thread (`DeliveryLoop`), woken
/// by each cycle that decided something: a slow relay never delays a decision.
/// The loop alone reads the clock (`wallClock`, which tests may set; see
/// `DaemonClock`; the delivery thread reads the same one), sends `WATCHDOG=1`,
/// applies reloads between cycles, and on a graceful shutdown lets the send in
/// flight finish for at most `delivery.shutdown_grace`.
struct Daemon: Service {
    enum Event: Sendable {
        case cycleEnded(Result<Generation.Summary, any Error>)
        case deliveryEnded
        case reload
        case stop
        /// The wake source saw the platform commit: a cycle now, or right after the one in flight.
        case storeChanged
    }

    /// Shared with the cycle's thread: the stop request, and progress for the watchdog.
    final class CycleControl: Sendable {
        let stopping = Atomic<Bool>(false)
        let progress = Atomic<Int>(0)
    }

    let configPath: String
    let first: Generation
    let logger: Logger
    let notifier: SystemdNotifier
    /// Half of `WATCHDOG_USEC`, when the watchdog is on for this process.
    let watchdogPing: Duration?
    /// The cycles' `now`: the system clock, or the instant set by `RELANCE_TEST_NOW`.
    let wallClock: DaemonClock
    /// Starts a cycle before `poll_interval` when the platform commits (nil: poll only).
    var wakeSource: (any WakeSource)? = nil
    let inbox = Inbox<Event>()
    /// The failure being reported, so that it is logged once and its end once.
    let failures = FailureMemory()
    let control = CycleControl()

    func run() async throws {
        // SIGHUP is trapped before READY=1: its default action would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withDiscardingTaskGroup { group in
            group.addTask { [inbox] in
                for await _ in hangups { await inbox.post(.reload) }
            }
            if let wakeSource {
                group.addTask { [inbox] in await wakeSource.watch { await inbox.post(.storeChanged) } }
            }
            await withGracefulShutdownHandler {
                await loop()
            } onGracefulShutdown: { [inbox, control, notifier] in
                notifier.stopping()
                control.stopping.store(true, ordering: .relaxed)
                Task { await inbox.post(.stop) }
            }
            group.cancelAll()
        }
    }

    func loop() async {
        let clock = ContinuousClock()
        var current = first
        notifier.ready(status: "started, first cycle now")
        if let notice = wallClock.testNotice { logger.warning("\(notice)") }
        logger.notice("relance started", metadata: ["poll_interval": "\(current.config.store.pollInterval)s",
                                                    "watchdog": "\(watchdogPing.map { "\($0 * 2)" } ?? "off")"])
        var nextCycle = clock.now
        var nextPing = watchdogPing.map { clock.now.advanced(by: $0) }
        if watchdogPing != nil { notifier.watchdog() }
        var running = false, stopping = false, reloadWanted = false, cycleWanted = false, delivering = true
        let delivery = DeliveryLoop(first, clock: { [wallClock] in wallClock.now() }, logger: logger,
                                    onProgress: { [control] in control.progress.add(1, ordering: .relaxed) }) { [inbox] in
            Task { await inbox.post(.deliveryEnded) }
        }
        delivery.start()
        var graceEnds: ContinuousClock.Instant?
        var progressAtPing = control.progress.load(ordering: .relaxed)
        var lastMoved = clock.now
        var metrics = Metrics()
        var metricsError: String?

        while true {
            let deadline = [running || stopping ? nil : nextCycle, nextPing, graceEnds].compactMap { $0 }.min()
            let event = await inbox.next(until: deadline)
            let now = clock.now
            switch event {
            case .stop?:
                guard !stopping else { break }
                stopping = true
                delivery.stop()
                guard running || delivering else {
                    logger.notice("stopped")
                    return
                }
                let grace = current.config.delivery.shutdownGrace
                graceEnds = now.advanced(by: .seconds(grace))
                logger.notice("stopping: the cycle in flight has \(grace)s to finish its send")
            case .reload?:
                if running { reloadWanted = true } else { current = reload(current); delivery.use(current) }
            case .storeChanged?:
                if running { cycleWanted = true } else { nextCycle = now }
            case .cycleEnded(let result)?:
                running = false
                if case .success(let s) = result, s.decisions > 0 { delivery.wake() }
                let summary = report(result, delivery.take())
                let endedAt = wallClock.now()
                metrics.record(summary, at: endedAt)
                if let file = current.config.metrics.textfile {
                    do throws(Metrics.WriteError) {
                        try Metrics.write(metrics.text(now: endedAt), to: file)
                        metricsError = nil
                    } catch {
                        // Once per distinct failure, not once per cycle.
                        if metricsError != error.description { logger.warning("\(error)", metadata: ["error": "\(error)"]) }
                        metricsError = error.description
                    }
                }
                // Work left past the per-cycle limit is taken at once, without waiting a poll interval.
                if case .success(let s) = result, s.morePending { nextCycle = now }
                if stopping && !delivering {
                    logger.notice("stopped")
                    return
                }
                if reloadWanted {
                    reloadWanted = false
                    current = reload(current)
                    delivery.use(current)
                }
                if cycleWanted {
                    cycleWanted = false
                    nextCycle = now
                }
            case .deliveryEnded?:
                delivering = false
                if stopping && !running {
                    logger.notice("stopped")
                    return
                }
            case nil:
                break
            }
            if let graceEnds, now >= graceEnds {
                logger.warning("stopped with a send in flight: its outbox row is retried once its lease expires")
                return
            }
            if let ping = watchdogPing, let due = nextPing, now >= due {
                // While a cycle runs, only progress (its steps, or sends) keeps the watchdog fed: a daemon stuck
                // on a lock gets restarted. A step may take longer than one ping interval on a loaded machine, so
                // pings stop once nothing has moved for a whole watchdog interval (two pings), not for one.
                let progress = control.progress.load(ordering: .relaxed)
                if !running || progress != progressAtPing { lastMoved = now }
                if now - lastMoved < ping * 2 { notifier.watchdog() }
                progressAtPing = progress
                nextPing = now.advanced(by: ping)
            }
            if !running, !stopping, now >= nextCycle {
                running = true
                nextCycle = now.advanced(by: .seconds(current.config.store.pollInterval))
                start(current, at: wallClock.now())
            }
        }
    }

    /// Runs a cycle on its own thread: SQLite blocks, and must not hold Swift's cooperative pool.
    func start(_ generation: Generation, at now: Date) {
        Thread.detachNewThread { [inbox, control] in
            let result = Result { try generation.decide(now: now, progress: { control.progress.add(1, ordering: .relaxed) }) }
            control.progress.add(1, ordering: .relaxed)
            Task { await inbox.post(.cycleEnded(result)) }
            // After the cycle has ended for the loop (and its watchdog): what it read goes back.
            generation.releaseMemory()
            MemoryTrim.afterCycle()
        }
    }

    /// Logs the cycle and sets the status line; returns the summary with the deliveries since the last cycle.
    @discardableResult
    func report(_ result: Result<Generation.Summary, any Error>,
                _ delivery: (Dispatcher.Report, [TransportHealth])) -> Result<Generation.Summary, any Error> {
        switch result {
        case .success(var s):
            if let failure = failures.current {
                logger.notice("cycles succeed again after: \(failure)", metadata: ["event": "recovered"])
                failures.current = nil
            }
            (s.delivery, s.failing) = delivery
            notifier.status(s.statusLine)
            logger.info("\(s.statusLine)", metadata: [
                "event": "cycle", "decisions": "\(s.decisions)", "sent": "\(s.delivery.sent)",
                "retried": "\(s.delivery.retried)", "dead": "\(s.delivery.dead)", "rows_skipped": "\(s.skippedRows)",
                "duration_ms": "\(Int(s.durationMs.rounded()))",
            ])
            return .success(s)
        case .failure(let error):
            notifier.status("last cycle failed: \(error)")
            // Logged once however many cycles it lasts (a database down for ten minutes is two lines).
            let kind = error is StoreUnavailable ? "the store is unavailable" : "\(error)"
            guard failures.current != kind else { return result }
            failures.current = kind
            logger.error("cycle failed: \(error)", metadata: ["error": "\(error)"])
            return result
        }
    }

    /// SIGHUP: `RELOADING=1`, then `READY=1` with the new config, or with the old one when the new one is bad.
    func reload(_ current: Generation) -> Generation {
        notifier.reloading()
        do {
            let config = try ConfigCheck.load(path: configPath)
            let next = try Generation.build(config, logger: logger, reusing: current)
            logThreshold.level = Logger.Level(config.log.level)
            logger.notice("configuration reloaded from \(configPath)", metadata: ["event": "config_reloaded"])
            notifier.ready(status: "configuration reloaded")
            return next
        } catch {
            let reasons = (error as? ConfigErrors)?.errors.map(\.description) ?? ["\(configPath): \(error)"]
            for reason in reasons {
                logger.error("configuration rejected, still running the previous one: \(reason)",
                             metadata: ["event": "config_rejected", "error": "\(reason)"])
            }
            notifier.ready(status: "reload rejected (\(reasons.count) errors), running the previous configuration")
            return current
        }
    }
}

/// The cycles' current failure, touched by the loop only.
final class FailureMemory: @unchecked Sendable {
    var current: String?
}
