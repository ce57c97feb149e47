import Foundation
import Glibc
import Synchronization
import GRDB
import Testing

/// `relance run` under a fake systemd: a NOTIFY_SOCKET the test reads, a watchdog, signals.
@Suite(.serialized) struct RunNotifyTests {
    @Test func readyStatusWatchdogReloadAndStop() throws {
        let (dir, config) = try DaemonFixture.make()
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000",
        ], watchdogPID: true, in: dir)
        defer { daemon.kill9() }

        let ready = notify.waitFor(timeout: 15) { $0.contains("READY=1") }
        #expect(ready != nil, "no READY=1; stderr:\n\(daemon.stderr)")
        let status = notify.waitFor(timeout: 10) { $0.hasPrefix("STATUS=cycle ") }
        #expect(status?.contains(" decisions, ") == true && status?.contains("pending") == true,
                "STATUS: \(status ?? "none")\n\(daemon.stderr)")

        // WATCHDOG_USEC = 1 s: a ping every 0.5 s from the loop.
        let window = notify.collect(for: 2.2)
        let pings = window.filter { $0 == "WATCHDOG=1" }.count
        #expect(pings >= 3, "\(pings) watchdog pings in 2.2 s: \(window)")
        #expect(window.filter { $0.hasPrefix("STATUS=cycle ") }.count >= 1, "cycles every second: \(window)")

        // A good reload: RELOADING=1 with MONOTONIC_USEC, then READY=1.
        daemon.signal(SIGHUP)
        let reloading = notify.waitFor(timeout: 5) { $0.contains("RELOADING=1") }
        #expect(reloading?.contains("MONOTONIC_USEC=") == true, "\(notify.received)")
        #expect(notify.waitFor(timeout: 5) { $0.contains("READY=1") } != nil)
        #expect(daemon.stderr.contains("configuration reloaded"))

        // A broken config: still running on the old one, and says why.
        try "[store]\npoll_interval = \"never\"\n".write(to: config, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(notify.waitFor(timeout: 5) { $0.contains("RELOADING=1") } != nil)
        let readyAgain = notify.waitFor(timeout: 5) { $0.contains("READY=1") }
        #expect(readyAgain?.contains("reload rejected") == true, "\(readyAgain ?? "none")")
        #expect(notify.waitFor(timeout: 5) { $0.hasPrefix("STATUS=cycle ") } != nil, "cycles go on after a bad reload")
        #expect(daemon.process.isRunning)
        let log = daemon.stderr
        #expect(log.contains("configuration rejected, still running the previous one"), "\(log)")
        #expect(log.contains("relance.toml:2: store.poll_interval:"), "\(log)")

        // SIGTERM: STOPPING=1, then exit 0 within the grace period (3 s).
        daemon.signal(SIGTERM)
        #expect(notify.waitFor(timeout: 3) { $0.contains("STOPPING=1") } != nil)
        let status0 = daemon.waitForExit(timeout: 5)
        #expect(status0 == 0, "exit \(String(describing: status0))\n\(daemon.stderr)")
        try? FileManager.default.removeItem(at: dir)
    }

    /// A cycle stuck on a store lock sends no WATCHDOG=1, so systemd would restart it; pings resume after.
    @Test func aStuckCycleStarvesTheWatchdog() throws {
        let (dir, config) = try DaemonFixture.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "500000",
        ], watchdogPID: true, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 15) { $0.hasPrefix("STATUS=cycle ") } != nil, "\(daemon.stderr)")

        // Hold the store's write lock for 4 s (busy_timeout is 5 s): the next cycle blocks in its first write.
        // The delivery loop writes too: wait for the lock rather than fail to take it (then nothing would be held).
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let store = try DatabaseQueue(path: dir.appendingPathComponent("store.sqlite").path, configuration: configuration)
        let locked = Atomic<Bool>(false)
        let locker = Thread {
            try? store.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.store(true, ordering: .relaxed)
                Thread.sleep(forTimeInterval: 4)
                try db.execute(sql: "ROLLBACK")
            }
        }
        locker.start()
        while !locked.load(ordering: .relaxed) && !locker.isFinished { usleep(1_000) }
        let holding = locked.load(ordering: .relaxed)
        try #require(holding, "the test could not take the store's write lock")
        _ = notify.collect(for: 1.5)  // the cycle under way, if any, ends; the next one starts and blocks
        let stuck = notify.collect(for: 1.5)
        #expect(!stuck.contains("WATCHDOG=1"), "pings while the cycle is stuck: \(stuck)")
        while !locker.isFinished { usleep(10_000) }
        let after = notify.collect(for: 1.5)
        #expect(after.filter { $0 == "WATCHDOG=1" }.count >= 2, "pings after the lock is released: \(after)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0)
    }

    @Test func noWatchdogWhenWatchdogPIDIsAnotherProcess() throws {
        let (dir, config) = try DaemonFixture.make()
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1",
        ], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 15) { $0.contains("READY=1") } != nil, "\(daemon.stderr)")
        let window = notify.collect(for: 1.5)
        #expect(!window.contains("WATCHDOG=1"), "\(window)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0)
        try? FileManager.default.removeItem(at: dir)
    }

    @Test func runsWithoutSystemdAndStopsOnSIGTERM() throws {
        let (dir, config) = try DaemonFixture.make()
        let daemon = try DaemonProcess(config: config, environment: [:], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        let end = Date().addingTimeInterval(15)
        while !daemon.stderr.contains("event=cycle") && Date() < end { usleep(50_000) }
        #expect(daemon.stderr.contains("event=cycle"), "\(daemon.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0, "\(daemon.stderr)")
        try? FileManager.default.removeItem(at: dir)
    }

    /// SIGTERM in the middle of a large drain: the send under way finishes, the rest stays pending, exit 0 in the grace.
    @Test func stopDuringADrainLeavesTheRestPending() throws {
        let (dir, config) = try DaemonFixture.make(catchUp: "30 days")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 15) { $0.contains("READY=1") } != nil, "\(daemon.stderr)")
        let spool = dir.appendingPathComponent("spool/email").path
        let end = Date().addingTimeInterval(20)
        while ((try? FileManager.default.contentsOfDirectory(atPath: spool))?.count ?? 0) < 50 && Date() < end { usleep(5_000) }
        daemon.signal(SIGTERM)
        let stopping = Date()
        #expect(notify.waitFor(timeout: 3) { $0.contains("STOPPING=1") } != nil)
        let status = daemon.waitForExit(timeout: 5)
        #expect(status == 0, "\(daemon.stderr)")
        #expect(Date().timeIntervalSince(stopping) < 3.5, "exit within shutdown_grace (3 s)")
        #expect(daemon.stderr.contains("stopping: the cycle in flight has 3s to finish its send"), "\(daemon.stderr)")
        let r = try Relance.run(["status", "--config", config.path], cwd: dir)
        let pending = r.stdout.split(separator: "\n").first { $0.hasPrefix("outbox:") }
            .flatMap { $0.split(separator: " ").compactMap { Int($0) }.first } ?? 0
        #expect(pending > 0, "the drain stopped early: \(r.stdout)")
        // Cycles decide without waiting for delivery (issue 10), so they report; none saw the drain complete.
        #expect(!notify.received.contains { $0.hasPrefix("STATUS=cycle") && $0.contains("outbox 0 pending") },
                "the drain never completed: \(notify.received)")
    }

    @Test func aBadConfigAtStartExits78() throws {
        let dir = try Relance.temporaryDirectory()
        let config = dir.appendingPathComponent("relance.toml")
        try "[store]\npath = \"missing.sqlite\"\n".write(to: config, atomically: true, encoding: .utf8)
        let r = try Relance.run(["run", "--config", config.path])
        #expect(r.status == 78, "\(r.stderr)")
        try? FileManager.default.removeItem(at: dir)
    }
}
