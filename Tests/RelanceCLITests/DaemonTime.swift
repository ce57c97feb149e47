import Foundation

/// The daemon's clock as the tests' rows must follow it: `relance run` starts at
/// `TestInstant.now` (RELANCE_TEST_NOW) and advances with the monotonic clock, so a
/// row written "now" for the daemon carries that instant, never the database's now().
struct DaemonTime {
    let started = Date()

    /// A second behind the daemon's now: visible to its next cycle.
    var text: String { TestInstant.text(adding: Date().timeIntervalSince(started).rounded(.down) - 1) }
}
