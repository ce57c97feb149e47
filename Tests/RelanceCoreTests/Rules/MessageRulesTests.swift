import Foundation
import Testing
import RelanceCore

/// A message of request 42 → what the event-driven rules conclude.
struct MessageCase: Sendable, CustomTestStringConvertible {
    var name: String
    var author: Message.Author = .patient
    var createdAt = "2026-03-02T09:00:00Z"
    var deliverAt: String?
    var isFirst = true
    var practice: Practice = Cast.practice()
    var patient: Patient? = Cast.patient()
    var blocked = false
    var policy = Policy()
    var now = "2026-03-02T09:00:30Z"
    var expected: [String]
    /// Deliveries of each fired decision, by rule.
    var deliveries: [String: [String]] = [:]

    var testDescription: String { name }

    var message: Message {
        Message(id: 5, requestID: 42, author: author, authorID: author == .patient ? 9 : (author == .assistant ? 70 : 7),
                createdAt: ts(createdAt), deliverAt: deliverAt.map(ts))
    }

    func evaluate() -> [Outcome] {
        let r = Request(id: 42, practitionerID: 7, patientID: 9, createdAt: ts("2026-03-02T09:00:00Z"))
        return MessageRules.evaluate(message, request: r, isFirstPatientMessage: isFirst, practice: practice,
                                     patient: patient, blocked: blocked, now: ts(now), policy: policy)
    }
}

let toPractitioner = "email practitioner 7 dr.martin@example.org"
let toAssistant = "email assistant 70 secretariat@example.org"
let smsToPractitioner = "sms practitioner 7 +33612345607"
let toPatient = "email patient 9 jeanne.dupont@example.org"
let smsToPatient = "sms patient 9 +33698765409"
let summer = Cast.practice(closures: [("2026-07-01", "2026-07-10")])

let messageCases: [MessageCase] = [
    // Rule 1: new request / new message alerts.
    MessageCase(name: "a new request alerts the practitioner and the assistant by email",
                expected: ["fired patient_message_alert"], deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "a new message on an existing request alerts them too", isFirst: false,
                expected: ["fired patient_message_alert"], deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "notify_each_request = 0: no alert (they rely on the digest)",
                practice: Cast.practice(Cast.doctor(notifyEachRequest: false)), expected: ["skipped patient_message_alert"]),
    MessageCase(name: "sms_alerts = 1: an SMS to the practitioner, not to the assistants",
                practice: Cast.practice(Cast.doctor(smsAlerts: true)), expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, smsToPractitioner, toAssistant]]),
    MessageCase(name: "sms_alerts = 1 without a phone number: email only",
                practice: Cast.practice(Cast.doctor(phone: nil, smsAlerts: true)), expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "no assistants: the practitioner alone", practice: Cast.practice(assistants: []),
                expected: ["fired patient_message_alert"], deliveries: ["patient_message_alert": [toPractitioner]]),
    MessageCase(name: "blocked patient: nothing", blocked: true, expected: ["skipped patient_message_alert"]),
    MessageCase(name: "blocked patient, forwarding practitioner on holiday: still nothing",
                createdAt: "2026-07-05T10:00:00Z",
                practice: Cast.practice(Cast.doctor(forwardFullText: true), closures: [("2026-07-01", "2026-07-10")]),
                blocked: true, now: "2026-07-05T10:00:00Z", expected: ["skipped patient_message_alert"]),
    MessageCase(name: "patient message alerts switched off",
                policy: policy { $0.patientMessageAlert.enabled = false }, expected: ["skipped patient_message_alert"]),

    // Deferred messages.
    MessageCase(name: "a deferred patient message is pending until deliver_at", deliverAt: "2026-03-02T18:00:00Z",
                expected: ["pending patient_message_alert 2026-03-02T18:00:00Z"]),
    MessageCase(name: "a deferred patient message, one second before deliver_at", deliverAt: "2026-03-02T18:00:00Z",
                now: "2026-03-02T17:59:59Z", expected: ["pending patient_message_alert 2026-03-02T18:00:00Z"]),
    MessageCase(name: "a deferred patient message fires once visible", deliverAt: "2026-03-02T18:00:00Z",
                now: "2026-03-02T18:00:00Z", expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "a deliver_at before created_at changes nothing", deliverAt: "2026-03-01T09:00:00Z",
                now: "2026-03-02T09:00:00Z", expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "a deferred reply is pending until deliver_at", author: .practitioner,
                deliverAt: "2026-03-03T07:00:00Z", expected: ["pending reply_alert 2026-03-03T07:00:00Z"]),
    MessageCase(name: "a deferred reply fires once visible", author: .practitioner, deliverAt: "2026-03-03T07:00:00Z",
                now: "2026-03-03T07:00:05Z", expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),

    // Rule 8: full-text forwarding.
    MessageCase(name: "forward_full_text = 1: the full text to the practitioner alone",
                practice: Cast.practice(Cast.doctor(smsAlerts: true, forwardFullText: true)),
                expected: ["fired patient_message_alert", "fired full_text_forward"],
                deliveries: ["patient_message_alert": [toPractitioner, smsToPractitioner, toAssistant],
                             "full_text_forward": [toPractitioner]]),
    MessageCase(name: "forward_full_text = 1 and notify_each_request = 0: the text, no alert",
                practice: Cast.practice(Cast.doctor(notifyEachRequest: false, forwardFullText: true)),
                expected: ["skipped patient_message_alert", "fired full_text_forward"],
                deliveries: ["full_text_forward": [toPractitioner]]),
    MessageCase(name: "forward_full_text = 1 but the rule is switched off",
                practice: Cast.practice(Cast.doctor(forwardFullText: true)), policy: policy { $0.fullTextForward.enabled = false },
                expected: ["fired patient_message_alert", "skipped full_text_forward"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "forward_full_text = 1: replies are not forwarded", author: .assistant,
                practice: Cast.practice(Cast.doctor(forwardFullText: true)),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),

    // Rule 9: closure auto-reply.
    MessageCase(name: "a message during a closure: auto-reply to the patient", createdAt: "2026-07-05T10:00:00Z",
                practice: summer, now: "2026-07-05T10:00:00Z",
                expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "on the first closed day", createdAt: "2026-07-01T06:00:00Z", practice: summer,
                now: "2026-07-01T06:00:00Z", expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "on the last closed day, 23:59 Paris", createdAt: "2026-07-10T21:59:00Z", practice: summer,
                now: "2026-07-10T21:59:00Z", expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "00:00 Paris the day after the closure: no auto-reply", createdAt: "2026-07-10T22:00:00Z",
                practice: summer, now: "2026-07-10T22:00:00Z", expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "23:30 UTC on 30 June is already 1 July in Paris: auto-reply", createdAt: "2026-06-30T22:30:00Z",
                practice: summer, now: "2026-06-30T22:30:00Z", expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "the evening before the closure: no auto-reply", createdAt: "2026-06-30T21:59:59Z",
                practice: summer, now: "2026-06-30T21:59:59Z", expected: ["fired patient_message_alert"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "written before the closure, delivered during it: auto-reply", createdAt: "2026-06-30T12:00:00Z",
                deliverAt: "2026-07-02T08:00:00Z", practice: summer, now: "2026-07-02T08:00:00Z",
                expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "closure auto-reply: email only, even with sms_opt_in", createdAt: "2026-07-05T10:00:00Z",
                practice: summer, patient: Cast.patient(smsOptIn: true), now: "2026-07-05T10:00:00Z",
                expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": [toPatient]]),
    MessageCase(name: "closure auto-reply to a patient with email_opt_in = 0: no delivery", createdAt: "2026-07-05T10:00:00Z",
                practice: summer, patient: Cast.patient(emailOptIn: false), now: "2026-07-05T10:00:00Z",
                expected: ["fired patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant], "closure_auto_reply": []]),
    MessageCase(name: "closure auto-reply switched off", createdAt: "2026-07-05T10:00:00Z", practice: summer,
                policy: policy { $0.closureAutoReply.enabled = false }, now: "2026-07-05T10:00:00Z",
                expected: ["fired patient_message_alert", "skipped closure_auto_reply"],
                deliveries: ["patient_message_alert": [toPractitioner, toAssistant]]),
    MessageCase(name: "closure with notify_each_request = 0: the auto-reply all the same", createdAt: "2026-07-05T10:00:00Z",
                practice: Cast.practice(Cast.doctor(notifyEachRequest: false), closures: [("2026-07-01", "2026-07-10")]),
                now: "2026-07-05T10:00:00Z", expected: ["skipped patient_message_alert", "fired closure_auto_reply"],
                deliveries: ["closure_auto_reply": [toPatient]]),
    MessageCase(name: "a reply during a closure: no auto-reply", author: .practitioner, createdAt: "2026-07-05T10:00:00Z",
                practice: summer, now: "2026-07-05T10:00:00Z", expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),

    // Rule 7: reply alerts.
    MessageCase(name: "a practitioner's reply alerts the patient by email", author: .practitioner,
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),
    MessageCase(name: "an assistant's reply alerts the patient by email", author: .assistant,
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),
    MessageCase(name: "sms_opt_in = 1: email and SMS", author: .practitioner, patient: Cast.patient(smsOptIn: true),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient, smsToPatient]]),
    MessageCase(name: "sms_opt_in = 1 without a phone: email only", author: .practitioner,
                patient: Cast.patient(phone: nil, smsOptIn: true), expected: ["fired reply_alert"],
                deliveries: ["reply_alert": [toPatient]]),
    MessageCase(name: "sms_opt_in = 0 with a phone: no SMS", author: .practitioner, patient: Cast.patient(smsOptIn: false),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),
    MessageCase(name: "email_opt_in = 0: no email delivery", author: .practitioner, patient: Cast.patient(emailOptIn: false),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": []]),
    MessageCase(name: "email_opt_in = 0, sms_opt_in = 1: SMS only", author: .assistant,
                patient: Cast.patient(emailOptIn: false, smsOptIn: true), expected: ["fired reply_alert"],
                deliveries: ["reply_alert": [smsToPatient]]),
    MessageCase(name: "a patient without an email address", author: .practitioner, patient: Cast.patient(email: nil),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": []]),
    MessageCase(name: "an unknown patient row: decided, nobody to tell", author: .practitioner, patient: nil,
                expected: ["fired reply_alert"], deliveries: ["reply_alert": []]),
    MessageCase(name: "reply alerts switched off", author: .practitioner, policy: policy { $0.replyAlert.enabled = false },
                expected: ["skipped reply_alert"]),
    MessageCase(name: "the practitioner's own settings do not touch reply alerts", author: .practitioner,
                practice: Cast.practice(Cast.doctor(notifyEachRequest: false, smsAlerts: true)),
                expected: ["fired reply_alert"], deliveries: ["reply_alert": [toPatient]]),
]

@Suite("MessageRules")
struct MessageRulesTests {
    @Test("message → outcomes and deliveries", arguments: messageCases)
    func outcomes(c: MessageCase) {
        let out = c.evaluate()
        #expect(out.map(\.summary) == c.expected)
        let fired = out.compactMap(\.decision)
        #expect(Set(fired.map(\.rule.rawValue)) == Set(c.deliveries.keys))
        for d in fired {
            #expect(d.deliveries.map(\.summary) == c.deliveries[d.rule.rawValue], "\(d.rule)")
            #expect(d.decidedAt == ts(c.now))
            #expect(d.requestID == 42 && d.practitionerID == 7 && d.patientID == 9 && d.messageID == 5)
        }
    }

    @Test("keys: one per message for alerts and forwards, one per request for the closure auto-reply")
    func keys() throws {
        let c = MessageCase(name: "", createdAt: "2026-07-05T10:00:00Z",
                            practice: Cast.practice(Cast.doctor(forwardFullText: true), closures: [("2026-07-01", "2026-07-10")]),
                            now: "2026-07-05T10:00:00Z", expected: [])
        let keys = c.evaluate().compactMap(\.decision).map(\.key)
        #expect(keys == ["patient_message_alert:message:5", "full_text_forward:message:5", "closure_auto_reply:request:42"])
        let reply = MessageCase(name: "", author: .practitioner, expected: []).evaluate()
        #expect(reply.compactMap(\.decision).map(\.key) == ["reply_alert:message:5"])
    }

    @Test("a second message during the same closure gets the same auto-reply key (one email per request)")
    func oneAutoReplyPerRequest() {
        let r = Request(id: 42, practitionerID: 7, patientID: 9, createdAt: ts("2026-07-02T08:00:00Z"))
        let keys = [(5, "2026-07-02T08:00:00Z"), (6, "2026-07-08T15:00:00Z")].map { id, at in
            let m = Message(id: Int64(id), requestID: 42, author: .patient, authorID: 9, createdAt: ts(at))
            return MessageRules.evaluate(m, request: r, isFirstPatientMessage: id == 5, practice: summer, patient: Cast.patient(),
                                         blocked: false, now: ts(at), policy: Policy())
                .compactMap(\.decision).filter { $0.rule == .closureAutoReply }.map(\.key)
        }
        #expect(keys == [["closure_auto_reply:request:42"], ["closure_auto_reply:request:42"]])
    }

    @Test("reasons: new_request for the first patient message, new_message after")
    func reasons() {
        let first = MessageCase(name: "", expected: []).evaluate().first?.decision
        let later = MessageCase(name: "", isFirst: false, expected: []).evaluate().first?.decision
        #expect(first?.reason == "new_request")
        #expect(later?.reason == "new_message")
    }

    @Test("the closure auto-reply says until when, and who the practitioner is")
    func closureContent() throws {
        let practice = Cast.practice(closures: [("2026-07-01", "2026-07-10"), ("2026-07-08", "2026-07-24")])
        let c = MessageCase(name: "", createdAt: "2026-07-09T10:00:00Z", practice: practice, now: "2026-07-09T10:00:00Z", expected: [])
        let d = try #require(c.evaluate().compactMap(\.decision).first { $0.rule == .closureAutoReply })
        #expect(d.content.closureEndsOn == "2026-07-24")
        #expect(d.content.practitionerName == "Dr Anne Martin")
        #expect(d.content.nearby == nil && d.content.count == nil && d.content.dueAt == nil)
        #expect(d.deliveries.first?.recipient.timezone == "Europe/Paris")
        let single = MessageCase(name: "", createdAt: "2026-07-05T10:00:00Z", practice: summer, now: "2026-07-05T10:00:00Z", expected: [])
        #expect(single.evaluate().compactMap(\.decision).first { $0.rule == .closureAutoReply }?.content.closureEndsOn == "2026-07-10")
    }

    @Test("a closure in the practitioner's own zone: Réunion is already on the first closed day")
    func closureInOtherZone() {
        // 2026-06-30T21:00Z is 1 July 01:00 in Réunion but still 30 June 23:00 in Paris.
        let reunion = Cast.practice(Cast.doctor(timezone: "Indian/Reunion"), closures: [("2026-07-01", "2026-07-10")])
        let paris = summer
        for (practice, fires) in [(reunion, true), (paris, false)] {
            let c = MessageCase(name: "", createdAt: "2026-06-30T21:00:00Z", practice: practice, now: "2026-06-30T21:00:00Z", expected: [])
            #expect(c.evaluate().contains { $0.decision?.rule == .closureAutoReply } == fires)
        }
    }

    @Test("alerts and replies carry no medical content")
    func noContent() {
        for c in messageCases {
            for d in c.evaluate().compactMap(\.decision) where d.rule != .closureAutoReply {
                #expect(d.content.count == nil && d.content.nearby == nil && d.content.closureEndsOn == nil, "\(c.name)")
            }
        }
    }
}
