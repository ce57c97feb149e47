import Foundation
import RelanceStore

/// A circuit breaker for one transport. After `threshold` transport failures in a
/// row (unreachable, timed out, the relay refusing the sender or the login) the
/// transport is paused: no row goes to it until the pause ends. The pause doubles
/// each time it opens again, up to `maxPause`; the first success closes it.
///
/// Once a pause ends the next row is a probe: one more failure opens it again.
final class TransportBreaker: @unchecked Sendable {
    let transport: String
    let threshold: Int
    let initialPause: TimeInterval
    let maxPause: TimeInterval
    private let lock = NSLock()
    private var failures = 0
    private var opens = 0
    private var failingSince: Date?
    private var lastError = ""
    private var pausedUntil: Date?

    init(transport: String, threshold: Int, initialPause: TimeInterval, maxPause: TimeInterval) {
        self.transport = transport
        self.threshold = max(1, threshold)
        self.initialPause = initialPause
        self.maxPause = max(initialPause, maxPause)
    }

    /// When the transport may be used again, if it is paused at `now`.
    func paused(at now: Date) -> Date? {
        lock.withLock { pausedUntil.flatMap { $0 > now ? $0 : nil } }
    }

    /// Counts a failure; returns the transport's health when this failure paused it.
    func failed(_ error: String, at now: Date) -> TransportHealth? {
        lock.withLock {
            if failures == 0 { failingSince = now }
            failures += 1
            lastError = error
            guard failures >= threshold, (pausedUntil ?? .distantPast) <= now else { return nil }
            pausedUntil = now.addingTimeInterval(min(maxPause, initialPause * pow(2, Double(opens))))
            opens += 1
            return health
        }
    }

    /// The transport answered: closes the breaker. `resumed`: it had been paused (the relay is
    /// back); `clearRecord`: the store may still say it is failing (it was paused, or this is the
    /// first success since this process started: a previous one may have left the record).
    func succeeded() -> (resumed: Bool, clearRecord: Bool) {
        lock.withLock {
            defer { failures = 0; opens = 0; failingSince = nil; pausedUntil = nil; recordChecked = true }
            return (opens > 0, opens > 0 || !recordChecked)
        }
    }
    private var recordChecked = false

    /// The health to show while the breaker is open, nil when it has never opened since the last success.
    var current: TransportHealth? { lock.withLock { opens > 0 ? health : nil } }

    private var health: TransportHealth? {
        guard let since = failingSince, let until = pausedUntil else { return nil }
        return TransportHealth(transport: transport, failingSince: since, lastError: lastError, pausedUntil: until)
    }
}
