import ArgumentParser
import Foundation
import RelanceCore
import RelanceStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Response rate (refusals and handling outside count as handled), median time to answer, share not handled in 48 h.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    @Option(name: .long, help: "Requests created since this instant (default: 30 days before now).",
            transform: { text in
                guard let d = Timestamp.parseLenient(text) else { throw ValidationError("--since \(text): expected a timestamp") }
                return d
            })
    var since: Date?

    func run() throws {
        let store = try Wiring(config: try config.load()).openStore()
        let at = now.instant
        let from = since ?? at.addingTimeInterval(-30 * 86_400)
        let requests = try store.requests(createdSince: from, until: at)
        print("requests created \(Timestamp.format(from)) … \(Timestamp.format(at))")
        print(Self.header)
        print(Self.row("all", ResponseStats.compute(requests, now: at)))
        let byPractitioner = Dictionary(grouping: requests, by: \.practitionerID)
        let names = try store.practitionerNames(Array(byPractitioner.keys))
        for (id, list) in byPractitioner.sorted(by: { $0.key < $1.key }) {
            print(Self.row("\(id) \(names[id] ?? "?")", ResponseStats.compute(list, now: at)))
        }
    }

    static let header = "who\trequests\tanswered\tresponse rate\tmedian to answer\tnot handled in 48 h"

    static func row(_ who: String, _ s: ResponseStats) -> String {
        let median = s.medianSecondsToAnswer.map { String(format: "%.1f h", $0 / 3600) } ?? "-"
        return "\(who)\t\(s.requests)\t\(s.handled)\t\(String(format: "%.1f%%", s.responseRate * 100))\t\(median)\t"
            + "\(String(format: "%.1f%%", s.shareNotHandledIn48h * 100)) (\(s.notHandledIn48h)/\(s.olderThan48h))"
    }
}
