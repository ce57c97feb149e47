import ArgumentParser
import Foundation
import RelanceCore
import RelanceStore

/// `relance outbox`: lists rows (`list`, the default) or brings rows back (`requeue`).
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List outbox rows, or requeue rows that died or wait.",
        subcommands: [OutboxListCommand.self, OutboxRequeueCommand.self],
        defaultSubcommand: OutboxListCommand.self)
}

struct OutboxListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List outbox rows: what was sent, what waits, what died and why.")

    @OptionGroup var config: ConfigOption

    @Option(name: .long, help: "pending, sent, dead or skipped.")
    var state: String?

    @Option(name: .long, help: "At most this many rows, newest first.")
    var limit = 200

    @Flag(name: .long, help: "One JSON object per row.")
    var json = false

    func run() throws {
        var filter: OutboxItem.State?
        if let state {
            guard let s = OutboxItem.State(rawValue: state) else {
                throw ValidationError("--state \(state): expected one of \(OutboxItem.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = s
        }
        let store = try Wiring(config: try config.load()).openStore()
        for item in try store.outbox(state: filter, limit: limit) {
            if json {
                let object: [String: Any] = [
                    "id": item.id, "key": item.decisionKey, "rule": item.rule.rawValue,
                    "channel": item.delivery.channel.rawValue, "recipient": item.delivery.address,
                    "recipient_kind": item.delivery.recipient.kind.rawValue, "state": item.state.rawValue,
                    "not_before": Timestamp.format(item.notBefore), "attempts": item.attempts,
                    "last_error": item.lastError ?? NSNull(), "sent_at": item.sentAt.map(Timestamp.format) ?? NSNull(),
                    "request_id": item.requestID ?? NSNull(),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let when = item.sentAt.map { "sent \(Timestamp.format($0))" } ?? "not before \(Timestamp.format(item.notBefore))"
                print("\(item.id)\t\(item.state.rawValue)\t\(item.delivery.channel.rawValue)\t\(item.decisionKey)\t\(item.delivery.recipient.kind.rawValue) \(item.delivery.recipient.id)\t\(when)\t\(item.attempts) attempt(s)\(item.lastError.map { "\t\($0)" } ?? "")")
            }
        }
    }
}
