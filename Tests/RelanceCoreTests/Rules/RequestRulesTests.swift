import Foundation
import Testing
import RelanceCore

// A request created Monday 2 March 2026 at 10:00 Paris (`created`, 09:00 UTC):
// the reminder is due 2 business days later, Wednesday 10:00 (+48 h); the
// unread escalation 3 business days later, Thursday 10:00 (+72 h).
let reminderDue = "2026-03-04T09:00:00Z"
let escalationDue = "2026-03-05T09:00:00Z"

/// A situation of one request → what the time-driven rules conclude.
struct RequestCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: Request = row()
    var practice: Practice = Cast.practice()
    var blocked = false
    var history = RequestHistory()
    var policy = Policy()
    /// `now`, in hours after creation.
    var at: Double
    var expected: [String]
    var nextCheck: String?

    var testDescription: String { name }

    func evaluate() -> RequestRules.Evaluation {
        RequestRules.evaluate(request, practice: practice, patient: Cast.patient(), blocked: blocked,
                              history: history, now: plus(at), policy: policy)
    }
}

let sentAtDue = RequestHistory(reminderSentAt: ts(reminderDue))
let addressOnly = Cast.practice(Cast.doctor(profile: .addressOnly))
func policy(_ change: (inout Policy) -> Void) -> Policy { var p = Policy(); change(&p); return p }

let requestCases: [RequestCase] = [
    // Reminder and unread escalation, complete profile.
    RequestCase(name: "not created yet at this now", at: -1 / 3600,
                expected: ["pending reminder 2026-03-02T09:00:00Z"], nextCheck: "2026-03-02T09:00:00Z"),
    RequestCase(name: "just created", at: 0,
                expected: ["pending reminder \(reminderDue)", "pending nearby_proposal \(escalationDue)"], nextCheck: reminderDue),
    RequestCase(name: "one second before the reminder is due", at: 48 - 1 / 3600,
                expected: ["pending reminder \(reminderDue)", "pending nearby_proposal \(escalationDue)"], nextCheck: reminderDue),
    RequestCase(name: "at the due instant: the reminder fires", at: 48,
                expected: ["fired reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "late (the daemon was down): the reminder fires at once", at: 60,
                expected: ["fired reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "down until after the escalation: reminder and proposal together", at: 100,
                expected: ["fired reminder", "proposal unread"], nextCheck: nil),
    RequestCase(name: "reminder sent, one second before the escalation", history: sentAtDue, at: 72 - 1 / 3600,
                expected: ["skipped reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "reminder sent, still unread 3 business days after creation", history: sentAtDue, at: 72,
                expected: ["skipped reminder", "proposal unread"], nextCheck: nil),
    RequestCase(name: "reminder sent, read after the reminder: no escalation", request: row(.read, read: 50, updated: 50),
                history: sentAtDue, at: 72, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "read before the deadline: reminder, no escalation", request: row(.read, read: 1, updated: 1), at: 48,
                expected: ["fired reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "read (status only, no first_read_at): no escalation", request: row(.read, updated: 1), at: 72,
                expected: ["fired reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "reminder sent and proposal sent: nothing more", history: RequestHistory(reminderSentAt: ts(reminderDue), proposalSent: true),
                at: 200, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "answered before the deadline: nothing", request: row(.answered, read: 1, answered: 40, updated: 40), at: 48,
                expected: ["skipped reminder"], nextCheck: nil),
    RequestCase(name: "answered one second before the deadline: nothing", request: row(.answered, answered: 48 - 1 / 3600, updated: 48),
                at: 48, expected: ["skipped reminder"], nextCheck: nil),
    RequestCase(name: "answered after the deadline, replayed at the deadline: the reminder was due",
                request: row(.answered, read: 1, answered: 50, updated: 50), at: 48,
                expected: ["fired reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "closed before the deadline", request: row(.closed, closed: 20, updated: 20), at: 48,
                expected: ["skipped reminder"], nextCheck: nil),
    RequestCase(name: "handled outside by phone before the deadline", request: row(.new, outside: .phone, updated: 20), at: 48,
                expected: ["skipped reminder"], nextCheck: nil),

    // Refusals (rule 6).
    RequestCase(name: "refused as duplicate: nothing", request: row(.refused, reason: .duplicate, updated: 4), at: 5,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refused as spam: nothing", request: row(.refused, reason: .spam, updated: 4), at: 5,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refused as not_practised: proposal", request: row(.refused, reason: .notPractised, updated: 4), at: 5,
                expected: ["skipped reminder", "proposal refused"], nextCheck: nil),
    RequestCase(name: "refused as not_interested: proposal", request: row(.refused, reason: .notInterested, updated: 4), at: 5,
                expected: ["skipped reminder", "proposal refused"], nextCheck: nil),
    RequestCase(name: "refused as not_interested and closed: proposal", request: row(.refused, reason: .notInterested, closed: 4, updated: 4),
                at: 5, expected: ["skipped reminder", "proposal refused"], nextCheck: nil),
    RequestCase(name: "refused as not_practised with a refusal message: proposal",
                request: row(.refused, reason: .notPractised, answered: 4, updated: 4), at: 5,
                expected: ["skipped reminder", "proposal refused"], nextCheck: nil),
    RequestCase(name: "refused without a reason: nothing", request: row(.refused, updated: 4), at: 5,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refused as not_practised, proposal already sent", request: row(.refused, reason: .notPractised, updated: 4),
                history: RequestHistory(proposalSent: true), at: 5, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refused as not_practised, replayed before the refusal: waiting as usual",
                request: row(.refused, reason: .notPractised, read: 1, updated: 60), at: 48,
                expected: ["fired reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refused as not_practised by an address-only practitioner: proposal",
                request: row(.refused, reason: .notPractised, updated: 4), practice: addressOnly, at: 5,
                expected: ["skipped reminder", "proposal refused"], nextCheck: nil),

    // Address-only practitioners (rules 3 and 5).
    RequestCase(name: "address-only, just created: no reminder, proposal when due", practice: addressOnly, at: 0,
                expected: ["skipped reminder", "pending nearby_proposal \(reminderDue)"], nextCheck: reminderDue),
    RequestCase(name: "address-only, one second before due", practice: addressOnly, at: 48 - 1 / 3600,
                expected: ["skipped reminder", "pending nearby_proposal \(reminderDue)"], nextCheck: reminderDue),
    RequestCase(name: "address-only, due: proposal needed", practice: addressOnly, at: 48,
                expected: ["skipped reminder", "proposal address_only"], nextCheck: nil),
    RequestCase(name: "address-only, read but unanswered: proposal all the same", request: row(.read, read: 1, updated: 1),
                practice: addressOnly, at: 48, expected: ["skipped reminder", "proposal address_only"], nextCheck: nil),
    RequestCase(name: "address-only, proposal already sent", practice: addressOnly, history: RequestHistory(proposalSent: true),
                at: 48, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "address-only, answered", request: row(.answered, answered: 10, updated: 10), practice: addressOnly, at: 48,
                expected: ["skipped reminder"], nextCheck: nil),

    // Blocked patients.
    RequestCase(name: "blocked patient, due", blocked: true, at: 48,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "blocked patient, unread after the escalation", blocked: true, history: sentAtDue, at: 72,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "blocked patient, refused as not_practised", request: row(.refused, reason: .notPractised, updated: 4),
                blocked: true, at: 5, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "blocked patient, address-only", practice: addressOnly, blocked: true, at: 48,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),

    // Switches and settings.
    RequestCase(name: "reminder switched off: the unread proposal does not wait for it",
                policy: policy { $0.reminder.enabled = false }, at: 48,
                expected: ["skipped reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "reminder switched off, 3 business days: proposal", policy: policy { $0.reminder.enabled = false }, at: 72,
                expected: ["skipped reminder", "proposal unread"], nextCheck: nil),
    RequestCase(name: "unread proposals switched off", policy: policy { $0.nearbyProposal.onUnread = false }, at: 48,
                expected: ["fired reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "proposals switched off: address-only", practice: addressOnly, policy: policy { $0.nearbyProposal.enabled = false },
                at: 48, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "address-only proposals switched off", practice: addressOnly, policy: policy { $0.nearbyProposal.onAddressOnly = false },
                at: 48, expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "refusal proposals switched off", request: row(.refused, reason: .notPractised, updated: 4),
                policy: policy { $0.nearbyProposal.onRefused = false }, at: 5,
                expected: ["skipped reminder", "skipped nearby_proposal"], nextCheck: nil),
    RequestCase(name: "reminder after 1 business day", policy: policy { $0.reminder.after = .businessDays(1) }, at: 24,
                expected: ["fired reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "reminder after 36h of elapsed time", policy: policy { $0.reminder.after = .seconds(36 * 3600) }, at: 36,
                expected: ["fired reminder", "pending nearby_proposal \(escalationDue)"], nextCheck: escalationDue),
    RequestCase(name: "unread escalation after 5 business days", history: sentAtDue,
                policy: policy { $0.nearbyProposal.unreadAfter = .businessDays(5) }, at: 72,
                expected: ["skipped reminder", "pending nearby_proposal 2026-03-09T09:00:00Z"], nextCheck: "2026-03-09T09:00:00Z"),
    RequestCase(name: "a closure Tuesday–Wednesday moves the reminder to Friday",
                practice: Cast.practice(closures: [("2026-03-03", "2026-03-04")]), at: 48,
                expected: ["pending reminder 2026-03-06T09:00:00Z", "pending nearby_proposal 2026-03-09T09:00:00Z"],
                nextCheck: "2026-03-06T09:00:00Z"),
    RequestCase(name: "a practitioner in Martinique: 2 business days on their own calendar",
                practice: Cast.practice(Cast.doctor(timezone: "America/Martinique")), at: 0,
                expected: ["pending reminder \(reminderDue)", "pending nearby_proposal \(escalationDue)"], nextCheck: reminderDue),
]

@Suite("RequestRules")
struct RequestRulesTests {
    @Test("situation → outcomes", arguments: requestCases)
    func outcomes(c: RequestCase) {
        let e = c.evaluate()
        #expect(e.outcomes.map(\.summary) == c.expected)
        #expect(e.nextCheck.map(Timestamp.format) == c.nextCheck)
        // Every outcome that is not a decision says why.
        for o in e.outcomes where o.decision == nil {
            if case .needsProposal = o { continue }
            #expect(o.why?.isEmpty == false)
        }
    }

    @Test("the reminder fires at the due instant and not one second before", arguments: [
        ("2026-03-06T15:00:00Z", "2026-03-10T15:00:00Z"),  // Friday 16:00 → Tuesday 16:00
        ("2026-03-07T09:00:00Z", "2026-03-10T23:00:00Z"),  // Saturday 10:00 → Wednesday 00:00
        ("2026-05-13T14:00:00Z", "2026-05-18T14:00:00Z"),  // Wednesday before Ascension → Monday
        ("2026-03-27T15:00:00Z", "2026-03-31T14:00:00Z"),  // across the spring DST change
        ("2026-10-23T14:00:00Z", "2026-10-27T15:00:00Z"),  // across the autumn DST change
    ])
    func reminderInstant(createdAt: String, due: String) {
        let r = Request(id: 42, practitionerID: 7, patientID: 9, createdAt: ts(createdAt))
        func eval(_ now: Date) -> RequestRules.Evaluation {
            RequestRules.evaluate(r, practice: Cast.practice(), patient: Cast.patient(), blocked: false,
                                  history: RequestHistory(), now: now, policy: Policy())
        }
        let before = eval(ts(due).addingTimeInterval(-1))
        #expect(before.outcomes.first?.summary == "pending reminder \(due)")
        #expect(before.outcomes.allSatisfy { $0.decision == nil })
        #expect(before.nextCheck == ts(due))
        let at = eval(ts(due))
        let reminder = at.outcomes.first?.decision
        #expect(reminder?.rule == .reminder)
        #expect(reminder?.content.dueAt == ts(due))
        #expect(reminder?.decidedAt == ts(due))
    }

    @Test("the reminder goes to the practitioner and each assistant, by email only")
    func reminderAudience() throws {
        let second = Assistant(id: 71, practitionerID: 7, displayName: "Marc", email: "marc@example.org")
        let noEmail = Assistant(id: 72, practitionerID: 7, displayName: "Lina", email: nil, phone: "+33600000072")
        let practice = Cast.practice(Cast.doctor(smsAlerts: true), assistants: [Cast.assistant, second, noEmail])
        let e = RequestRules.evaluate(row(), practice: practice, patient: Cast.patient(), blocked: false,
                                      history: RequestHistory(), now: ts(reminderDue), policy: Policy())
        let d = try #require(e.outcomes.first?.decision)
        #expect(d.key == "reminder:request:42")
        #expect(d.key == DecisionKey.request(.reminder, 42))
        #expect(d.rule == .reminder)
        #expect(d.reason == "unread")
        #expect(d.requestID == 42 && d.practitionerID == 7 && d.patientID == 9 && d.messageID == nil)
        #expect(d.deliveries.map(\.summary) == [
            "email practitioner 7 dr.martin@example.org",
            "email assistant 70 secretariat@example.org",
            "email assistant 71 marc@example.org",
        ])
        #expect(d.deliveries.allSatisfy { $0.recipient.timezone == "Europe/Paris" && $0.recipient.locale == "fr" })
        // Nothing medical, nothing about the patient beyond the ids.
        #expect(d.content == DecisionContent(dueAt: ts(reminderDue)))
    }

    @Test("a read request's reminder says so")
    func reminderReason() throws {
        let e = RequestRules.evaluate(row(.read, read: 2, updated: 2), practice: Cast.practice(), patient: Cast.patient(),
                                      blocked: false, history: RequestHistory(), now: ts(reminderDue), policy: Policy())
        #expect(try #require(e.outcomes.first?.decision).reason == "read")
    }

    @Test("a practitioner without email: the assistants still get the reminder")
    func reminderWithoutPractitionerEmail() throws {
        let practice = Cast.practice(Cast.doctor(email: "  "))
        let e = RequestRules.evaluate(row(), practice: practice, patient: Cast.patient(), blocked: false,
                                      history: RequestHistory(), now: ts(reminderDue), policy: Policy())
        let d = try #require(e.outcomes.first?.decision)
        #expect(d.deliveries.map(\.summary) == ["email assistant 70 secretariat@example.org"])
    }

    @Test("replaying the same now gives the same decisions")
    func deterministic() {
        for c in requestCases {
            #expect(c.evaluate() == c.evaluate(), "\(c.name)")
        }
    }

    // MARK: Completing a proposal

    static let options = [
        NearbyOption(practitionerID: 11, displayName: "Dr Bernard", specialty: "kinésithérapie", distanceKm: 2.4),
        NearbyOption(practitionerID: 12, displayName: "Dr Roux", specialty: nil, distanceKm: 7.9),
    ]

    @Test("a proposal goes to the patient by email, with the practitioners found", arguments: [
        ProposalReason.addressOnly, .unread, .refused,
    ])
    func proposal(reason: ProposalReason) throws {
        let patient = Cast.patient(smsOptIn: true)
        let origin = Cast.doctor(timezone: "Indian/Reunion")
        let o = RequestRules.proposal(for: row(), reason: reason, origin: origin, patient: patient,
                                      options: Self.options, now: ts(escalationDue))
        let d = try #require(o.decision)
        #expect(d.key == "nearby_proposal:request:42")
        #expect(d.rule == .nearbyProposal)
        #expect(d.reason == reason.rawValue)
        #expect(d.requestID == 42 && d.practitionerID == 7 && d.patientID == 9)
        #expect(d.decidedAt == ts(escalationDue))
        #expect(d.deliveries.map(\.summary) == ["email patient 9 jeanne.dupont@example.org"])
        #expect(d.deliveries.first?.recipient.timezone == "Indian/Reunion")
        #expect(d.content.nearby == Self.options)
        #expect(d.content.practitionerName == "Dr Anne Martin")
    }

    @Test("no practitioner nearby: the proposal is skipped, saying why")
    func noOptions() {
        let o = RequestRules.proposal(for: row(), reason: .unread, origin: Cast.doctor(), patient: Cast.patient(),
                                      options: [], now: ts(escalationDue))
        #expect(o.summary == "skipped nearby_proposal")
        #expect(o.why?.contains("unread") == true)
    }

    @Test("a patient who opted out of email gets no proposal delivery", arguments: [
        Cast.patient(emailOptIn: false), Cast.patient(email: nil), Cast.patient(email: ""),
    ])
    func proposalOptOut(patient: Patient) throws {
        let o = RequestRules.proposal(for: row(), reason: .unread, origin: Cast.doctor(), patient: patient,
                                      options: Self.options, now: ts(escalationDue))
        #expect(try #require(o.decision).deliveries.isEmpty)
    }

    @Test("keys follow rule:kind:id")
    func keys() {
        #expect(DecisionKey.request(.reminder, 42) == "reminder:request:42")
        #expect(DecisionKey.request(.nearbyProposal, 42) == "nearby_proposal:request:42")
        #expect(DecisionKey.request(.closureAutoReply, 42) == "closure_auto_reply:request:42")
        #expect(DecisionKey.message(.patientMessageAlert, 5) == "patient_message_alert:message:5")
        #expect(DecisionKey.message(.replyAlert, 6) == "reply_alert:message:6")
        #expect(DecisionKey.message(.fullTextForward, 5) == "full_text_forward:message:5")
        #expect(DecisionKey.digest(practitioner: 7, at: ts("2026-03-02T09:00:00Z")) == "digest:practitioner:7:2026-03-02T09:00:00Z")
    }

    @Test("rule names: config spellings, order, switches")
    func ruleNames() {
        #expect(RuleName.allCases.map(\.rawValue) == [
            "patient_message_alert", "digest", "reminder", "nearby_proposal", "reply_alert", "full_text_forward",
            "closure_auto_reply",
        ])
        #expect(RuleName.patientMessageAlert < .closureAutoReply)
        #expect(RuleName.allCases.allSatisfy { Policy().isEnabled($0) })
        var p = Policy()
        p.digest.enabled = false
        p.closureAutoReply.enabled = false
        #expect(!p.isEnabled(.digest) && !p.isEnabled(.closureAutoReply) && p.isEnabled(.reminder))
    }

    @Test("the defaults of DESIGN.md")
    func defaults() {
        let p = Policy()
        #expect(p.digest.threshold == 4)
        #expect(p.digest.minInterval == .seconds(7 * 86_400))
        #expect(p.reminder.after == .businessDays(2))
        #expect(p.nearbyProposal.unreadAfter == .businessDays(3))
        #expect(p.nearbyProposal.maxResults == 3)
        #expect(p.nearbyProposal.radiusKm == 30)
        #expect(p.region == .france)
    }
}
