import Foundation

/// A patient's request to a practitioner (`requests`).
public struct Request: Hashable, Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case new, read, answered, refused, closed
    }
    public enum RefusalReason: String, Sendable, CaseIterable {
        case duplicate, spam
        case notPractised = "not_practised"
        case notInterested = "not_interested"

        /// Refusals after which the patient is offered other practitioners (rule 6).
        public var offersNearby: Bool { self == .notPractised || self == .notInterested }
    }
    public enum HandledOutside: String, Sendable, CaseIterable {
        case phone, email
        case inPerson = "in_person"
        case other
    }

    public var id: Int64
    public var practitionerID: Int64
    public var patientID: Int64
    public var procedure: String?
    public var status: Status
    public var refusalReason: RefusalReason?
    public var handledOutside: HandledOutside?
    public var secondary: Bool
    public var redirectedFrom: Int64?
    public var createdAt: Date
    public var firstReadAt: Date?
    public var answeredAt: Date?
    public var closedAt: Date?
    public var updatedAt: Date

    public init(id: Int64, practitionerID: Int64, patientID: Int64, procedure: String? = nil,
                status: Status = .new, refusalReason: RefusalReason? = nil,
                handledOutside: HandledOutside? = nil, secondary: Bool = false,
                redirectedFrom: Int64? = nil, createdAt: Date, firstReadAt: Date? = nil,
                answeredAt: Date? = nil, closedAt: Date? = nil, updatedAt: Date? = nil) {
        self.id = id; self.practitionerID = practitionerID; self.patientID = patientID
        self.procedure = procedure; self.status = status; self.refusalReason = refusalReason
        self.handledOutside = handledOutside; self.secondary = secondary
        self.redirectedFrom = redirectedFrom; self.createdAt = createdAt
        self.firstReadAt = firstReadAt; self.answeredAt = answeredAt; self.closedAt = closedAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The store holds only the latest state; timestamps let a replay at an
    /// earlier `now` see the request as it was then. A change without its own
    /// timestamp (a refusal, "handled outside") is dated by `updated_at`.
    public func state(at now: Date) -> StateAt {
        guard createdAt <= now else { return .notYetCreated }
        // A refusal is dated by answered_at or closed_at when set (see `refusedAt`): check it first.
        if let refusedAt, refusedAt <= now { return .refused }
        if let closedAt, closedAt <= now { return .handled }
        if let answeredAt, answeredAt <= now { return .handled }
        if status == .closed, closedAt == nil, updatedAt <= now { return .handled }
        if status == .answered, answeredAt == nil, updatedAt <= now { return .handled }
        if handledOutside != nil, updatedAt <= now { return .handled }
        if let firstReadAt, firstReadAt <= now { return .unprocessed(read: true) }
        // Status 'read' without a timestamp: trust the status once the row changed.
        if status != .new, firstReadAt == nil, updatedAt <= now { return .unprocessed(read: true) }
        return .unprocessed(read: false)
    }

    /// When a refusal took effect (for rule 6).
    public var refusedAt: Date? {
        status == .refused ? (answeredAt ?? closedAt ?? updatedAt) : nil
    }

    public enum StateAt: Equatable, Sendable {
        case notYetCreated
        /// Status 'new' or 'read' and not handled outside: waiting for the practitioner.
        case unprocessed(read: Bool)
        case refused
        /// Answered, closed or handled outside the platform.
        case handled

        public var isUnprocessed: Bool {
            if case .unprocessed = self { return true }
            return false
        }
    }
}

/// One message of a request's conversation (`messages`).
public struct Message: Hashable, Sendable {
    public enum Author: String, Sendable, CaseIterable {
        case patient, practitioner, assistant
    }

    public var id: Int64
    public var requestID: Int64
    public var author: Author
    public var authorID: Int64
    public var createdAt: Date
    /// A deferred send: neither visible nor notified before this instant.
    public var deliverAt: Date?
    public var readAt: Date?

    public init(id: Int64, requestID: Int64, author: Author, authorID: Int64,
                createdAt: Date, deliverAt: Date? = nil, readAt: Date? = nil) {
        self.id = id; self.requestID = requestID; self.author = author; self.authorID = authorID
        self.createdAt = createdAt; self.deliverAt = deliverAt; self.readAt = readAt
    }

    /// When the recipient can see it (and so when it is notified).
    public var visibleAt: Date { max(createdAt, deliverAt ?? createdAt) }
}
