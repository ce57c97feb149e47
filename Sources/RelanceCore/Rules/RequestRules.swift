import Foundation

/// What relance already decided for a request (from its recorded decisions).
public struct RequestHistory: Sendable, Equatable {
    public var reminderSentAt: Date?
    public var proposalSent: Bool

    public init(reminderSentAt: Date? = nil, proposalSent: Bool = false) {
        self.reminderSentAt = reminderSentAt
        self.proposalSent = proposalSent
    }
}

/// The time-driven rules for one request: reminder (3), unread escalation (4),
/// the address-only and refusal proposals (3, 6).
public enum RequestRules {
    public struct Evaluation: Sendable, Equatable {
        public var outcomes: [Outcome]
        /// When to look at this request again; nil when no rule can fire any more
        /// (unless the request changes, which brings it back).
        public var nextCheck: Date?
    }

    public static func evaluate(_ r: Request, practice: Practice, patient: Patient?, blocked: Bool,
                                history: RequestHistory, now: Date, policy: Policy) -> Evaluation {
        var out: [Outcome] = []
        var next: Date?
        func wake(_ d: Date) { next = min(next ?? d, d) }

        let state = r.state(at: now)
        if state == .notYetCreated {
            return Evaluation(outcomes: [.pending(.reminder, due: r.createdAt, why: "request not created yet at this time")],
                              nextCheck: r.createdAt)
        }
        if blocked {
            return Evaluation(outcomes: [.skipped(.reminder, why: "patient blocked"),
                                         .skipped(.nearbyProposal, why: "patient blocked")], nextCheck: nil)
        }
        let nearby = policy.nearbyProposal
        let p = practice.practitioner
        let cal = practice.calendar

        switch state {
        case .notYetCreated:
            break
        case .handled:
            out.append(.skipped(.reminder, why: "request handled"))
        case .refused:
            out.append(.skipped(.reminder, why: "request refused"))
            if history.proposalSent {
                out.append(.skipped(.nearbyProposal, why: "proposal already sent"))
            } else if let reason = r.refusalReason, reason.offersNearby {
                if nearby.enabled && nearby.onRefused {
                    out.append(proposalOrLate(.refused, since: r.refusedAt ?? r.updatedAt, now: now, policy: policy))
                } else {
                    out.append(.skipped(.nearbyProposal, why: "proposals after a refusal are switched off"))
                }
            } else {
                out.append(.skipped(.nearbyProposal, why: "refused as \(r.refusalReason?.rawValue ?? "unspecified"): no proposal"))
            }
        case .unprocessed(let read):
            let due = cal.adding(policy.reminder.after, to: r.createdAt)
            switch p.profile {
            case .addressOnly:
                out.append(.skipped(.reminder, why: "practitioner is address_only: patient proposal instead"))
                if history.proposalSent {
                    out.append(.skipped(.nearbyProposal, why: "proposal already sent"))
                } else if !(nearby.enabled && nearby.onAddressOnly) {
                    out.append(.skipped(.nearbyProposal, why: "address-only proposals are switched off"))
                } else if now >= due {
                    out.append(proposalOrLate(.addressOnly, since: due, now: now, policy: policy))
                } else {
                    out.append(.pending(.nearbyProposal, due: due, why: "address-only proposal due \(Timestamp.format(due))"))
                    wake(due)
                }
            case .complete:
                var reminderSent = history.reminderSentAt
                if let at = reminderSent {
                    out.append(.skipped(.reminder, why: "reminder already sent \(Timestamp.format(at))"))
                } else if !policy.reminder.enabled {
                    out.append(.skipped(.reminder, why: "reminder rule switched off"))
                } else if now >= due {
                    let deliveries = practice.audience(sms: false)
                    out.append(.fired(Decision(
                        key: DecisionKey.request(.reminder, r.id), rule: .reminder, reason: read ? "read" : "unread",
                        requestID: r.id, practitionerID: p.id, patientID: r.patientID, decidedAt: now,
                        deliveries: deliveries, content: DecisionContent(dueAt: due))))
                    reminderSent = now
                } else {
                    out.append(.pending(.reminder, due: due, why: "reminder due \(Timestamp.format(due))"))
                    wake(due)
                }
                // Unread escalation: still never opened after the reminder and N business days.
                let escalation = cal.adding(nearby.unreadAfter, to: r.createdAt)
                if history.proposalSent {
                    out.append(.skipped(.nearbyProposal, why: "proposal already sent"))
                } else if read {
                    out.append(.skipped(.nearbyProposal, why: "request was opened by the practitioner"))
                } else if !(nearby.enabled && nearby.onUnread) {
                    out.append(.skipped(.nearbyProposal, why: "unread proposals are switched off"))
                } else if policy.reminder.enabled && reminderSent == nil {
                    out.append(.pending(.nearbyProposal, due: max(due, escalation),
                                        why: "unread proposal waits for the reminder, then \(Timestamp.format(escalation))"))
                } else if now >= escalation {
                    out.append(proposalOrLate(.unread, since: max(escalation, reminderSent ?? escalation), now: now, policy: policy))
                } else {
                    out.append(.pending(.nearbyProposal, due: escalation, why: "unread proposal due \(Timestamp.format(escalation))"))
                    wake(escalation)
                }
            }
        }
        return Evaluation(outcomes: out, nextCheck: next)
    }

    /// A proposal is offered within a week of becoming due; past that the patient
    /// has moved on, and a late list would only confuse.
    public static let proposalWindow: TimeInterval = 7 * 86_400

    static func proposalOrLate(_ reason: ProposalReason, since: Date, now: Date, policy: Policy) -> Outcome {
        now <= since.addingTimeInterval(proposalWindow)
            ? .needsProposal(reason: reason)
            : .skipped(.nearbyProposal, why: "\(reason.rawValue) proposal due \(Timestamp.format(since)): more than 7 days ago, too late")
    }

    /// A proposal that found nobody nearby is tried again daily while its week
    /// lasts (a colleague's closure ends, a new practitioner opens): the next
    /// try, or nil when the week is over.
    public static func retryWithoutMatch(_ r: Request, reason: ProposalReason, practice: Practice,
                                         history: RequestHistory, now: Date, policy: Policy) -> Date? {
        let cal = practice.calendar
        let since: Date
        switch reason {
        case .refused: since = r.refusedAt ?? r.updatedAt
        case .addressOnly: since = cal.adding(policy.reminder.after, to: r.createdAt)
        case .unread:
            let escalation = cal.adding(policy.nearbyProposal.unreadAfter, to: r.createdAt)
            since = max(escalation, history.reminderSentAt ?? escalation)
        }
        let next = now.addingTimeInterval(86_400)
        return next <= since.addingTimeInterval(proposalWindow) ? next : nil
    }

    /// Completes a proposal with the practitioners found nearby.
    public static func proposal(for r: Request, reason: ProposalReason, origin: Practitioner,
                                patient: Patient?, options: [NearbyOption], now: Date) -> Outcome {
        guard !options.isEmpty else {
            return .skipped(.nearbyProposal, why: "\(reason.rawValue): no practitioner nearby matches")
        }
        let deliveries = patient?.audience(sms: false, timezone: origin.timezone) ?? []
        return .fired(Decision(
            key: DecisionKey.request(.nearbyProposal, r.id), rule: .nearbyProposal, reason: reason.rawValue,
            requestID: r.id, practitionerID: origin.id, patientID: r.patientID, decidedAt: now,
            deliveries: deliveries,
            content: DecisionContent(practitionerName: origin.displayName, nearby: options)))
    }
}
