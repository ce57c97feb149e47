import Foundation

/// Rule 2: a practitioner with at least `threshold` unprocessed requests gets
/// one email saying how many, at most once per `minInterval`.
public enum DigestRule {
    public static func evaluate(practice: Practice, unprocessed: Int, lastDigestAt: Date?,
                                now: Date, policy: Policy.Digest) -> Outcome {
        guard policy.enabled else { return .skipped(.digest, why: "rule switched off") }
        guard unprocessed >= policy.threshold else {
            return .skipped(.digest, why: "\(unprocessed) unprocessed, threshold \(policy.threshold)")
        }
        if let last = lastDigestAt {
            let next = practice.calendar.adding(policy.minInterval, to: last)
            if now < next {
                return .pending(.digest, due: next, why: "last digest \(Timestamp.format(last)); next possible \(Timestamp.format(next))")
            }
        }
        let p = practice.practitioner
        return .fired(Decision(
            key: DecisionKey.digest(practitioner: p.id, at: now), rule: .digest, practitionerID: p.id,
            decidedAt: now, deliveries: practice.ownerByEmail, content: DecisionContent(count: unprocessed)))
    }
}
