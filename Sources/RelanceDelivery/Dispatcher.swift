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

        public init(from: Mailbox) { self.from = from }
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0, retried = 0, dead = 0, skipped = 0
        public init() {}
    }

    let store: SQLiteStore
    let renderer: Renderer
    let email: (any EmailTransport)?
    let sms: (any SMSTransport)?
    let settings: Settings
    /// Each outcome is logged here (`event` metadata: `delivered`, `deferred`, `dead`, `not_sent`).
    let logger: Logger

    public init(store: SQLiteStore, renderer: Renderer, email: (any EmailTransport)?, sms: (any SMSTransport)?, settings: Settings,
                logger: Logger = Logger(label: "relance", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store; self.renderer = renderer; self.email = email; self.sms = sms; self.settings = settings
        self.logger = logger
    }

    /// Sends everything due at `now`, in batches, until none is left.
    ///
    /// `keepGoing` is asked before each send: false ends the drain there (a graceful
    /// stop); rows already leased but not sent come back when their lease expires.
    public func drain(now: Date, jitter: @Sendable () -> Double = { Double.random(in: 0.8...1.2) },
                      keepGoing: () -> Bool = { true }) throws -> Report {
        var report = Report()
        var seen = Set<Int64>()
        while true {
            let batch = try store.dueOutbox(now: now, limit: settings.batchSize).filter { !seen.contains($0.id) }
            if batch.isEmpty { return report }
            try store.lease(batch.map(\.id), until: now.addingTimeInterval(settings.lease))
            for item in batch {
                guard keepGoing() else { return report }
                seen.insert(item.id)
                let result = try deliver(item, now: now, jitter: jitter)
                switch result {
                case .sent: report.sent += 1
                case .retry: report.retried += 1
                case .dead: report.dead += 1
                case .skipped: report.skipped += 1
                }
                try store.finish(item.id, result, at: now)
                log(item, result)
            }
        }
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
            let rendered = renderer.render(item, fullText: fullText)
            let message = MailMessage(
                from: settings.from, to: Mailbox(name: item.delivery.recipient.displayName, address: item.delivery.address),
                subject: rendered.subject, date: now,
                messageID: "relance.\(item.id).\(Self.shortHash(item.decisionKey))@\(settings.from.domain)",
                text: rendered.text, html: rendered.html)
            outcome = email.send(message, outboxID: item.id)
        case .sms:
            guard let sms else { return .skipped(reason: "SMS transport is none") }
            guard E164.isValid(item.delivery.address) else {
                return .skipped(reason: "no valid mobile number (E.164 expected, such as +33612345678)")
            }
            let text = SMSText.fit(rendered: renderer.render(item).sms, maxSegments: settings.smsMaxSegments)
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

    func retry(_ item: OutboxItem, now: Date, jitter: () -> Double, error: String, after: TimeInterval?) -> SQLiteStore.DeliveryResult {
        // The peer's Retry-After when it gave one, else exponential backoff with jitter.
        let backoff = min(settings.retryMax, settings.retryInitial * pow(2, Double(item.attempts))) * jitter()
        let retryAt = now.addingTimeInterval(after ?? backoff)
        if retryAt.timeIntervalSince(item.decidedAt) > settings.lifetime {
            return .dead(error: "\(error) (gave up after \(item.attempts + 1) attempts)")
        }
        return .retry(error: error, retryAt: retryAt)
    }

    /// Ids, rule, channel and error only: never an address, a name or a text.
    func log(_ item: OutboxItem, _ result: SQLiteStore.DeliveryResult) {
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
