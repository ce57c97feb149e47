import Foundation
import GRDB
import Testing

/// `RELANCE_TEST_NOW`: the daemon's clock seam, for tests only.
@Suite(.serialized) struct DaemonClockTests {
    /// The daemon's cycles run as of the test instant and move on with the monotonic clock.
    @Test func cyclesRunAsOfTheTestInstant() throws {
        let (dir, config) = try DaemonFixture.make(now: "2026-11-29T07:10:00Z")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: [
            "NOTIFY_SOCKET": notify.path, TestInstant.variable: "2026-11-29T07:10:00Z",
        ], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        for _ in 0..<3 { #expect(notify.waitFor(timeout: 15) { $0.hasPrefix("STATUS=cycle ") } != nil, "\(daemon.stderr)") }
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0, "\(daemon.stderr)")
        let store = try DatabaseQueue(path: dir.appendingPathComponent("store.sqlite").path)
        let cycles = try store.read { db in try String.fetchAll(db, sql: "SELECT now FROM relance_cycles ORDER BY id") }
        #expect(cycles.count >= 3, "\(cycles)")
        #expect(cycles.first.map { $0 >= "2026-11-29T07:10:00Z" && $0 <= "2026-11-29T07:10:05Z" } == true, "\(cycles)")
        #expect(cycles.last.map { $0 > cycles.first! && $0 <= "2026-11-29T07:10:30Z" } == true, "the clock moves on: \(cycles)")
        #expect(daemon.stderr.contains("RELANCE_TEST_NOW is set: cycles run as of 2026-11-29T07:10:00Z"), "\(daemon.stderr)")
    }

    @Test func aBadTestInstantIsRefused() throws {
        let (dir, config) = try DaemonFixture.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Relance.run(["run", "--config", config.path], environment: [TestInstant.variable: "sunday morning"], cwd: dir)
        #expect(r.status == 78, "\(r.stderr)")
        #expect(r.stderr.contains("RELANCE_TEST_NOW=sunday morning: expected a UTC instant"), "\(r.stderr)")
    }
}
