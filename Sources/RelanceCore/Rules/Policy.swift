import Foundation

/// The rules of DESIGN.md, by the identifiers used in config (`[rules.NAME]`) and logs.
public enum RuleName: String, Sendable, Codable, CaseIterable, Comparable {
    case patientMessageAlert = "patient_message_alert"
    case digest
    case reminder
    case nearbyProposal = "nearby_proposal"
    case replyAlert = "reply_alert"
    case fullTextForward = "full_text_forward"
    case closureAutoReply = "closure_auto_reply"

    public static func < (a: RuleName, b: RuleName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Every tunable of the rules, with DESIGN.md's defaults.
public struct Policy: Sendable, Equatable {
    /// Rules 1 and 7: an alert per message, coalesced per request and recipient,
    /// and recorded as skipped (`too_old`) for a message older than `maxAge`.
    public struct MessageAlert: Sendable, Equatable {
        public var enabled = true
        /// Seconds: a message older than this when first looked at is not alerted (0: no limit).
        public var maxAge: TimeInterval = 72 * 3600
        /// Seconds: at most one alert per request and recipient within this window (0: every message).
        public var coalesce: TimeInterval = 15 * 60
        public init() {}
    }
    public typealias PatientMessageAlert = MessageAlert
    public struct Digest: Sendable, Equatable {
        public var enabled = true
        /// Unprocessed requests at which the digest goes out.
        public var threshold = 4
        /// At most one digest per practitioner within this interval.
        public var minInterval = DurationSpec.seconds(7 * 86_400)
        public init() {}
    }
    public struct Reminder: Sendable, Equatable {
        public var enabled = true
        public var after = DurationSpec.businessDays(2)
        public init() {}
    }
    public struct NearbyProposal: Sendable, Equatable {
        public var enabled = true
        /// Offer others instead of a reminder when the practitioner is address-only.
        public var onAddressOnly = true
        /// Offer others when a complete practitioner left the request unread.
        public var onUnread = true
        /// Offer others after a 'not_practised' or 'not_interested' refusal.
        public var onRefused = true
        public var unreadAfter = DurationSpec.businessDays(3)
        public var maxResults = 3
        public var radiusKm = 30.0
        public init() {}
    }
    public struct Toggle: Sendable, Equatable {
        public var enabled = true
        public init(enabled: Bool = true) { self.enabled = enabled }
    }

    public var region: HolidayRegion = .france
    public var patientMessageAlert = PatientMessageAlert()
    public var digest = Digest()
    public var reminder = Reminder()
    public var nearbyProposal = NearbyProposal()
    public var replyAlert = MessageAlert()
    public var fullTextForward = Toggle()
    public var closureAutoReply = Toggle()

    public init() {}

    public func isEnabled(_ rule: RuleName) -> Bool {
        switch rule {
        case .patientMessageAlert: patientMessageAlert.enabled
        case .digest: digest.enabled
        case .reminder: reminder.enabled
        case .nearbyProposal: nearbyProposal.enabled
        case .replyAlert: replyAlert.enabled
        case .fullTextForward: fullTextForward.enabled
        case .closureAutoReply: closureAutoReply.enabled
        }
    }
}
