import ArgumentParser
import Foundation
import RelanceConfig
import RelanceCore

/// `--config` shared by every command that reads the store.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The config file.")
    var config: String = "/etc/relance/relance.toml"

    /// Loads and checks the config (``ConfigCheck``) or prints every error as FILE:LINE: key: message and exits 78.
    func load() throws -> Config {
        do {
            return try ConfigCheck.load(path: config)
        } catch {
            for e in error.errors { printError(e.description) }
            throw exConfig
        }
    }
}

/// `--now`: the instant the rules take as now (replays); the clock otherwise.
struct NowOption: ParsableArguments {
    @Option(name: .long, help: "Evaluate as of this UTC instant (e.g. 2026-12-01T09:00:00Z) instead of the clock.",
            transform: { text in
                guard let d = Timestamp.parseLenient(text) else {
                    throw ValidationError("--now \(text): expected a timestamp like 2026-12-01T09:00:00Z")
                }
                return d
            })
    var now: Date?

    /// The only place a command reads the clock.
    var instant: Date { now ?? Date() }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
