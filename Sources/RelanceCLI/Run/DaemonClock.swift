import Foundation
import RelanceCore

/// The instant `relance run` gives each cycle as `now`.
///
/// In production, the system clock. For tests only, `RELANCE_TEST_NOW` (a UTC
/// instant such as `2026-11-29T07:10:00Z`) sets where the daemon's wall clock
/// starts; it then advances with the monotonic clock, so a test can run the
/// daemon on a Sunday morning or a DST night whatever the real time is. The
/// watchdog, the poll interval and the shutdown grace always use the real
/// monotonic clock.
struct DaemonClock: Sendable {
    /// The environment variable, for tests; never set it on a production service.
    static let testVariable = "RELANCE_TEST_NOW"

    /// `RELANCE_TEST_NOW` is not an instant.
    struct BadTestInstant: Error, CustomStringConvertible {
        var value: String
        var description: String { "\(DaemonClock.testVariable)=\(value): expected a UTC instant like 2026-11-29T07:10:00Z" }
    }

    /// The test instant and the monotonic instant it stands for; nil: the system clock.
    let origin: (wall: Date, monotonic: ContinuousClock.Instant)?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let text = environment[Self.testVariable], !text.isEmpty else {
            origin = nil
            return
        }
        guard let instant = Timestamp.parseLenient(text) else { throw BadTestInstant(value: text) }
        origin = (instant, ContinuousClock.now)
    }

    /// Now, as the rules take it.
    func now() -> Date {
        guard let (wall, monotonic) = origin else { return Date() }
        let elapsed = ContinuousClock.now - monotonic
        return wall.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// What `relance run` logs at start when the test clock is on.
    var testNotice: String? {
        origin.map { "\(Self.testVariable) is set: cycles run as of \(Timestamp.format($0.wall)) onward, not the system clock (for tests only)" }
    }
}
