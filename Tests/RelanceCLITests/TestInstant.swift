import Foundation

/// The instant the daemon tests run at.
///
/// `make test` runs the time-sensitive suites again with `RELANCE_TEST_NOW` set to
/// fixed instants (a Sunday morning, both DST nights, Christmas Eve, a weekday);
/// otherwise it is the real time when the suite started. Fixtures build their demo
/// store as of this instant and start `relance run` with `RELANCE_TEST_NOW` set to
/// it, so what the daemon decides never depends on when CI happens to run.
enum TestInstant {
    static let variable = "RELANCE_TEST_NOW"

    static let now: Date = {
        let seconds: (Date) -> Date = { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return seconds(Date()) }
        guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("\(variable)=\(text): not an instant") }
        return seconds(date)
    }()

    /// `now` in the store's format, `2026-11-29T07:10:00Z`.
    static var text: String { format(now) }

    /// `now` moved by `seconds`, in the store's format.
    static func text(adding seconds: TimeInterval) -> String { format(now.addingTimeInterval(seconds)) }

    /// The environment that sets the daemon's clock to `now`.
    static var environment: [String: String] { [variable: text] }

    private static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
