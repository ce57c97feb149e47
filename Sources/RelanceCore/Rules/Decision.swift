import Foundation

/// How a delivery travels.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case email, sms
}

/// Who a delivery is for, with what the transports need to reach and address them.
public struct Recipient: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case practitioner, assistant, patient
    }
    public var kind: Kind
    public var id: Int64
    public var displayName: String
    public var locale: String
    public var timezone: String

    public init(kind: Kind, id: Int64, displayName: String, locale: String, timezone: String) {
        self.kind = kind; self.id = id; self.displayName = displayName
        self.locale = locale; self.timezone = timezone
    }
}

/// One recipient on one channel: becomes one outbox row.
public struct Delivery: Hashable, Sendable, Codable {
    public var channel: Channel
    /// An email address or an E.164 number.
    public var address: String
    public var recipient: Recipient

    public init(channel: Channel, address: String, recipient: Recipient) {
        self.channel = channel; self.address = address; self.recipient = recipient
    }
}

/// A practitioner offered to a patient by rule 5.
public struct NearbyOption: Hashable, Sendable, Codable {
    public var practitionerID: Int64
    public var displayName: String
    public var specialty: String?
    public var distanceKm: Double

    public init(practitionerID: Int64, displayName: String, specialty: String?, distanceKm: Double) {
        self.practitionerID = practitionerID; self.displayName = displayName
        self.specialty = specialty; self.distanceKm = distanceKm
    }
}

/// What the transports need to render a decision, and nothing medical:
/// no message body, no procedure, no patient name.
public struct DecisionContent: Hashable, Sendable, Codable {
    /// Digest: the number of unprocessed requests.
    public var count: Int?
    /// Reminder: when it became due.
    public var dueAt: Date?
    /// Closure auto-reply: the last closed day (local date, `YYYY-MM-DD`).
    public var closureEndsOn: String?
    /// The practitioner the request was sent to (patient-facing messages).
    public var practitionerName: String?
    /// Nearby proposal: the practitioners offered, nearest first.
    public var nearby: [NearbyOption]?
    /// Message alerts: how many alerts of this request were held back (coalesced) since the previous one.
    public var heldBack: Int?

    public init(count: Int? = nil, dueAt: Date? = nil, closureEndsOn: String? = nil,
                practitionerName: String? = nil, nearby: [NearbyOption]? = nil, heldBack: Int? = nil) {
        self.count = count; self.dueAt = dueAt; self.closureEndsOn = closureEndsOn
        self.practitionerName = practitionerName; self.nearby = nearby; self.heldBack = heldBack
    }
}

/// Something relance decided to tell someone, once.
public struct Decision: Hashable, Sendable {
    /// The idempotency key, e.g. `reminder:request:42`: recorded once, never decided again.
    public var key: String
    public var rule: RuleName
    /// Why, where a rule has several triggers (`new_request`, `address_only`, `unread`, `refused`…).
    public var reason: String?
    public var requestID: Int64?
    public var practitionerID: Int64?
    public var patientID: Int64?
    public var messageID: Int64?
    public var decidedAt: Date
    public var deliveries: [Delivery]
    public var content: DecisionContent

    public init(key: String, rule: RuleName, reason: String? = nil, requestID: Int64? = nil,
                practitionerID: Int64? = nil, patientID: Int64? = nil, messageID: Int64? = nil,
                decidedAt: Date, deliveries: [Delivery], content: DecisionContent = DecisionContent()) {
        self.key = key; self.rule = rule; self.reason = reason; self.requestID = requestID
        self.practitionerID = practitionerID; self.patientID = patientID; self.messageID = messageID
        self.decidedAt = decidedAt; self.deliveries = deliveries; self.content = content
    }
}

/// Idempotency keys, one format for every rule.
public enum DecisionKey {
    public static func message(_ rule: RuleName, _ id: Int64) -> String { "\(rule.rawValue):message:\(id)" }
    public static func request(_ rule: RuleName, _ id: Int64) -> String { "\(rule.rawValue):request:\(id)" }
    public static func digest(practitioner id: Int64, at now: Date) -> String {
        "digest:practitioner:\(id):\(Timestamp.format(now))"
    }
}
