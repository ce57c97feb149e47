import ArgumentParser
import Foundation
import RelanceConfig
import RelanceDemo
import RelanceStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a store filled with realistic French data (practitioners, patients, 2,000 requests).")

    @Option(name: .long, help: "The SQLite file to create.")
    var store: String?

    @Option(name: .long, help: "Fill the store this config names instead (SQLite or PostgreSQL); it must be empty.")
    var config: String?

    @Option(name: .long, help: "Seed of the generator: the same seed gives the same store.")
    var seed: UInt64 = 2026

    @Flag(name: .long, help: "Replace an existing SQLite file.")
    var force = false

    @OptionGroup var now: NowOption

    func validate() throws {
        guard (store == nil) != (config == nil) else { throw ValidationError("give either --store FILE or --config FILE") }
    }

    func run() throws {
        let target: any PlatformWriter
        let name: String
        if let config {
            let loaded: Config
            do {
                loaded = try ConfigLoader.load(path: config)
            } catch {
                for e in error.errors { printError(e.description) }
                throw exConfig
            }
            do {
                (target, name) = try Wiring(config: loaded).createStore(replacing: force)
            } catch let error as WiringError {
                printError("\(loaded.file): \(error)")
                throw exConfig
            }
        } else {
            let path = store!
            (target, name) = try Wiring.createSQLiteStore(path: path, replacing: force)
        }
        let summary = try DemoGenerator.fill(into: target, now: now.instant, seed: seed)
        print("""
            demo store \(name): \(summary.practitioners) practitioners, \(summary.assistants) assistants, \
            \(summary.patients) patients, \(summary.requests) requests, \(summary.messages) messages, \
            \(summary.closures) closures
            """)
    }
}
