import Foundation
import Logging
import RelanceCore
import RelanceStore

/// Drains the outbox: due rows are claimed a few at a time (leased close to
/// their send), rendered, sent outside any transaction, and finished in a short
/// write each — `sent`, retried later with backoff, or `dead` with the last error.
/// A transport that keeps failing is paused by its circuit breaker, and the
/// channels can be paced (`email.rate`, `sms.rate`).
public struct Dispatcher: Sendable {
    public struct Settings: Sendable {
        public var from: Mailbox
        /// The most rows claimed at once; the dispatcher claims fewer: two per worker.
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
        /// Messages per second, per daemon (nil: as fast as the transport goes).
        public var emailRate: Double?
        public var smsRate: Double?
        /// Transport failures in a row that pause a transport (its pause starts at
        /// `retryInitial` and doubles up to `retryMax`).
        public var breakerThreshold = 3

        public init(from: Mailbox) { self.from = from }
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0, retried = 0, dead = 0, skipped = 0
        /// The same outcomes per channel: `byChannel["sms"]?["retried"]` (for the metrics file).
        public var byChannel: [String: [String: Int]] = [:]
        public init(sent: Int = 0, retried: Int = 0, dead: Int = 0, skipped: Int = 0) {
            self.sent = sent; self.retried = retried; self.dead = dead; self.skipped = skipped
        }

        /// Reports are equal by their totals; `byChannel` only breaks them down.
        public static func == (a: Report, b: Report) -> Bool {
            (a.sent, a.retried, a.dead, a.skipped) == (b.sent, b.retried, b.dead, b.skipped)
        }
    }

    let store: any MessageStore
    let renderer: Renderer
    let email: (any EmailTransport)?
    let sms: (any SMSTransport)?
    let settings: Settings
    /// Each outcome is logged here (`event` metadata: `delivered`, `deferred`, `dead`, `not_sent`).
    let logger: Logger
    let breakers: [Channel: TransportBreaker]
    let pacers: [Channel: Pacer]
    /// One permit per email connection: a worker holding a rendered message waits here, then
    /// asks the breaker again, so rows queued behind a relay that just failed are not sent to it.
    let emailGate: DispatchSemaphore

    public init(store: any MessageStore, renderer: Renderer, email: (any EmailTransport)?, sms: (any SMSTransport)?, settings: Settings,
                logger: Logger = Logger(label: "relance", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store; self.renderer = renderer; self.email = email; self.sms = sms; self.settings = settings
        self.logger = logger
        breakers = Dictionary(uniqueKeysWithValues: Channel.allCases.map {
            ($0, TransportBreaker(transport: $0.rawValue, threshold: settings.breakerThreshold,
                                  initialPause: settings.retryInitial, maxPause: settings.retryMax))
        })
        pacers = [.email: Pacer(rate: settings.emailRate), .sms: Pacer(rate: settings.smsRate)]
        emailGate = DispatchSemaphore(value: max(1, settings.senders))
    }

    /// The transports paused now by their circuit breaker, for the daemon's `STATUS=` line.
    public func failingTransports() -> [TransportHealth] {
        Channel.allCases.compactMap { breakers[$0]?.current }
    }

    /// Sends everything due at `now` (a replayed instant: every time taken is `now`).
    public func drain(now: Date, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) },
                      keepGoing: @escaping @Sendable () -> Bool = { true }) throws -> Report {
        try drain(clock: { now }, jitter: jitter, keepGoing: keepGoing)
    }

    /// Sends everything due until none is left. Times (leases, `retry_at`, `sent_at`) are read
    /// from `clock` when each thing happens, not once per drain. Rows are claimed a few at a
    /// time (two per worker), the next few when the last are taken, so a crash strands only
    /// those until their lease ends. Up to `senders` rows are in flight at once; one failing
    /// recipient never holds up the others; rows of a paused transport are left where they are.
    /// The workers live as long as the drain: no thread is started per claim, and no worker
    /// waits for the slowest send of a claim before taking the next row.
    ///
    /// Results are recorded by group commit, and a sender waits for its result to be written
    /// before it takes another row. A write that fails (the platform holding the store's lock
    /// past busy_timeout) is retried, renewing the leases, until it passes: a message sent is
    /// always recorded as sent, never sent again because its record was lost.
    ///
    /// `keepGoing` is asked before each send: false ends the drain there (a graceful
    /// stop); rows claimed but not sent are handed back at once.
    public func drain(clock: @escaping @Sendable () -> Date, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) },
                      keepGoing: @escaping @Sendable () -> Bool = { true }) throws -> Report {
        // Two workers per connection, plus two: while one sends, another renders or waits for its
        // result's commit, so no connection idles (with one worker more than connections, one
        // connection drained 1,164 msgs/s in the bench; with these, 1,830). The gate in `send` lets only
        // `senders` of them talk to the relay at once.
        let workers = 2 * max(1, settings.senders) + 2
        let window = max(1, min(settings.batchSize, 2 * workers))
        let recorder = Recorder()
        let claim: @Sendable (_ expectingMore: Bool) throws -> [OutboxItem] = { [store, breakers, settings] expectingMore in
            let now = clock()
            let open = Channel.allCases.filter { breakers[$0]?.paused(at: now) == nil }
            return try store.claimDue(now: now, limit: window, leaseUntil: now.addingTimeInterval(settings.lease), channels: open,
                                      expectingMore: expectingMore)
        }
        // The first claim on the caller's thread: an idle drain starts no thread.
        let first = try claim(false)
        if first.isEmpty { return recorder.report }
        let feed = Feed(first, window: window)
        Self.onThreads(min(workers, first.count == window ? workers : first.count)) {
            while let item = feed.next(keepGoing: keepGoing, claim: claim) {
                do {
                    let result = try deliver(item, clock: clock, jitter: jitter)
                    recorder.record(item.id, result) { write($0, clock: clock) }
                    recorder.tally(item.delivery.channel, result)
                    log(item, result)
                } catch {
                    feed.fail(error)
                }
            }
        }
        let (error, untaken) = feed.end()
        // Hand back what was claimed and not taken: due again at once, for whoever comes next.
        if !untaken.isEmpty { try? store.lease(untaken, until: clock()) }
        if let error { throw error }
        return recorder.report
    }

    /// Writes a group of results, retrying until the store takes them (see `drain`).
    func write(_ group: [(id: Int64, result: DeliveryResult)], clock: () -> Date) {
        var pause = 0.05, failures = 0
        while true {
            do {
                try store.finish(group, at: clock())
                if failures > 0 {
                    logger.notice("recorded \(group.count) delivery results after \(failures) failed writes",
                                  metadata: ["event": "results_recorded", "rows": "\(group.count)"])
                }
                return
            } catch {
                if failures == 0 {
                    logger.warning("cannot record \(group.count) delivery results yet, retrying until written: \(error)",
                                   metadata: ["event": "record_retry", "rows": "\(group.count)", "error": "\(error)"])
                }
                failures += 1
                // Keep the rows ours meanwhile (best effort: this write may wait for the same lock).
                try? store.lease(group.map(\.id), until: clock().addingTimeInterval(settings.lease))
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 2)
            }
        }
    }

    /// What became of one row before its result is worked out: finished without a send, or sent.
    enum Attempt {
        case finished(DeliveryResult)
        case sent(SendOutcome)
    }

    /// One row: skipped when its transport is paused, else sent, then classified (the
    /// transport's breaker counts its failures; a success closes it).
    func deliver(_ item: OutboxItem, clock: () -> Date, jitter: () -> Double) throws -> DeliveryResult {
        let channel = item.delivery.channel
        guard let breaker = breakers[channel] else { return .skipped(reason: "no transport for \(channel.rawValue)") }
        if let until = breaker.paused(at: clock()) { return .postponed(until: until) }
        let outcome: SendOutcome
        switch try send(item, at: clock()) {
        case .finished(let result): return result
        case .sent(let o): outcome = o
        }
        let now = clock()  // after the attempt: a retry counts from when it failed
        switch outcome {
        case .delivered(let id):
            relayAnswered(breaker, at: now)
            return .sent(providerID: id)
        case .permanent(let error):
            relayAnswered(breaker, at: now)
            return .dead(error: error)
        case .uncertain(let error, let retries):
            relayAnswered(breaker, at: now)
            guard item.attempts < retries else {
                return .dead(error: "\(error); not retried again: the gateway may already have sent it (\(item.attempts + 1) attempts)")
            }
            return retry(item, now: now, jitter: jitter, error: "\(error); may already be sent, retried at most \(retries) time(s)", after: nil)
        case .temporary(let error, let after):
            relayAnswered(breaker, at: now)
            return retry(item, now: now, jitter: jitter, error: error, after: after)
        case .transportFailure(let error):
            if let health = breaker.failed(error, at: now) { paused(health, at: now) }
            let result = retry(item, now: now, jitter: jitter, error: error, after: nil)
            if case .retry(let e, let at) = result, let until = breaker.paused(at: now), until > at {
                return .retry(error: e, retryAt: until)
            }
            return result
        }
    }

    /// Renders and hands the row to its transport (pacing it first), or finishes it without a send.
    func send(_ item: OutboxItem, at now: Date) throws -> Attempt {
        switch item.delivery.channel {
        case .email:
            guard let email else { return .finished(.skipped(reason: "email transport is none")) }
            // Checked, never rewritten: a bad address ends its row, with the reason (never the address).
            let to: EmailAddress
            do { to = try EmailAddress(item.delivery.address) } catch { return .finished(.skipped(reason: error.description)) }
            var fullText: String?
            if item.rule == .fullTextForward {
                guard email.isEncrypted else { return .finished(.dead(error: "full-text forwarding needs an encrypted SMTP connection")) }
                fullText = try item.messageID.flatMap(store.messageBody)
            }
            let rendered = renderer.render(item, fullText: fullText, parts: [.subject, .text, .html])
            let message = MailMessage(
                from: settings.from, to: Mailbox(name: item.delivery.recipient.displayName, address: to.wire),
                subject: rendered.subject, date: now,
                messageID: "relance.\(item.id).\(Self.shortHash(item.decisionKey))@\(settings.from.domain)",
                text: rendered.text, html: rendered.html)
            emailGate.wait()
            defer { emailGate.signal() }
            if let until = breakers[.email]?.paused(at: now) { return .finished(.postponed(until: until)) }
            pacers[.email]?.wait()
            return .sent(email.send(message, outboxID: item.id))
        case .sms:
            guard let sms else { return .finished(.skipped(reason: "SMS transport is none")) }
            guard E164.isValid(item.delivery.address) else {
                return .finished(.skipped(reason: "no valid mobile number (E.164 expected, such as +33612345678)"))
            }
            let text = SMSText.fit(rendered: renderer.render(item, parts: [.sms]).sms, maxSegments: settings.smsMaxSegments)
            pacers[.sms]?.wait()
            return .sent(sms.send(text, to: item.delivery.address, outboxID: item.id))
        }
    }

    /// The transport answered (even with a refusal for this recipient): it works.
    func relayAnswered(_ breaker: TransportBreaker, at now: Date) {
        let (resumed, clearRecord) = breaker.succeeded()
        if clearRecord { try? store.setTransportHealth(breaker.transport, nil, at: now) }
        guard resumed else { return }
        logger.notice("\(breaker.transport) transport works again", metadata: ["event": "transport_resumed", "channel": "\(breaker.transport)"])
    }

    /// The breaker just opened: logged, and written down for `relance status`.
    func paused(_ health: TransportHealth, at now: Date) {
        logger.error("\(health.transport) transport failing since \(Timestamp.format(health.failingSince)), paused until \(Timestamp.format(health.pausedUntil)) (last error: \(health.lastError))",
                     metadata: ["event": "transport_paused", "channel": "\(health.transport)", "error": "\(health.lastError)",
                                "paused_until": "\(Timestamp.format(health.pausedUntil))"])
        try? store.setTransportHealth(health.transport, health, at: now)
    }

    func retry(_ item: OutboxItem, now: Date, jitter: () -> Double, error: String, after: TimeInterval?) -> DeliveryResult {
        // The peer's Retry-After when it gave one, else exponential backoff with jitter; never
        // sooner than a second, so one drain never spins on a row.
        let backoff = min(settings.retryMax, settings.retryInitial * pow(2, Double(item.attempts))) * jitter()
        let retryAt = now.addingTimeInterval(max(1, after ?? backoff))
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
        case .postponed:
            break  // its transport is paused: logged once, when the breaker opened
        }
    }

    /// A short stable hash (FNV-1a) of the decision key, so Message-IDs are unique across stores.
    static func shortHash(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 36)
    }
}
