import Foundation
import RelanceCore

/// The platform's message store as the cycle, the dispatcher and the commands see it,
/// whatever the engine (SQLite, PostgreSQL). Every driver passes the same
/// conformance suite (`Tests/RelanceStoreTests/Conformance`).
///
/// No method holds a transaction across network I/O: the dispatcher claims rows,
/// sends outside the store, then finishes them in a short write.
public protocol MessageStore: AnyObject, Sendable {
    /// The engine behind this store.
    var engine: StoreEngine { get }

    // MARK: The rule pass of a cycle

    /// Runs a cycle's rule pass (ingest, snapshot, decide, record) so that one
    /// replica at a time runs it: PostgreSQL holds a transaction-scoped advisory
    /// lock for the whole pass; SQLite, whose writes are serialised anyway, just runs it.
    func withRulePass<T>(_ body: () throws -> T) throws -> T

    /// Step 1: puts requests created or changed since the last cycle into the schedule, due at once.
    func ingestChangedRequests(now: Date, catchUp: TimeInterval) throws

    /// Step 2: reads what the rules need for this cycle, at most `limit` due requests and messages.
    func loadSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot

    /// What a cycle at `now` would see, changing nothing (`tick --dry-run`).
    func previewSnapshot(now: Date, policy: Policy, catchUp: TimeInterval, limit: Int) throws -> CycleSnapshot

    /// Rule 5's candidates around `origin` (a bounding-box prefilter; the core ranks them).
    func nearbyCandidates(around origin: Practitioner, procedure: String?, radiusKm: Double,
                          region: HolidayRegion) throws -> [NearbySearch.Candidate]

    /// Which of `keys` are already recorded.
    func existingKeys(_ keys: [String]) throws -> Set<String>

    /// Step 4, in one transaction: each decision by its key (insert-or-nothing) with its
    /// outbox rows and proposals, the schedule, the message cursor and the cycle row.
    /// Returns the decisions that were new.
    @discardableResult
    func record(_ cycle: CycleRecord, notBefore: (Delivery, Decision) -> Date) throws -> [Decision]

    // MARK: Delivery

    /// Takes up to `limit` pending rows due at `now` on `channels` for sending, in one
    /// transaction: a practitioner's work before bulk reply alerts (`relance_outbox.priority`),
    /// then oldest first. Their `not_before` moves to `leaseUntil`, so no other sender takes
    /// them and a dead sender's rows come back on their own when the lease ends.
    /// `expectingMore`: the last claim of this drain was full, so rows are likely due (an
    /// engine may then skip the read-only look it takes first so that idle polls never write).
    func claimDue(now: Date, limit: Int, leaseUntil: Date, channels: [Channel], expectingMore: Bool) throws -> [OutboxItem]

    /// Moves pending rows' `not_before` to `until`: renews their lease, or hands them back (`until` now).
    func lease(_ ids: [Int64], until: Date) throws

    /// Pending rows due at `now`, oldest first, without taking them.
    func dueOutbox(now: Date, limit: Int) throws -> [OutboxItem]

    /// Records several rows' results in one transaction.
    func finish(_ results: [(id: Int64, result: DeliveryResult)], at now: Date) throws

    /// The text of one message, for rule 8 only (full-text forwarding, by the practitioner's choice).
    func messageBody(_ id: Int64) throws -> String?

    /// Makes the selected rows (never sent ones) pending and due at `now`; returns how many.
    func requeue(_ selection: OutboxSelection, now: Date) throws -> Int

    /// Records that a transport is paused by its circuit breaker, or (nil) that it works again.
    func setTransportHealth(_ transport: String, _ health: TransportHealth?, at now: Date) throws
    /// The transports paused now, for `relance status`.
    func failingTransports() throws -> [TransportHealth]

    // MARK: Reading, for the commands

    /// Rows for `relance outbox`, newest first.
    func outbox(state: OutboxItem.State?, limit: Int) throws -> [OutboxItem]
    /// A request's outbox rows, oldest first.
    func outbox(forRequest id: Int64) throws -> [OutboxItem]
    /// Everything about one request, for `relance explain`; throws `StoreNotFound`.
    func requestFile(_ id: Int64, region: HolidayRegion) throws -> RequestFile
    /// Requests created in `[since, now]`, for `relance stats`; broken rows are skipped.
    func requests(createdSince since: Date, until now: Date) throws -> [Request]
    func practitionerNames(_ ids: [Int64]) throws -> [Int64: String]
    /// The last cycle, per-rule counts since `since`, the outbox depth, rows skipped and table sizes.
    func status(since: Date) throws -> StoreStatus
    func outboxDepth() throws -> OutboxDepth

    // MARK: Retention

    /// Deletes relance's own rows older than `retention` at `now`, in small transactions,
    /// never a decision with an outbox row still pending.
    @discardableResult
    func prune(now: Date, retention: Retention) throws -> PruneReport
}

extension MessageStore {
    /// The snapshot bound of a cycle.
    public static var snapshotLimit: Int { 50_000 }

    /// `claimDue` on every channel.
    public func claimDue(now: Date, limit: Int, leaseUntil: Date) throws -> [OutboxItem] {
        try claimDue(now: now, limit: limit, leaseUntil: leaseUntil, channels: Channel.allCases)
    }

    /// `claimDue` as an idle poll would take it (a look first, then a write only when rows are due).
    public func claimDue(now: Date, limit: Int, leaseUntil: Date, channels: [Channel]) throws -> [OutboxItem] {
        try claimDue(now: now, limit: limit, leaseUntil: leaseUntil, channels: channels, expectingMore: false)
    }
}

/// A request, or what it needs, is not in the store.
public struct StoreNotFound: Error, CustomStringConvertible {
    public let what: String
    public init(what: String) { self.what = what }
    public var description: String { what }
}

/// The database cannot be reached (a restart, a failover, the network): the call failed
/// cleanly, nothing was half-written, and the store reconnects on a later call.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public let location: String
    public let reason: String
    public init(location: String, reason: String) { self.location = location; self.reason = reason }
    public var description: String { "store \(location) unavailable: \(reason)" }
}
