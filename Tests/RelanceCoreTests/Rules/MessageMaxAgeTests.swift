import Foundation
import Testing
import RelanceCore

/// Issue 10, case 6: after an outage, an alert for a message older than the rule's
/// `max_age` is decided with the reason `too_old` and no delivery, never dropped.
@Suite struct MessageMaxAgeTests {
    static let cases: [(name: String, author: Message.Author, created: String, now: String, maxAge: TimeInterval, tooOld: Bool)] = [
        ("a patient message seen at once", .patient, "2026-03-02T09:00:00Z", "2026-03-02T09:00:30Z", 72 * 3600, false),
        ("exactly 72 h old: still sent", .patient, "2026-03-02T09:00:00Z", "2026-03-05T09:00:00Z", 72 * 3600, false),
        ("one second past 72 h: too old", .patient, "2026-03-02T09:00:00Z", "2026-03-05T09:00:01Z", 72 * 3600, true),
        ("ten days down", .patient, "2026-03-02T09:00:00Z", "2026-03-12T09:00:00Z", 72 * 3600, true),
        ("no limit", .patient, "2026-03-02T09:00:00Z", "2026-03-12T09:00:00Z", 0, false),
        ("a reply ten days old", .practitioner, "2026-03-02T09:00:00Z", "2026-03-12T09:00:00Z", 72 * 3600, true),
        ("a reply within max_age", .assistant, "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", 72 * 3600, false),
    ]

    @Test(arguments: 0..<cases.count) func maxAge(_ i: Int) {
        let c = Self.cases[i]
        var policy = Policy()
        policy.patientMessageAlert.maxAge = c.maxAge
        policy.replyAlert.maxAge = c.maxAge
        let m = Message(id: 5, requestID: 42, author: c.author, authorID: c.author == .patient ? 9 : 7, createdAt: ts(c.created))
        let r = Request(id: 42, practitionerID: 7, patientID: 9, createdAt: ts("2026-03-02T09:00:00Z"))
        let out = MessageRules.evaluate(m, request: r, isFirstPatientMessage: true, practice: Cast.practice(), patient: Cast.patient(),
                                        blocked: false, now: ts(c.now), policy: policy)
        let alert = out.compactMap(\.decision).first { $0.rule == (c.author == .patient ? .patientMessageAlert : .replyAlert) }
        #expect(alert != nil, "\(c.name): decided either way")
        #expect((alert?.reason == MessageRules.tooOldReason) == c.tooOld, "\(c.name)")
        #expect((alert?.deliveries.isEmpty ?? true) == c.tooOld, "\(c.name)")
    }
}
