import Foundation
import Testing
import RelanceCore

/// Issue 10, case 4: at most one message alert per request and recipient within the window.
@Suite struct AlertCoalescingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var lastSentAt: String?
        var held: Int
        var decidedAt: String
        var window: TimeInterval = 900
        var reason: String? = "new_message"
        /// Expected: sent (with this many held back) or held.
        var sent: Bool
        var heldBack: Int?
        var memoryAfter: (String?, Int)
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no alert yet: sent", lastSentAt: nil, held: 0, decidedAt: "2026-11-16T09:00:00Z",
             sent: true, heldBack: nil, memoryAfter: ("2026-11-16T09:00:00Z", 0)),
        Case(name: "inside the window: held", lastSentAt: "2026-11-16T09:00:00Z", held: 0, decidedAt: "2026-11-16T09:14:59Z",
             sent: false, memoryAfter: ("2026-11-16T09:00:00Z", 1)),
        Case(name: "same cycle as the last one: held", lastSentAt: "2026-11-16T09:00:00Z", held: 3, decidedAt: "2026-11-16T09:00:00Z",
             sent: false, memoryAfter: ("2026-11-16T09:00:00Z", 4)),
        Case(name: "window over: sent, saying how many were held", lastSentAt: "2026-11-16T09:00:00Z", held: 7,
             decidedAt: "2026-11-16T09:15:00Z", sent: true, heldBack: 7, memoryAfter: ("2026-11-16T09:15:00Z", 0)),
        Case(name: "window over, none held: sent plain", lastSentAt: "2026-11-16T09:00:00Z", held: 0,
             decidedAt: "2026-11-16T10:00:00Z", sent: true, heldBack: nil, memoryAfter: ("2026-11-16T10:00:00Z", 0)),
        Case(name: "coalescing off: every alert sent", lastSentAt: "2026-11-16T09:00:00Z", held: 0, decidedAt: "2026-11-16T09:00:01Z",
             window: 0, sent: true, heldBack: nil, memoryAfter: ("2026-11-16T09:00:00Z", 0)),
        Case(name: "a replay before the last alert: not held", lastSentAt: "2026-11-16T09:00:00Z", held: 0,
             decidedAt: "2026-11-16T08:50:00Z", sent: true, heldBack: nil, memoryAfter: ("2026-11-16T08:50:00Z", 0)),
        Case(name: "too old: recorded as it is, memory untouched", lastSentAt: "2026-11-16T09:00:00Z", held: 2,
             decidedAt: "2026-11-16T09:05:00Z", reason: MessageRules.tooOldReason, sent: false, memoryAfter: ("2026-11-16T09:00:00Z", 2)),
    ]

    @Test(arguments: cases) func coalesce(_ c: Case) {
        let r = Recipient(kind: .practitioner, id: 1, displayName: "Dr", locale: "fr", timezone: "Europe/Paris")
        let alert = Decision(key: "patient_message_alert:message:1", rule: .patientMessageAlert, reason: c.reason, requestID: 7,
                             decidedAt: ts(c.decidedAt),
                             deliveries: c.reason == MessageRules.tooOldReason ? [] : [Delivery(channel: .email, address: "a@b.fr", recipient: r)])
        var memory = AlertCoalescing.Memory(lastSentAt: c.lastSentAt.map(ts), held: c.held)
        let out = AlertCoalescing.apply(alert, window: c.window, memory: &memory)
        #expect(out.key == alert.key)
        #expect(!out.deliveries.isEmpty == c.sent)
        if c.sent { #expect(out.content.heldBack == c.heldBack && out.reason == c.reason) }
        if !c.sent && c.reason != MessageRules.tooOldReason { #expect(out.reason == AlertCoalescing.coalescedReason) }
        #expect(memory == AlertCoalescing.Memory(lastSentAt: c.memoryAfter.0.map(ts), held: c.memoryAfter.1))
    }
}
