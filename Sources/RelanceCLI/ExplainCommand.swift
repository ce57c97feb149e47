import ArgumentParser
import Foundation
import RelanceCore
import RelanceStore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell which rules fired for a request, when, and why the others did not.")

    @Argument(help: "The request id.")
    var requestID: Int64

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    func run() throws {
        let config = try config.load()
        let store = try Wiring(config: config).openStore()
        let at = now.instant
        let file: RequestFile
        do { file = try store.requestFile(requestID, region: config.policy.region) } catch let e as StoreNotFound {
            printError(e.description)
            throw ExitCode.failure
        }
        print(Timeline(file: file, now: at, policy: config.policy).lines().joined(separator: "\n"))
    }
}

/// The text of `relance explain`: what happened, then what each rule thinks at `now`.
struct Timeline {
    let file: RequestFile
    let now: Date
    let policy: Policy

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
        out += ["", "rules at \(Timestamp.format(now)):"]
        let recorded = Set(file.decisions.map(\.key))
        var notes: [String] = []
        let requestEval = RequestRules.evaluate(r, practice: file.practice, patient: file.patient, blocked: file.blocked,
                                                history: file.history, now: now, policy: policy)
        var outcomes = requestEval.outcomes
        let firstPatient = file.messages.first { $0.author == .patient }?.id
        for m in file.messages {
            outcomes += MessageRules.evaluate(m, request: r, isFirstPatientMessage: m.id == firstPatient, practice: file.practice,
                                              patient: file.patient, blocked: file.blocked, now: now, policy: policy)
        }
        for o in outcomes {
            switch o {
            case .fired(let d):
                if !recorded.contains(d.key) { notes.append("  \(d.rule.rawValue): due now (\(d.key)); the next tick records it") }
            case .pending(let rule, _, let why): notes.append("  \(rule.rawValue): \(why)")
            case .skipped(let rule, let why): notes.append("  \(rule.rawValue): not applicable — \(why)")
            case .needsProposal(let reason):
                notes.append("  nearby_proposal: due now (\(reason.rawValue)); the next tick searches practitioners nearby")
            }
        }
        if !policy.digest.enabled { notes.append("  digest: switched off") }
        out += notes.isEmpty ? ["  (no rule pending)"] : notes
        if let s = file.scheduledAt { out.append("next check scheduled \(Timestamp.format(s))") }
        return out
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
