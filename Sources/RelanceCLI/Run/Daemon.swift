import Foundation
import Logging
import RelanceConfig
import RelanceStore
import RelanceSystemd
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `relance run`'s loop, as a swift-service-lifecycle `Service`.
///
/// One cycle every `poll_interval`, never two at once: a cycle runs on its own
/// thread and the loop waits for its end before scheduling the next. The loop
/// alone reads the clock (`wallClock`, which tests may set; see `DaemonClock`), sends `WATCHDOG=1`, applies reloads between cycles,
/// and on a graceful shutdown lets the cycle in flight finish its current send
/// for at most `delivery.shutdown_grace`.
struct Daemon: Service {
    enum Event: Sendable {
        case cycleEnded(Result<Generation.Summary, any Error>)
        case reload
        case stop
        /// The store signalled a commit: a cycle now rather than at the next poll.
        case wake
    }

    /// Shared with the cycle's thread: the stop request, and progress for the watchdog.
    final class CycleControl: Sendable {
        let stopping = Atomic<Bool>(false)
        let progress = Atomic<Int>(0)

        /// Asked before each send: counts as progress, false once stopping.
        func keepGoing() -> Bool {
            progress.add(1, ordering: .relaxed)
            return !stopping.load(ordering: .relaxed)
        }
    }

    let configPath: String
    let first: Generation
    let logger: Logger
    let notifier: SystemdNotifier
    /// Half of `WATCHDOG_USEC`, when the watchdog is on for this process.
    let watchdogPing: Duration?
    /// The cycles' `now`: the system clock, or the instant set by `RELANCE_TEST_NOW`.
    let wallClock: DaemonClock
    let inbox = Inbox<Event>()
    let control = CycleControl()

    func run() async throws {
        // SIGHUP is trapped before READY=1: its default action would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withDiscardingTaskGroup { group in
            group.addTask { [inbox] in
                for await _ in hangups { await inbox.post(.reload) }
            }
            WakeSource.start(store: first.store, logger: logger) { [inbox] in Task { await inbox.post(.wake) } }
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
        var running = false, stopping = false, reloadWanted = false
        var graceEnds: ContinuousClock.Instant?
        var progressAtPing = control.progress.load(ordering: .relaxed)
        var failing: String?
        var wakeWanted = false

        while true {
            let deadline = [running || stopping ? nil : nextCycle, nextPing, graceEnds].compactMap { $0 }.min()
            let event = await inbox.next(until: deadline)
            let now = clock.now
            switch event {
            case .stop?:
                guard !stopping else { break }
                stopping = true
                guard running else {
                    logger.notice("stopped")
                    return
                }
                let grace = current.config.delivery.shutdownGrace
                graceEnds = now.advanced(by: .seconds(grace))
                logger.notice("stopping: the cycle in flight has \(grace)s to finish its send")
            case .reload?:
                if running { reloadWanted = true } else { current = reload(current) }
            case .wake?:
                if running { wakeWanted = true } else { nextCycle = now }
            case .cycleEnded(let result)?:
                running = false
                if wakeWanted { wakeWanted = false; nextCycle = now }
                report(result, failing: &failing)
                if stopping {
                    logger.notice("stopped")
                    return
                }
                if reloadWanted {
                    reloadWanted = false
                    current = reload(current)
                }
            case nil:
                break
            }
            if let graceEnds, now >= graceEnds {
                logger.warning("stopped with a send in flight: its outbox row is retried once its lease expires")
                return
            }
            if let ping = watchdogPing, let due = nextPing, now >= due {
                // While a cycle runs, only its progress keeps the watchdog fed: a stuck cycle gets us restarted.
                let progress = control.progress.load(ordering: .relaxed)
                if !running || progress != progressAtPing { notifier.watchdog() }
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

    /// Runs a cycle on its own thread: SQLite and the transports block, and must not hold Swift's cooperative pool.
    func start(_ generation: Generation, at now: Date) {
        Thread.detachNewThread { [inbox, control] in
            let result = Result { try generation.tick(now: now, keepGoing: control.keepGoing) }
            control.progress.add(1, ordering: .relaxed)
            Task { await inbox.post(.cycleEnded(result)) }
        }
    }

    /// A failure is logged once, however many cycles it lasts (`failing` remembers it),
    /// and its end once: a database down for ten minutes is two lines, not six hundred.
    func report(_ result: Result<Generation.Summary, any Error>, failing: inout String?) {
        switch result {
        case .success(let s):
            if let failure = failing {
                logger.notice("cycles succeed again after: \(failure)", metadata: ["event": "recovered"])
                failing = nil
            }
            notifier.status(s.statusLine)
            logger.info("\(s.statusLine)", metadata: [
                "event": "cycle", "decisions": "\(s.decisions)", "sent": "\(s.delivery.sent)",
                "retried": "\(s.delivery.retried)", "dead": "\(s.delivery.dead)", "rows_skipped": "\(s.skippedRows)",
                "duration_ms": "\(Int(s.durationMs.rounded()))",
            ])
        case .failure(let error):
            notifier.status("last cycle failed: \(error)")
            let kind = error is StoreUnavailable ? "the store is unavailable" : "\(error)"
            guard kind != failing else { return }
            failing = kind
            logger.error("cycle failed: \(error)", metadata: ["error": "\(error)"])
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
