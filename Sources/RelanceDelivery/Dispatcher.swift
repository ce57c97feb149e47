import Foundation
import RelanceCore
import RelanceStore

/// Drains the outbox: due rows are leased, rendered, sent outside any
/// transaction, and finished in a short write each — `sent`, retried later
/// with backoff, or `dead` with the last error.
public struct Dispatcher: Sendable {
    public struct Settings: Sendable {
        public var from: Mailbox
        public var batchSize = 100
        public var retryInitial: TimeInterval = 60
        public var retryMax: TimeInterval = 3600
        /// After this long since the decision, a temporary failure becomes final.
        public var lifetime: TimeInterval = 2 * 86_400
        /// How long a taken row stays invisible to other senders.
        public var lease: TimeInterval = 300
        /// Rows sent at the same time (one SMTP connection each).
        public var senders = 1

        public init(from: Mailbox) { self.from = from }
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0, retried = 0, dead = 0, skipped = 0
    }

    let store: SQLiteStore
    let renderer: Renderer
    let email: (any EmailTransport)?
    let sms: (any SMSTransport)?
    let settings: Settings

    public init(store: SQLiteStore, renderer: Renderer, email: (any EmailTransport)?, sms: (any SMSTransport)?, settings: Settings) {
        self.store = store; self.renderer = renderer; self.email = email; self.sms = sms; self.settings = settings
    }

    /// Sends everything due at `now`, in batches, until none is left. Up to
    /// `senders` rows are in flight at once; one failing recipient never holds
    /// up the others. Results are recorded by group commit: a sender that finds
    /// no write in progress writes every result waiting, so a row is recorded
    /// as soon as the write before it ends (a crash can resend only those few
    /// rows, never lose one: they stay leased, then come back).
    public func drain(now: Date, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }) throws -> Report {
        let progress = Progress()
        var seen = Set<Int64>()
        while true {
            let batch = try store.dueOutbox(now: now, limit: settings.batchSize).filter { !seen.contains($0.id) }
            if batch.isEmpty { break }
            try store.lease(batch.map(\.id), until: now.addingTimeInterval(settings.lease))
            seen.formUnion(batch.map(\.id))
            progress.next = 0
            // Two workers more than connections: they render the next rows and record results
            // while the connections carry bytes.
            DispatchQueue.concurrentPerform(iterations: min(max(1, settings.senders) + 2, batch.count)) { _ in
                while let item = progress.take(from: batch) {
                    do {
                        let result = try deliver(item, now: now, jitter: jitter)
                        try progress.record(item.id, result) { try store.finish($0, at: now) }
                    } catch {
                        progress.fail(error)
                    }
                }
            }
            if let error = progress.error { throw error }
            try progress.record(nil) { try store.finish($0, at: now) }  // a safety net: nothing should be left waiting
        }
        return progress.report
    }

    /// The shared state of one drain's senders.
    final class Progress: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var report = Report()
        var error: (any Error)?
        var waiting: [(id: Int64, result: SQLiteStore.DeliveryResult)] = []
        var writing = false

        func take(from batch: [OutboxItem]) -> OutboxItem? {
            lock.withLock {
                guard error == nil, next < batch.count else { return nil }
                defer { next += 1 }
                return batch[next]
            }
        }

        /// Adds a result, then writes everything waiting unless another sender is writing
        /// (that one takes this result with its next write).
        func record(_ id: Int64?, _ result: SQLiteStore.DeliveryResult? = nil,
                    write: ([(id: Int64, result: SQLiteStore.DeliveryResult)]) throws -> Void) throws {
            let mine = lock.withLock { () -> Bool in
                if let id, let result { waiting.append((id, result)) }
                if writing { return false }
                writing = true
                return true
            }
            guard mine else { return }
            while true {
                let group = lock.withLock { () -> [(id: Int64, result: SQLiteStore.DeliveryResult)] in
                    let group = waiting
                    waiting = []
                    if group.isEmpty { writing = false }
                    return group
                }
                if group.isEmpty { return }
                do {
                    try write(group)
                } catch {
                    lock.withLock { writing = false }
                    throw error
                }
                lock.withLock { for (_, result) in group { count(result) } }
            }
        }

        private func count(_ result: SQLiteStore.DeliveryResult) {
            switch result {
            case .sent: report.sent += 1
            case .retry: report.retried += 1
            case .dead: report.dead += 1
            case .skipped: report.skipped += 1
            }
        }

        func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
    }

    func deliver(_ item: OutboxItem, now: Date, jitter: () -> Double) throws -> SQLiteStore.DeliveryResult {
        let outcome: SendOutcome
        switch item.delivery.channel {
        case .email:
            guard let email else { return .skipped(reason: "email transport is none") }
            var fullText: String?
            if item.rule == .fullTextForward {
                guard email.isEncrypted else { return .dead(error: "full-text forwarding needs an encrypted SMTP connection") }
                fullText = try item.messageID.flatMap(store.messageBody)
            }
            let rendered = renderer.render(item, fullText: fullText, parts: [.subject, .text, .html])
            let message = MailMessage(
                from: settings.from, to: Mailbox(name: item.delivery.recipient.displayName, address: item.delivery.address),
                subject: rendered.subject, date: now,
                messageID: "relance.\(item.id).\(Self.shortHash(item.decisionKey))@\(settings.from.domain)",
                text: rendered.text, html: rendered.html)
            outcome = email.send(message, outboxID: item.id)
        case .sms:
            guard let sms else { return .skipped(reason: "SMS transport is none") }
            outcome = sms.send(to: item.delivery.address, text: renderer.render(item, parts: [.sms]).sms, outboxID: item.id)
        }
        switch outcome {
        case .delivered(let id): return .sent(providerID: id)
        case .permanent(let error): return .dead(error: error)
        case .temporary(let error, let after):
            let backoff = min(settings.retryMax, settings.retryInitial * pow(2, Double(item.attempts))) * jitter()
            let retryAt = now.addingTimeInterval(max(backoff, after ?? 0))
            if retryAt.timeIntervalSince(item.decidedAt) > settings.lifetime {
                return .dead(error: "\(error) (gave up after \(item.attempts + 1) attempts)")
            }
            return .retry(error: error, retryAt: retryAt)
        }
    }

    /// A short stable hash (FNV-1a) of the decision key, so Message-IDs are unique across stores.
    static func shortHash(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 36)
    }
}
