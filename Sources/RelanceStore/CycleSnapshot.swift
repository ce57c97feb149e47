import Foundation
import RelanceCore

/// Everything one poll cycle looks at, read in one snapshot transaction:
/// what became due or visible since the last cycle, and the context the
/// rules need for exactly those rows.
public struct CycleSnapshot: Sendable {
    public var now: Date
    /// Requests whose scheduled check is due (time-driven rules).
    public var dueRequests: [Request] = []
    /// Messages that became visible since the last cycle (event-driven rules),
    /// and earlier ones that could not be read until now.
    public var messages: [Message] = []
    /// Every request referenced above, by id.
    public var requests: [Int64: Request] = [:]
    /// For each request of `messages`, the id of its first patient message.
    public var firstPatientMessage: [Int64: Int64] = [:]
    public var practices: [Int64: Practice] = [:]
    public var patients: [Int64: Patient] = [:]
    public var blocked: Set<BlockedPair> = []
    public var history: [Int64: RequestHistory] = [:]
    /// Unprocessed requests per practitioner at `now`, for practitioners at or over the digest threshold.
    public var digestCounts: [Int64: Int] = [:]
    public var lastDigest: [Int64: Date] = [:]
    /// The last alert actually sent per request and rule, and how many were coalesced since.
    public var alertMemory: [AlertCoalescing.Key: AlertCoalescing.Memory] = [:]
    /// Schedule entries to drop: their request row is gone.
    public var droppedSchedule: [Int64] = []
    /// Due requests that could not be read (their row, practitioner or patient):
    /// kept in the schedule and looked at again later, never unscheduled.
    public var retryLater: [Int64] = []
    public var skipped: [SkippedRow] = []
    /// Rows skipped before (`SkippedRow.key` → reason), to log each problem once.
    public var knownSkipped: [String: String] = [:]
    /// Keys of rows skipped before that now read fine (or are gone).
    public var recovered: [String] = []
    /// Where the message cursor stands once this snapshot is processed.
    public var messageCursor: CursorPosition
    /// The cycle stopped at its limit: more is due now, and the next cycle should start at once.
    public var morePending = false

    public init(now: Date) {
        self.now = now
        messageCursor = CursorPosition(value: now)
    }

    public func isBlocked(practitioner: Int64, patient: Int64) -> Bool {
        blocked.contains(BlockedPair(practitionerID: practitioner, patientID: patient))
    }

    /// Rows skipped by this cycle that were not skipped for the same reason before.
    public var newlySkipped: [SkippedRow] {
        var seen = Set<String>()
        return skipped.filter { knownSkipped[$0.key] != $0.reason && seen.insert($0.key).inserted }
    }
}

extension SkippedRow {
    /// One entry per table and row in `relance_skipped_rows`.
    public var key: String { "\(table)#\(rowKey)" }
    public var rowKey: String { id.map(String.init) ?? "?" }
}

public struct BlockedPair: Hashable, Sendable {
    public var practitionerID: Int64
    public var patientID: Int64
    public init(practitionerID: Int64, patientID: Int64) {
        self.practitionerID = practitionerID; self.patientID = patientID
    }
}

/// What a cycle decided, to be recorded in one transaction.
public struct CycleRecord: Sendable {
    public var now: Date
    public var decisions: [Decision] = []
    /// Next check per request; nil removes it from the schedule.
    public var schedule: [Int64: Date?] = [:]
    /// Wall-clock start and duration of the cycle, measured by the caller (the only clock reader).
    public var startedAt: Date
    public var durationMs: Double = 0
    public var skipped: Int = 0
    /// Rows skipped by this cycle, kept in `relance_skipped_rows`.
    public var skippedRows: [SkippedRow] = []
    /// `SkippedRow.key`s that read fine again.
    public var recovered: [String] = []
    /// Where the message cursor moves (nil: to `now`).
    public var messageCursor: CursorPosition?

    public init(now: Date, startedAt: Date) { self.now = now; self.startedAt = startedAt }
}
