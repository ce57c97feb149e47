import ArgumentParser
import Foundation
import RelanceCore
import RelanceStore

/// `relance outbox requeue`: makes rows pending and due now, e.g. after a relay refused
/// everything for a while. Sent rows are never requeued. Written to the journal.
struct OutboxRequeueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue",
        abstract: "Make outbox rows pending and due now (by state, id, rule, error text or time); never sent ones.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    @Option(name: .long, help: "dead, skipped or pending (deferred rows, taken at once).")
    var state: String?

    @Option(name: .long, help: "An outbox row id (repeatable).")
    var id: [Int64] = []

    @Option(name: .long, help: "A rule, such as reminder or patient_message_alert.")
    var rule: String?

    @Option(name: .long, help: "Rows whose last error contains this text, such as \"relaying denied\".")
    var error: String?

    @Option(name: .long, help: "Rows last updated at or after this UTC instant (e.g. 2026-12-01T09:00:00Z).")
    var since: String?

    func selection() throws -> OutboxSelection {
        var s = OutboxSelection(ids: id, errorContains: error)
        if let state {
            guard let value = OutboxItem.State(rawValue: state), value != .sent else {
                throw ValidationError("--state \(state): expected dead, skipped or pending (sent rows are never requeued)")
            }
            s.state = value
        }
        if let rule {
            guard let value = RuleName(rawValue: rule) else {
                throw ValidationError("--rule \(rule): expected one of \(RuleName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            s.rule = value
        }
        if let since {
            guard let value = Timestamp.parseLenient(since) else {
                throw ValidationError("--since \(since): expected a timestamp like 2026-12-01T09:00:00Z")
            }
            s.since = value
        }
        guard !s.isEmpty else {
            throw ValidationError("say which rows: --state, --id, --rule, --error or --since (e.g. --state dead --error \"relaying denied\")")
        }
        return s
    }

    func run() throws {
        let selection = try selection()
        let config = try config.load()
        let log = makeLogger(level: config.log.level)
        let store = try Wiring(config: config).openStore()
        let count = try store.requeue(selection, now: now.instant)
        var m: [String: String] = ["event": "outbox_requeued", "rows": "\(count)"]
        if let state { m["state"] = state }
        if !id.isEmpty { m["ids"] = id.map(String.init).joined(separator: ",") }
        if let rule { m["rule"] = rule }
        if let error { m["error_contains"] = error }
        if let since { m["since"] = since }
        log.notice("requeued \(count) outbox rows", metadata: m.mapValues { .string($0) })
        print("requeued \(count) outbox rows")
    }
}
