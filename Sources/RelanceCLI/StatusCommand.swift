import ArgumentParser
import Foundation
import RelanceCore
import RelanceStore

/// `relance status`: read from the store (WAL readers never block the daemon), so it works while `run` runs.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The last cycle, decisions and deliveries per rule in the last 24 h, and the outbox depth.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    func run() throws {
        let config = try config.load()
        let store = try Wiring(config: config).openStore()
        let at = now.instant
        let status = try store.status(since: at.addingTimeInterval(-86_400))
        print(Self.render(status, now: at), terminator: "")
        print(Self.transports(try store.failingTransports()), terminator: "")
    }

    static func render(_ s: StoreStatus, now: Date) -> String {
        var out = ""
        if let c = s.lastCycle {
            out += "last cycle:  \(Timestamp.format(c.now)) (\(age(now.timeIntervalSince(c.now))) ago), "
            out += "rules took \(Int(c.durationMs.rounded())) ms, \(c.decisions) decisions, \(c.skipped) rows skipped\n"
        } else {
            out += "last cycle:  none yet\n"
        }
        out += "last 24 h:   rule                   decisions  delivered\n"
        for rule in RuleName.allCases {
            let made = s.decisionsByRule[rule] ?? 0, sent = s.sentByRule[rule] ?? 0
            out += "             " + rule.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)
            out += " " + pad(made, 9) + "  " + pad(sent, 9) + "\n"
        }
        let o = s.outbox
        out += "outbox:      \(o.pending) pending, \(o.deferred) deferred (retrying), \(o.dead) dead\n"
        out += "oldest pending: " + (o.oldestPendingSince.map { "\(Timestamp.format($0)) (\(age(now.timeIntervalSince($0))) ago)" } ?? "none") + "\n"
        out += renderRobustness(s)
        return out
    }

    /// Rows skipped, alerts recorded without sending, and the size of relance's tables.
    static func renderRobustness(_ s: StoreStatus) -> String {
        var out = ""
        let skipped = s.skippedRows.values.reduce(0, +)
        out += "rows skipped: \(skipped)"
        if skipped > 0 {
            out += " (" + s.skippedRows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "; see `journalctl -u relance RELANCE_EVENT=row_skipped`)"
        }
        out += "\n"
        out += "not sent (24 h): \(s.notSent[MessageRules.tooOldReason] ?? 0) too old (max_age), "
            + "\(s.notSent[AlertCoalescing.coalescedReason] ?? 0) coalesced\n"
        out += "tables:      " + s.tableSizes.map { "\($0.table) \($0.rows)" }.joined(separator: ", ") + "\n"
        return out
    }

    /// `transports:  email relay failing since … (last error …), paused until …`, or all working.
    static func transports(_ failing: [TransportHealth]) -> String {
        guard !failing.isEmpty else { return "transports:  working\n" }
        return failing.map { "transports:  \($0.sentence)\n" }.joined()
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `42s`, `17m`, `5h 02m`, `3d 04h`.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86_400: return "\(s / 3600)h \(String(format: "%02d", s % 3600 / 60))m"
        default: return "\(s / 86_400)d \(String(format: "%02d", s % 86_400 / 3600))h"
        }
    }
}
