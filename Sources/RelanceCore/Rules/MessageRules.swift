import Foundation

/// The event-driven rules, run once for each message when it becomes visible:
/// new-message alert (1), reply alert (7), full-text forwarding (8), closure
/// auto-reply (9).
public enum MessageRules {
    /// The reason recorded for an alert of a message older than the rule's `max_age`: decided, not sent.
    public static let tooOldReason = "too_old"

    /// `alert` recorded as skipped, with no delivery, when its message is older than `maxAge` at `now`.
    static func limitAge(_ alert: Decision, message m: Message, maxAge: TimeInterval, now: Date) -> Decision {
        guard maxAge > 0, now.timeIntervalSince(m.visibleAt) > maxAge else { return alert }
        var old = alert
        old.reason = tooOldReason
        old.deliveries = []
        return old
    }

    public static func evaluate(_ m: Message, request r: Request, isFirstPatientMessage: Bool,
                                practice: Practice, patient: Patient?, blocked: Bool,
                                now: Date, policy: Policy) -> [Outcome] {
        let p = practice.practitioner
        guard m.visibleAt <= now else {
            return [.pending(m.author == .patient ? .patientMessageAlert : .replyAlert, due: m.visibleAt,
                             why: "message \(m.id) deferred until \(Timestamp.format(m.visibleAt))")]
        }
        var out: [Outcome] = []
        switch m.author {
        case .patient:
            if blocked {
                return [.skipped(.patientMessageAlert, why: "patient blocked")]
            }
            let reason = isFirstPatientMessage ? "new_request" : "new_message"
            if !policy.patientMessageAlert.enabled {
                out.append(.skipped(.patientMessageAlert, why: "rule switched off"))
            } else if !p.notifyEachRequest {
                out.append(.skipped(.patientMessageAlert, why: "practitioner relies on the digest (notify_each_request = 0)"))
            } else {
                out.append(.fired(limitAge(Decision(
                    key: DecisionKey.message(.patientMessageAlert, m.id), rule: .patientMessageAlert,
                    reason: reason, requestID: r.id, practitionerID: p.id, patientID: r.patientID,
                    messageID: m.id, decidedAt: now, deliveries: practice.audience(sms: true)),
                    message: m, maxAge: policy.patientMessageAlert.maxAge, now: now)))
            }
            if p.forwardFullText {
                if policy.fullTextForward.enabled {
                    out.append(.fired(Decision(
                        key: DecisionKey.message(.fullTextForward, m.id), rule: .fullTextForward,
                        reason: reason, requestID: r.id, practitionerID: p.id, patientID: r.patientID,
                        messageID: m.id, decidedAt: now, deliveries: practice.ownerByEmail)))
                } else {
                    out.append(.skipped(.fullTextForward, why: "rule switched off"))
                }
            }
            let cal = practice.calendar
            if let closure = cal.closure(on: cal.local(m.visibleAt).date) {
                if policy.closureAutoReply.enabled {
                    out.append(.fired(Decision(
                        key: DecisionKey.request(.closureAutoReply, r.id), rule: .closureAutoReply,
                        requestID: r.id, practitionerID: p.id, patientID: r.patientID, messageID: m.id,
                        decidedAt: now, deliveries: patient?.audience(sms: false, timezone: p.timezone) ?? [],
                        content: DecisionContent(closureEndsOn: closure.upperBound.description,
                                                 practitionerName: p.displayName))))
                } else {
                    out.append(.skipped(.closureAutoReply, why: "rule switched off"))
                }
            }
        case .practitioner, .assistant:
            if !policy.replyAlert.enabled {
                out.append(.skipped(.replyAlert, why: "rule switched off"))
            } else {
                out.append(.fired(limitAge(Decision(
                    key: DecisionKey.message(.replyAlert, m.id), rule: .replyAlert,
                    requestID: r.id, practitionerID: p.id, patientID: r.patientID, messageID: m.id,
                    decidedAt: now, deliveries: patient?.audience(sms: true, timezone: p.timezone) ?? [],
                    content: DecisionContent(practitionerName: p.displayName)),
                    message: m, maxAge: policy.replyAlert.maxAge, now: now)))
            }
        }
        return out
    }
}
