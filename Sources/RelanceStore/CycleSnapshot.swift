import Foundation
import RelanceCore

/// Everything one poll cycle looks at, read in one snapshot transaction:
/// what became due or visible since the last cycle, and the context the
/// rules need for exactly those rows.
public struct CycleSnapshot: Sendable {
    public var now: Date
    /// Requests whose scheduled check is due (time-driven rules).
    public var dueRequests: [Request] = []
    /// Messages that became visible since the last cycle (event-driven rules).
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
    /// Schedule entries to drop: their request is gone or broken.
    public var droppedSchedule: [Int64] = []
    public var skipped: [SkippedRow] = []

    public init(now: Date) { self.now = now }

    public func isBlocked(practitioner: Int64, patient: Int64) -> Bool {
        blocked.contains(BlockedPair(practitionerID: practitioner, patientID: patient))
    }
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

    public init(now: Date, startedAt: Date) { self.now = now; self.startedAt = startedAt }
}
