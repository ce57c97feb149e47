import Foundation
import Logging
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
        /// An SMS longer than this many segments is shortened (never its link).
        public var smsMaxSegments = 3
        /// Rows sent at the same time (one SMTP connection each).
        public var senders = 1

        public init(from: Mailbox) { self.from = from }
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0, retried = 0, dead = 0, skipped = 0
        public init(sent: Int = 0, retried: Int = 0, dead: Int = 0, skipped: Int = 0) {
            self.sent = sent; self.retried = retried; self.dead = dead; self.skipped = skipped
        }
    }

    let store: any MessageStore
    let renderer: Renderer
    let email: (any EmailTransport)?
    let sms: (any SMSTransport)?
    let settings: Settings
    /// Each outcome is logged here (`event` metadata: `delivered`, `deferred`, `dead`, `not_sent`).
    let logger: Logger

    public init(store: any MessageStore, renderer: Renderer, email: (any EmailTransport)?, sms: (any SMSTransport)?, settings: Settings,
                logger: Logger = Logger(label: "relance", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store; self.renderer = renderer; self.email = email; self.sms = sms; self.settings = settings
        self.logger = logger
    }

    /// Sends everything due at `now`, in batches, until none is left. Up to
    /// `senders` rows are in flight at once; one failing recipient never holds
    /// up the others. Results are recorded by group commit: a sender that finds
    /// no write in progress writes every result waiting, so a row is recorded
    /// as soon as the write before it ends (a crash can resend only those few
    /// rows, never lose one: they stay leased, then come back).
    ///
    /// `keepGoing` is asked before each send: false ends the drain there (a graceful
    /// stop); rows already leased but not sent come back when their lease expires.
    public func drain(now: Date, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) },
                      keepGoing: () -> Bool = { true }) throws -> Report {
        let progress = Progress()
        let drainStarted = ContinuousClock.now
        var seen = Set<Int64>()
        while true {
            // Claimed rows are leased: another replica's drain skips them until the lease ends,
            // counted from this claim (a long drain's later batches get a full lease too).
            let elapsed = drainStarted.duration(to: .now)
            let leaseUntil = now.addingTimeInterval(settings.lease + Double(elapsed.components.seconds))
            let batch = try store.claimDue(now: now, limit: settings.batchSize, leaseUntil: leaseUntil).filter { !seen.contains($0.id) }
            if batch.isEmpty { break }
            seen.formUnion(batch.map(\.id))
            progress.next = 0
            var stopped = false
            // Two workers more than connections: they render the next rows and record results
            // while the connections carry bytes.
            try withoutActuallyEscaping(keepGoing) { keepGoing in
                nonisolated(unsafe) let keepGoing = keepGoing
                DispatchQueue.concurrentPerform(iterations: min(max(1, settings.senders) + 2, batch.count)) { _ in
                    while progress.shouldContinue(keepGoing), let item = progress.take(from: batch) {
                        do {
                            let result = try deliver(item, now: now, jitter: jitter)
                            try progress.record(item.id, result) { try store.finish($0, at: now) }
                            log(item, result)
                        } catch {
                            progress.fail(error)
                        }
                    }
                }
                if let error = progress.error { throw error }
                try progress.record(nil) { try store.finish($0, at: now) }  // a safety net: nothing should be left waiting
                stopped = progress.stopped
            }
            if stopped { break }
        }
        return progress.report
    }

    /// The shared state of one drain's senders.
    final class Progress: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var report = Report()
        var error: (any Error)?
        var stopped = false
        var waiting: [(id: Int64, result: DeliveryResult)] = []
        var writing = false

        /// Asks `keepGoing` (one sender at a time); once it says no, every sender stops.
        func shouldContinue(_ keepGoing: () -> Bool) -> Bool {
            lock.withLock {
                if !stopped && !keepGoing() { stopped = true }
                return !stopped
            }
        }

        func take(from batch: [OutboxItem]) -> OutboxItem? {
            lock.withLock {
                guard error == nil, next < batch.count else { return nil }
                defer { next += 1 }
                return batch[next]
            }
        }

        /// Adds a result, then writes everything waiting unless another sender is writing
        /// (that one takes this result with its next write).
        func record(_ id: Int64?, _ result: DeliveryResult? = nil,
                    write: ([(id: Int64, result: DeliveryResult)]) throws -> Void) throws {
            let mine = lock.withLock { () -> Bool in
                if let id, let result { waiting.append((id, result)) }
                if writing { return false }
                writing = true
                return true
            }
            guard mine else { return }
            while true {
                let group = lock.withLock { () -> [(id: Int64, result: DeliveryResult)] in
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

        private func count(_ result: DeliveryResult) {
            switch result {
            case .sent: report.sent += 1
            case .retry: report.retried += 1
            case .dead: report.dead += 1
            case .skipped: report.skipped += 1
            }
        }

        func fail(_ e: any Error) { lock.withLock { if error == nil { error = e } } }
    }

    func deliver(_ item: OutboxItem, now: Date, jitter: () -> Double) throws -> DeliveryResult {
        let outcome: SendOutcome
        switch item.delivery.channel {
        case .email:
            guard let email else { return .skipped(reason: "email transport is none") }
            // Checked, never rewritten: a bad address ends its row, with the reason (never the address).
            let to: EmailAddress
            do { to = try EmailAddress(item.delivery.address) } catch { return .skipped(reason: error.description) }
            var fullText: String?
            if item.rule == .fullTextForward {
                guard email.isEncrypted else { return .dead(error: "full-text forwarding needs an encrypted SMTP connection") }
                fullText = try item.messageID.flatMap(store.messageBody)
            }
            let rendered = renderer.render(item, fullText: fullText, parts: [.subject, .text, .html])
            let message = MailMessage(
                from: settings.from, to: Mailbox(name: item.delivery.recipient.displayName, address: to.wire),
                subject: rendered.subject, date: now,
                messageID: "relance.\(item.id).\(Self.shortHash(item.decisionKey))@\(settings.from.domain)",
                text: rendered.text, html: rendered.html)
            outcome = email.send(message, outboxID: item.id)
        case .sms:
            guard let sms else { return .skipped(reason: "SMS transport is none") }
            guard E164.isValid(item.delivery.address) else {
                return .skipped(reason: "no valid mobile number (E.164 expected, such as +33612345678)")
            }
            let text = SMSText.fit(rendered: renderer.render(item, parts: [.sms]).sms, maxSegments: settings.smsMaxSegments)
            outcome = sms.send(text, to: item.delivery.address, outboxID: item.id)
        }
        switch outcome {
        case .delivered(let id): return .sent(providerID: id)
        case .permanent(let error): return .dead(error: error)
        case .uncertain(let error, let retries):
            guard item.attempts < retries else {
                return .dead(error: "\(error); not retried again: the gateway may already have sent it (\(item.attempts + 1) attempts)")
            }
            return retry(item, now: now, jitter: jitter, error: "\(error); may already be sent, retried at most \(retries) time(s)", after: nil)
        case .temporary(let error, let after):
            return retry(item, now: now, jitter: jitter, error: error, after: after)
        }
    }

    func retry(_ item: OutboxItem, now: Date, jitter: () -> Double, error: String, after: TimeInterval?) -> DeliveryResult {
        // The peer's Retry-After when it gave one, else exponential backoff with jitter.
        let backoff = min(settings.retryMax, settings.retryInitial * pow(2, Double(item.attempts))) * jitter()
        let retryAt = now.addingTimeInterval(after ?? backoff)
        if retryAt.timeIntervalSince(item.decidedAt) > settings.lifetime {
            return .dead(error: "\(error) (gave up after \(item.attempts + 1) attempts)")
        }
        return .retry(error: error, retryAt: retryAt)
    }

    /// Ids, rule, channel and error only: never an address, a name or a text.
    func log(_ item: OutboxItem, _ result: DeliveryResult) {
        var m: Logger.Metadata = [
            "outbox_id": "\(item.id)", "rule": "\(item.rule.rawValue)", "channel": "\(item.delivery.channel.rawValue)",
            "recipient_kind": "\(item.delivery.recipient.kind.rawValue)", "attempt": "\(item.attempts + 1)",
        ]
        if let r = item.requestID { m["request_id"] = "\(r)" }
        if let p = item.practitionerID { m["practitioner_id"] = "\(p)" }
        switch result {
        case .sent:
            m["event"] = "delivered"
            logger.info("delivered \(item.rule.rawValue) by \(item.delivery.channel.rawValue)", metadata: m)
        case .retry(let error, let at):
            m["event"] = "deferred"; m["error"] = "\(error)"; m["retry_at"] = "\(Timestamp.format(at))"
            logger.warning("deferred until \(Timestamp.format(at)): \(error)", metadata: m)
        case .dead(let error):
            m["event"] = "dead"; m["error"] = "\(error)"
            logger.error("dead: \(error)", metadata: m)
        case .skipped(let reason):
            m["event"] = "not_sent"; m["reason"] = "\(reason)"
            logger.notice("not sent: \(reason)", metadata: m)
        }
    }

    /// A short stable hash (FNV-1a) of the decision key, so Message-IDs are unique across stores.
    static func shortHash(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 36)
    }
}
