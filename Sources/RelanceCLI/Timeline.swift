import Foundation
import RelanceCore
import RelanceEngine
import RelanceStore

/// The text of `relance explain`: what happened, what the next tick does with the request
/// (the engine's own selection and decisions), then why each other rule waits.
struct Timeline {
    let file: RequestFile
    let now: Date
    let policy: Policy
    /// The engine's dry run of the next cycle at `now`.
    let next: Cycle.Preview

    func lines() -> [String] {
        let r = file.request
        let p = file.practice.practitioner
        var out = [
            "request \(r.id): status \(r.status.rawValue)\(r.refusalReason.map { " (\($0.rawValue))" } ?? "")"
                + "\(r.handledOutside.map { ", handled outside (\($0.rawValue))" } ?? ""), created \(Timestamp.format(r.created))",
            "practitioner \(p.id) (\(p.profile.rawValue), \(p.timezone)\(p.notifyEachRequest ? "" : ", digest only")), patient \(r.patientID)"
                + (file.blocked ? " — blocked by the practitioner" : ""),
            "as of \(Timestamp.format(now)): \(Self.describe(r.state(at: now)))",
            "",
            "fired:",
        ]
        if file.decisions.isEmpty { out.append("  (nothing yet)") }
        for d in file.decisions {
            out.append("  \(d.decidedAt)  \(d.rule)\(d.reason.map { " (\($0))" } ?? "")  key \(d.key)")
            for o in file.outbox where o.decisionKey == d.key {
                let detail = o.lastError.map { " — \($0)" } ?? ""
                let wait = o.state == .pending ? " not before \(Timestamp.format(o.notBefore))" : ""
                out.append("      \(o.delivery.channel.rawValue) to \(o.delivery.recipient.kind.rawValue) \(o.delivery.recipient.id): \(o.state.rawValue)\(wait), \(o.attempts) attempt(s)\(detail)")
            }
        }
        out += [""] + nextTick() + [""] + otherRules()
        if let s = file.scheduledAt { out.append("next check scheduled \(Timestamp.format(s))") }
        return out
    }

    /// The requests and messages the next cycle looks at.
    var selected: Bool { next.snapshot.dueRequests.contains { $0.id == file.request.id } }
    var seenMessages: [Message] { next.snapshot.messages.filter { $0.requestID == file.request.id } }

    /// The decisions of the next cycle about this request (and a digest to its practitioner).
    var dueNow: [Decision] {
        next.decisions.filter {
            $0.requestID == file.request.id
                || ($0.requestID == nil && $0.rule == .digest && $0.practitionerID == file.request.practitionerID)
        }
    }

    /// What the next tick at `now` does: its selection, then each decision it records.
    func nextTick() -> [String] {
        var out = ["the next tick at \(Timestamp.format(now)):"]
        if selected {
            out.append("  looks at this request: its check is due (new, changed, or scheduled)")
        } else if let s = file.scheduledAt {
            out.append("  does not look at this request: its next check is scheduled \(Timestamp.format(s))")
        } else {
            out.append("  does not look at this request: no check scheduled, nothing changed since the last cycle")
        }
        let seen = seenMessages
        if !seen.isEmpty {
            out.append("  sees its new messages: \(seen.map { "\($0.id)" }.joined(separator: ", "))")
        }
        let due = dueNow
        if due.isEmpty { out.append("  records nothing for it") }
        for d in due {
            out.append("  \(d.rule.rawValue): due now\(d.reason.map { " (\($0))" } ?? ""), key \(d.key); the next tick records it")
        }
        return out
    }

    /// Why the rules that the next tick does not fire wait, or do not apply.
    func otherRules() -> [String] {
        let r = file.request
        let recorded = Set(file.decisions.map(\.key))
        let due = Set(dueNow.map(\.key))
        var notes: [String] = []
        func fired(_ d: Decision, seen: Bool, message: Message?) {
            guard !recorded.contains(d.key), !due.contains(d.key) else { return }
            if let message, !seen {
                let cursor = file.messagesCursor.map { " (cursor \(Timestamp.format($0)))" } ?? ""
                notes.append("  \(d.rule.rawValue): not for message \(message.id): the engine's messages cursor\(cursor) is past it, "
                             + "so an earlier cycle saw it, or it is older than catch_up")
            } else if !seen {
                notes.append("  \(d.rule.rawValue): would apply, but the next tick does not look at this request (above)")
            } else {
                notes.append("  \(d.rule.rawValue): not decided by the engine's cycle at this instant")
            }
        }
        let evaluation = RequestRules.evaluate(r, practice: file.practice, patient: file.patient, blocked: file.blocked,
                                               history: file.history, now: now, policy: policy)
        var outcomes: [(Outcome, Message?)] = evaluation.outcomes.map { ($0, nil) }
        let firstPatient = file.messages.first { $0.author == .patient }?.id
        for m in file.messages {
            outcomes += MessageRules.evaluate(m, request: r, isFirstPatientMessage: m.id == firstPatient, practice: file.practice,
                                              patient: file.patient, blocked: file.blocked, now: now, policy: policy).map { ($0, m) }
        }
        let seenIDs = Set(seenMessages.map(\.id))
        for (o, message) in outcomes {
            let seen = message.map { seenIDs.contains($0.id) } ?? selected
            switch o {
            case .fired(let d): fired(d, seen: seen, message: message)
            case .pending(let rule, _, let why): notes.append("  \(rule.rawValue): \(why)")
            case .skipped(let rule, let why): notes.append("  \(rule.rawValue): not applicable — \(why)")
            case .needsProposal(let reason):
                guard !dueNow.contains(where: { $0.rule == .nearbyProposal }) else { continue }
                notes.append(seen
                    ? "  nearby_proposal: called for (\(reason.rawValue)), but no practitioner nearby to offer yet; tried again at the next check"
                    : "  nearby_proposal: would be called for (\(reason.rawValue)), but the next tick does not look at this request (above)")
            }
        }
        if !policy.digest.enabled { notes.append("  digest: switched off") }
        return ["other rules at \(Timestamp.format(now)):"] + (notes.isEmpty ? ["  (no rule pending)"] : notes)
    }

    static func describe(_ s: Request.StateAt) -> String {
        switch s {
        case .notYetCreated: "not created yet"
        case .unprocessed(let read): read ? "unprocessed, opened" : "unprocessed, never opened"
        case .refused: "refused"
        case .handled: "handled"
        }
    }
}

extension Request {
    var created: Date { createdAt }
}
