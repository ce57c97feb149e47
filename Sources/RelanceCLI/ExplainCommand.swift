import ArgumentParser
import Foundation
import Logging
import RelanceCore
import RelanceEngine
import RelanceStore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell which rules fired for a request, when, what the next tick will do with it, and why.")

    @Argument(help: "The request ids.")
    var requestIDs: [Int64]

    @OptionGroup var config: ConfigOption
    @OptionGroup var now: NowOption

    func run() throws {
        let config = try config.load()
        let wiring = Wiring(config: config)
        let store = try wiring.openStore()
        let at = now.instant
        // The engine speaking: its own selection and `decide` for a cycle at `at`, recorded nowhere.
        let quiet = Logger(label: "relance", factory: { _ in SwiftLogNoOpLogHandler() })
        let preview = try wiring.cycle(store, logger: quiet).preview(now: at)
        var missing = false
        for (i, id) in requestIDs.enumerated() {
            let file: RequestFile
            do { file = try store.requestFile(id, region: config.policy.region) } catch let e as StoreNotFound {
                printError(e.description)
                missing = true
                continue
            }
            if i > 0 { print("") }
            print(Timeline(file: file, now: at, policy: config.policy, next: preview).lines().joined(separator: "\n"))
        }
        if missing { throw ExitCode.failure }
    }
}
