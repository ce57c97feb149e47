import ArgumentParser
import Foundation
import Logging
import RelanceConfig
import RelanceCore
import RelanceEngine
import RelanceStore

struct TickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Run one poll cycle: apply the rules, record decisions, deliver what is due.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    @Flag(name: .long, help: "Evaluate only: record and send nothing.")
    var dryRun = false

    @Flag(name: .long, help: "One JSON object per new decision and recipient on stdout.")
    var json = false

    func run() throws {
        let config = try config.load()
        let log = makeLogger(level: config.log.level)
        let wiring = Wiring(config: config)
        let at = now.instant
        do {
            let store = try wiring.openStore(logger: log)
            let dispatcher = dryRun ? nil : try wiring.dispatcher(store, logger: log)
            let report = try wiring.cycle(store, logger: log).run(now: at, dryRun: dryRun)
            for d in report.decisions where json {
                for line in DecisionJSON.lines(d) { print(line) }
            }
            let delivered = try dispatcher?.drain(now: at)
            var summary = "tick \(Timestamp.format(at)): \(report.decisions.count) decisions\(dryRun ? " (dry run)" : "")"
            summary += ", \(report.dueRequests) requests due, \(report.messages) messages seen, \(report.skipped.count) rows skipped"
            if let delivered {
                summary += "; delivered \(delivered.sent), retrying \(delivered.retried), dead \(delivered.dead), skipped \(delivered.skipped)"
            }
            log.notice("\(summary)")
        } catch let error as WiringError {
            printError("\(config.file): \(error)")
            throw exConfig
        }
    }
}

/// `tick --json`: one object per decision and recipient.
enum DecisionJSON {
    static func lines(_ d: Decision) -> [String] {
        let targets: [Delivery?] = d.deliveries.isEmpty ? [nil] : d.deliveries
        return targets.map { delivery in
            let object: [String: Any] = [
                "key": d.key, "rule": d.rule.rawValue, "reason": d.reason ?? NSNull(),
                "channel": delivery?.channel.rawValue ?? NSNull(), "recipient": delivery?.address ?? NSNull(),
                "request_id": d.requestID ?? NSNull(), "practitioner_id": d.practitionerID ?? NSNull(),
                "patient_id": d.patientID ?? NSNull(),
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
