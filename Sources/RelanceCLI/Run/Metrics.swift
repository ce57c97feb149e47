import Foundation
import Glibc
import RelanceCore
import RelanceStore

/// What `relance run` tells Prometheus, in its text exposition format, through
/// node_exporter's textfile collector (`metrics.textfile`): relance opens no socket.
///
/// Counters count since the daemon started (Prometheus handles their reset on a
/// restart); gauges describe the last cycle and the outbox after it.
struct Metrics {
    static let outcomes = ["sent", "retried", "dead", "skipped"]

    var decisions: [String: Int] = Dictionary(uniqueKeysWithValues: RuleName.allCases.map { ($0.rawValue, 0) })
    var deliveries: [String: [String: Int]] = Dictionary(uniqueKeysWithValues: Channel.allCases.map {
        ($0.rawValue, Dictionary(uniqueKeysWithValues: Metrics.outcomes.map { ($0, 0) }))
    })
    var cycles = ["success": 0, "failure": 0]
    var outbox: OutboxDepth?
    var lastDuration: Double?
    var lastSuccess: Date?

    /// Adds a cycle's result; `now` is the cycle's end, on the daemon's clock.
    mutating func record(_ result: Result<Generation.Summary, any Error>, at now: Date) {
        switch result {
        case .success(let s):
            cycles["success", default: 0] += 1
            for (rule, n) in s.decisionsByRule { decisions[rule, default: 0] += n }
            for (channel, counts) in s.delivery.byChannel {
                for (outcome, n) in counts { deliveries[channel, default: [:]][outcome, default: 0] += n }
            }
            outbox = s.outbox
            lastDuration = s.durationMs / 1000
            lastSuccess = now
        case .failure:
            cycles["failure", default: 0] += 1
        }
    }

    /// The file's text at `now`.
    func text(now: Date) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels.isEmpty ? "" : "{\(s.labels)}") \(s.value)\n" }
        }
        family("relance_decisions_total", "counter", "Decisions recorded since relance started, by rule.",
               decisions.sorted { $0.key < $1.key }.map { ("rule=\"\($0.key)\"", "\($0.value)") })
        family("relance_deliveries_total", "counter",
               "Outbox rows attempted since relance started, by channel and outcome (sent, retried, dead, skipped).",
               deliveries.sorted { $0.key < $1.key }.flatMap { channel, counts in
                   counts.sorted { $0.key < $1.key }.map { ("channel=\"\(channel)\",outcome=\"\($0.key)\"", "\($0.value)") }
               })
        family("relance_cycles_total", "counter", "Poll cycles since relance started, by result.",
               cycles.sorted { $0.key < $1.key }.map { ("result=\"\($0.key)\"", "\($0.value)") })
        if let outbox {
            family("relance_outbox_rows", "gauge",
                   "Outbox rows after the last cycle: pending (first attempt to come), deferred (retrying), dead.",
                   [("state=\"pending\"", "\(outbox.pending)"), ("state=\"deferred\"", "\(outbox.deferred)"),
                    ("state=\"dead\"", "\(outbox.dead)")])
            let age = outbox.oldestPendingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
            family("relance_outbox_oldest_pending_age_seconds", "gauge",
                   "Age of the oldest pending or deferred outbox row (0 when there is none).", [("", Self.number(age))])
        }
        if let lastDuration {
            family("relance_cycle_duration_seconds", "gauge", "Duration of the last successful cycle (rules and drain).",
                   [("", Self.number(lastDuration))])
        }
        if let lastSuccess {
            family("relance_last_success_timestamp_seconds", "gauge", "When the last successful cycle ended (Unix time).",
                   [("", Self.number(lastSuccess.timeIntervalSince1970.rounded(.down)))])
        }
        return out
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%.6f", x)
    }

    /// `metrics.textfile` cannot be written.
    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "metrics.textfile \(path): \(reason)" }
    }

    /// Replaces `path` atomically: a temporary file beside it (not `*.prom`, so the collector
    /// never reads it half-written), made readable by node_exporter (0644), then rename(2).
    static func write(_ text: String, to path: String) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".relance.prom.\(getpid()).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            written += n
        }
        let ok = written == bytes.count && fchmod(fd, 0o644) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let why = ok ? String(cString: strerror(errno)) : reason
            unlink(temporary)
            throw WriteError(path: path, reason: why)
        }
    }
}
