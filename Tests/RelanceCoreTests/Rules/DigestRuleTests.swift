import Foundation
import Testing
import RelanceCore

@Suite("DigestRule")
struct DigestRuleTests {
    static let now = ts("2026-03-23T08:00:00Z")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var unprocessed: Int
        /// Hours before `now` of the last digest, if any.
        var lastHoursAgo: Double?
        var policy = Policy.Digest()
        var expected: String
        var testDescription: String { name }
    }

    static func digest(_ change: (inout Policy.Digest) -> Void) -> Policy.Digest {
        var p = Policy.Digest(); change(&p); return p
    }

    @Test("count and last digest → outcome", arguments: [
        Case(name: "no unprocessed request", unprocessed: 0, expected: "skipped digest"),
        Case(name: "below the threshold", unprocessed: 3, expected: "skipped digest"),
        Case(name: "at the threshold", unprocessed: 4, expected: "fired digest"),
        Case(name: "above the threshold", unprocessed: 12, expected: "fired digest"),
        Case(name: "below the threshold, last digest long ago", unprocessed: 3, lastHoursAgo: 1000, expected: "skipped digest"),
        Case(name: "at the threshold, last digest 3 days ago", unprocessed: 4, lastHoursAgo: 72,
             expected: "pending digest 2026-03-27T08:00:00Z"),
        Case(name: "last digest 7 days minus one second ago", unprocessed: 4, lastHoursAgo: 168 - 1 / 3600,
             expected: "pending digest 2026-03-23T08:00:01Z"),
        Case(name: "last digest exactly 7 days ago", unprocessed: 4, lastHoursAgo: 168, expected: "fired digest"),
        Case(name: "last digest 8 days ago", unprocessed: 9, lastHoursAgo: 192, expected: "fired digest"),
        Case(name: "rule switched off", unprocessed: 50, policy: digest { $0.enabled = false }, expected: "skipped digest"),
        Case(name: "threshold 10, 9 unprocessed", unprocessed: 9, policy: digest { $0.threshold = 10 }, expected: "skipped digest"),
        Case(name: "threshold 1, 1 unprocessed", unprocessed: 1, policy: digest { $0.threshold = 1 }, expected: "fired digest"),
        Case(name: "interval of 1 day, last 25 h ago", unprocessed: 4, lastHoursAgo: 25,
             policy: digest { $0.minInterval = .seconds(86_400) }, expected: "fired digest"),
        // Last digest Thursday 19 March 09:00 Paris + 2 business days = Monday 23 March 09:00 Paris = 08:00 UTC = now;
        // last digest Friday 20 March 09:00 Paris + 3 business days = Wednesday 25 March 09:00 Paris.
        Case(name: "interval of 2 business days, last Thursday 09:00 Paris", unprocessed: 4, lastHoursAgo: 96,
             policy: digest { $0.minInterval = .businessDays(2) }, expected: "fired digest"),
        Case(name: "interval of 3 business days, last Friday 09:00 Paris", unprocessed: 4, lastHoursAgo: 72,
             policy: digest { $0.minInterval = .businessDays(3) }, expected: "pending digest 2026-03-25T08:00:00Z"),
    ])
    func outcome(c: Case) {
        let o = DigestRule.evaluate(practice: Cast.practice(), unprocessed: c.unprocessed,
                                    lastDigestAt: c.lastHoursAgo.map { Self.now.addingTimeInterval(-$0 * hour) },
                                    now: Self.now, policy: c.policy)
        #expect(o.summary == c.expected)
        if o.decision == nil { #expect(o.why?.isEmpty == false) }
    }

    @Test("the digest: one email to the practitioner, with the count and nothing else")
    func decision() throws {
        let practice = Cast.practice(Cast.doctor(smsAlerts: true))
        let o = DigestRule.evaluate(practice: practice, unprocessed: 6, lastDigestAt: nil, now: Self.now, policy: .init())
        let d = try #require(o.decision)
        #expect(d.key == "digest:practitioner:7:2026-03-23T08:00:00Z")
        #expect(d.rule == .digest)
        #expect(d.practitionerID == 7 && d.requestID == nil && d.patientID == nil && d.messageID == nil)
        #expect(d.deliveries.map(\.summary) == ["email practitioner 7 dr.martin@example.org"])
        #expect(d.content == DecisionContent(count: 6))
        #expect(d.decidedAt == Self.now)
    }

    @Test("the why of a skipped digest gives the count and the threshold")
    func why() {
        let o = DigestRule.evaluate(practice: Cast.practice(), unprocessed: 3, lastDigestAt: nil, now: Self.now, policy: .init())
        #expect(o.why == "3 unprocessed, threshold 4")
    }

    /// Runs the rule every hour like the daemon, recording each digest as the store would.
    static func simulate(days: Int, count: (Int) -> Int) -> [Date] {
        var sent: [Date] = []
        for h in 0..<(days * 24) {
            let now = Self.now.addingTimeInterval(Double(h) * hour)
            let o = DigestRule.evaluate(practice: Cast.practice(), unprocessed: count(h / 24), lastDigestAt: sent.last,
                                        now: now, policy: .init())
            if o.decision != nil { sent.append(now) }
        }
        return sent
    }

    @Test("crossing the threshold twice within 7 days sends one email; again after 7 days")
    func crossingTwice() {
        // Day 0: 4; days 1–2: 3; days 3–9: 5; days 10–12: 2; day 13 on: 6.
        let sent = Self.simulate(days: 16) { day in
            switch day {
            case 0: 4
            case 1...2: 3
            case 3...9: 5
            case 10...12: 2
            default: 6
            }
        }
        // Across the DST change of 29 March: 7 days are 7 × 24 elapsed hours.
        #expect(sent.map(Timestamp.format) == ["2026-03-23T08:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z"])
    }

    @Test("the second crossing is pending until 7 days after the first digest")
    func secondCrossingPending() {
        let first = Self.now
        let second = first.addingTimeInterval(3 * dayLength)
        let o = DigestRule.evaluate(practice: Cast.practice(), unprocessed: 5, lastDigestAt: first, now: second, policy: .init())
        #expect(o.summary == "pending digest 2026-03-30T08:00:00Z")
        let later = DigestRule.evaluate(practice: Cast.practice(), unprocessed: 5, lastDigestAt: first,
                                        now: ts("2026-03-30T08:00:00Z"), policy: .init())
        #expect(later.summary == "fired digest")
        #expect(later.decision?.key == "digest:practitioner:7:2026-03-30T08:00:00Z")
    }

    @Test("never below the threshold: never a digest")
    func neverBelow() {
        #expect(Self.simulate(days: 30) { _ in 3 }.isEmpty)
    }

    @Test("always above the threshold: one digest a week")
    func weekly() {
        #expect(Self.simulate(days: 29) { _ in 10 }.count == 5)
    }
}
