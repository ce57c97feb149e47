import Foundation

/// Paces one channel to `rate` messages per second (per daemon): each send waits for its slot.
final class Pacer: @unchecked Sendable {
    let interval: TimeInterval?
    private let lock = NSLock()
    private var next = ContinuousClock.now

    init(rate: Double?) { interval = rate.flatMap { $0 > 0 ? 1 / $0 : nil } }

    /// Blocks until this send's slot (at once when no rate is set).
    func wait() {
        guard let interval else { return }
        let slot = lock.withLock {
            let now = ContinuousClock.now
            let slot = max(now, next)
            next = slot.advanced(by: .seconds(interval))
            return slot
        }
        let wait = slot - ContinuousClock.now
        if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
    }
}
