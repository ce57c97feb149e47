import Foundation

/// A flood of messages must not become a flood of email: at most one
/// `patient_message_alert` (likewise `reply_alert`) per request and recipient
/// within `rules.<rule>.coalesce`. An alert inside the window is recorded with
/// the reason `coalesced` and no delivery; the next alert that goes out says
/// how many were held back meanwhile. Pure: the caller keeps the memory.
///
/// Per request is per recipient: an alert's recipients are the request's
/// practitioner and assistants (rule 1) or its patient (rule 7).
public enum AlertCoalescing {
    public struct Key: Hashable, Sendable {
        public var requestID: Int64
        public var rule: RuleName
        public init(requestID: Int64, rule: RuleName) { self.requestID = requestID; self.rule = rule }
    }

    /// What is known of a request's alerts of one rule.
    public struct Memory: Sendable, Equatable {
        /// When the last alert that was not held back was decided.
        public var lastSentAt: Date?
        /// Alerts held back since then.
        public var held: Int
        public init(lastSentAt: Date? = nil, held: Int = 0) { self.lastSentAt = lastSentAt; self.held = held }
    }

    public static let coalescedReason = "coalesced"

    /// The rules these windows apply to.
    public static func applies(to rule: RuleName) -> Bool { rule == .patientMessageAlert || rule == .replyAlert }

    /// `alert` as it must be recorded, given `memory` (updated) and the rule's `window` in seconds.
    public static func apply(_ alert: Decision, window: TimeInterval, memory: inout Memory) -> Decision {
        guard window > 0, alert.reason != MessageRules.tooOldReason else { return alert }
        if let last = memory.lastSentAt, alert.decidedAt >= last, alert.decidedAt < last.addingTimeInterval(window) {
            memory.held += 1
            var held = alert
            held.reason = coalescedReason
            held.deliveries = []
            return held
        }
        var sent = alert
        if memory.held > 0 { sent.content.heldBack = memory.held }
        memory = Memory(lastSentAt: alert.decidedAt, held: 0)
        return sent
    }
}
