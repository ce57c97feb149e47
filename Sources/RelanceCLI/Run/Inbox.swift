/// Events for the daemon's loop, posted from anywhere (signal handlers, the
/// cycle's thread) and taken one at a time, or nothing by a deadline.
actor Inbox<Event: Sendable> {
    private var queued: [Event] = []
    private var waiter: (token: Int, continuation: CheckedContinuation<Event?, Never>)?
    private var tokens = 0

    func post(_ event: Event) {
        if let w = waiter {
            waiter = nil
            w.continuation.resume(returning: event)
        } else {
            queued.append(event)
        }
    }

    /// The next event, or nil once `deadline` has passed (never, when nil). One taker at a time.
    func next(until deadline: ContinuousClock.Instant?) async -> Event? {
        if !queued.isEmpty { return queued.removeFirst() }
        tokens += 1
        let token = tokens
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                await self?.expire(token)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { waiter = (token, $0) }
    }

    private func expire(_ token: Int) {
        guard let w = waiter, w.token == token else { return }
        waiter = nil
        w.continuation.resume(returning: nil)
    }
}
