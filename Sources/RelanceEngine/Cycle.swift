import Foundation
import Logging
import RelanceCore
import RelanceStore

/// One poll cycle: ingest what changed, read what is due, apply the rules,
/// record every decision with its outbox rows in one transaction.
///
/// `now` is an input: a cycle at any past `now` replays that moment.
public struct Cycle: Sendable {
    public struct Settings: Sendable {
        public var policy: Policy
        /// On a first start (no cursor yet), how far back messages and requests are looked at.
        /// After an outage, reading resumes where the last cycle stopped, whatever its length.
        public var catchUp: TimeInterval
        /// SMS wait outside these local hours (nil: never).
        public var quietHours: QuietHours?
        /// What relance prunes of its own rows after each cycle (nil: nothing).
        public var retention: Retention?
        /// A due request that could not be read is looked at again after this long.
        public var retryUnreadable: TimeInterval = 900
        /// At most this many due requests and this many messages per cycle; the rest is the next cycle's.
        public var limit = SQLiteStore.snapshotLimit

        public init(policy: Policy = Policy(), catchUp: TimeInterval = 7 * 86_400, quietHours: QuietHours? = .default,
                    retention: Retention? = nil) {
            self.policy = policy; self.catchUp = catchUp; self.quietHours = quietHours; self.retention = retention
        }
    }

    public struct Report: Sendable {
        public var now: Date
        /// Decisions made by this cycle (for a dry run: those that would be).
        public var decisions: [Decision]
        public var skipped: [SkippedRow]
        public var dueRequests: Int
        public var messages: Int
        /// The cycle stopped at its per-cycle limit: more is due now, start the next cycle at once.
        public var morePending = false
        /// What retention deleted after this cycle.
        public var pruned = PruneReport()
        /// Seconds spent reading (ingest and snapshot), deciding, and recording.
        public var timings: (read: Double, decide: Double, record: Double) = (0, 0, 0)
    }

    public let store: any MessageStore
    public let settings: Settings
    /// Each decision and skipped row is logged here (`event` metadata: `decision`, `row_skipped`).
    public let logger: Logger

    public init(store: any MessageStore, settings: Settings,
                logger: Logger = Logger(label: "relance", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store; self.settings = settings; self.logger = logger
    }

    /// Runs one cycle at `now`. `clock` measures the cycle's own duration only.
    ///
    /// `progress` is called as each step ends (ingest, read, decide, record, prune): the daemon feeds
    /// systemd's watchdog from it, so a long cycle that moves keeps it fed, and one stuck on a lock does not.
    public func run(now: Date, dryRun: Bool = false, clock: @Sendable () -> Date = { Date() },
                    progress: () -> Void = {}) throws -> Report {
        // One replica at a time runs the rule pass (PostgreSQL: an advisory lock held by its transaction).
        try store.withRulePass { try pass(now: now, dryRun: dryRun, clock: clock, progress: progress) }
    }

    func pass(now: Date, dryRun: Bool, clock: @Sendable () -> Date, progress: () -> Void) throws -> Report {
        let started = clock()
        let snapshot: CycleSnapshot
        let limit = settings.limit
        if dryRun {
            snapshot = try store.previewSnapshot(now: now, policy: settings.policy, catchUp: settings.catchUp, limit: limit)
        } else {
            try store.ingestChangedRequests(now: now, catchUp: settings.catchUp)
            progress()
            snapshot = try store.loadSnapshot(now: now, policy: settings.policy, catchUp: settings.catchUp, limit: limit)
        }
        let read = clock()
        progress()
        var record = try decide(snapshot)
        let decided = clock()
        progress()
        record.startedAt = started
        record.skipped = snapshot.skipped.count
        record.skippedRows = snapshot.skipped
        record.recovered = snapshot.recovered
        record.messageCursor = snapshot.messageCursor
        let made: [Decision]
        if dryRun {
            let known = try store.existingKeys(record.decisions.map(\.key))
            var seen = Set<String>()
            made = record.decisions.filter { !known.contains($0.key) && seen.insert($0.key).inserted }
        } else {
            record.durationMs = clock().timeIntervalSince(started) * 1000
            made = try store.record(record, notBefore: notBefore)
            progress()
        }
        // Each problem once: a row still skipped for the same reason was logged when first seen.
        for row in snapshot.newlySkipped { log(row) }
        for d in made { log(d, dryRun: dryRun) }
        var report = Report(now: now, decisions: made, skipped: snapshot.skipped,
                            dueRequests: snapshot.dueRequests.count, messages: snapshot.messages.count)
        report.morePending = snapshot.morePending
        report.timings = (read.timeIntervalSince(started), decided.timeIntervalSince(read), clock().timeIntervalSince(decided))
        if !dryRun, let retention = settings.retention {
            report.pruned = try store.prune(now: now, retention: retention)
            progress()
        }
        return report
    }

    /// Ids, rule and reason only: never a name, an address or a message.
    func log(_ d: Decision, dryRun: Bool) {
        var m: Logger.Metadata = ["rule": "\(d.rule.rawValue)", "recipients": "\(d.deliveries.count)"]
        if !dryRun { m["event"] = "decision" }
        if let r = d.requestID { m["request_id"] = "\(r)" }
        if let p = d.practitionerID { m["practitioner_id"] = "\(p)" }
        if let reason = d.reason { m["reason"] = "\(reason)" }
        logger.info("decision \(d.key)\(dryRun ? " (dry run)" : "")", metadata: m)
    }

    /// Table, id, column and what is wrong: never the value.
    func log(_ row: SkippedRow) {
        logger.warning("\(row.table) row \(row.rowKey) skipped: \(row.reason)", metadata: [
            "event": "row_skipped", "table": "\(row.table)", "row_id": "\(row.rowKey)", "column": "\(row.column)",
        ])
    }

    /// The rules over a snapshot: pure but for the nearby lookups.
    func decide(_ s: CycleSnapshot) throws -> CycleRecord {
        var record = CycleRecord(now: s.now, startedAt: s.now)
        let policy = settings.policy
        var memory = s.alertMemory
        var messageDecisions: [Decision] = []
        for m in s.messages {
            guard let r = s.requests[m.requestID], let practice = s.practices[r.practitionerID] else { continue }
            let outcomes = MessageRules.evaluate(
                m, request: r, isFirstPatientMessage: s.firstPatientMessage[r.id] == m.id,
                practice: practice, patient: s.patients[r.patientID],
                blocked: s.isBlocked(practitioner: r.practitionerID, patient: r.patientID), now: s.now, policy: policy)
            messageDecisions += outcomes.compactMap(\.decision)
        }
        // Coalescing counts alerts decided before; one already recorded (a re-read) is left as it is.
        let known = try store.existingKeys(messageDecisions.filter { AlertCoalescing.applies(to: $0.rule) }.map(\.key))
        for d in messageDecisions {
            record.decisions.append(known.contains(d.key) ? d : coalesce(d, memory: &memory))
        }
        var nearbyCache: [String: [NearbySearch.Candidate]] = [:]
        for r in s.dueRequests {
            guard let practice = s.practices[r.practitionerID] else { continue }
            let patient = s.patients[r.patientID]
            let evaluation = RequestRules.evaluate(
                r, practice: practice, patient: patient,
                blocked: s.isBlocked(practitioner: r.practitionerID, patient: r.patientID),
                history: s.history[r.id] ?? RequestHistory(), now: s.now, policy: policy)
            var retryAt: Date?
            for outcome in evaluation.outcomes {
                switch outcome {
                case .fired(let d):
                    record.decisions.append(d)
                case .needsProposal(let reason):
                    let cacheKey = "\(r.practitionerID)|\(r.procedure ?? "")"
                    let candidates = try nearbyCache[cacheKey] ?? store.nearbyCandidates(
                        around: practice.practitioner, procedure: r.procedure,
                        radiusKm: policy.nearbyProposal.radiusKm, region: policy.region)
                    nearbyCache[cacheKey] = candidates
                    let options = NearbySearch.select(origin: practice.practitioner, procedure: r.procedure,
                                                      candidates: candidates, now: s.now, policy: policy.nearbyProposal)
                    let proposal = RequestRules.proposal(for: r, reason: reason, origin: practice.practitioner,
                                                         patient: patient, options: options, now: s.now)
                    if let d = proposal.decision {
                        record.decisions.append(d)
                    } else if let retry = RequestRules.retryWithoutMatch(
                        r, reason: reason, practice: practice, history: s.history[r.id] ?? RequestHistory(),
                        now: s.now, policy: policy) {
                        retryAt = min(retryAt ?? retry, retry)
                    }
                case .pending, .skipped:
                    break
                }
            }
            record.schedule[r.id] = [evaluation.nextCheck, retryAt].compactMap { $0 }.min()
        }
        for id in s.droppedSchedule { record.schedule[id] = .some(nil) }
        // Never unscheduled for a row that failed to load: looked at again once it may be fixed.
        for id in s.retryLater { record.schedule[id] = .some(s.now.addingTimeInterval(settings.retryUnreadable)) }
        for (practitionerID, count) in s.digestCounts.sorted(by: { $0.key < $1.key }) {
            guard let practice = s.practices[practitionerID] else { continue }
            let outcome = DigestRule.evaluate(practice: practice, unprocessed: count,
                                              lastDigestAt: s.lastDigest[practitionerID], now: s.now, policy: policy.digest)
            if let d = outcome.decision { record.decisions.append(d) }
        }
        return record
    }

    /// At most one message alert per request and recipient within the rule's `coalesce` window.
    func coalesce(_ d: Decision, memory: inout [AlertCoalescing.Key: AlertCoalescing.Memory]) -> Decision {
        guard AlertCoalescing.applies(to: d.rule), let requestID = d.requestID else { return d }
        let window = d.rule == .replyAlert ? settings.policy.replyAlert.coalesce : settings.policy.patientMessageAlert.coalesce
        let key = AlertCoalescing.Key(requestID: requestID, rule: d.rule)
        var m = memory[key] ?? AlertCoalescing.Memory()
        let result = AlertCoalescing.apply(d, window: window, memory: &m)
        memory[key] = m
        return result
    }

    /// SMS respect quiet hours in the recipient's time zone; email goes at once.
    func notBefore(_ delivery: Delivery, _ decision: Decision) -> Date {
        guard delivery.channel == .sms, let quiet = settings.quietHours else { return decision.decidedAt }
        let zone = Zones.named(delivery.recipient.timezone)
        return quiet.nextAllowed(after: decision.decidedAt, in: zone)
    }
}
