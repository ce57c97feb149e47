import ArgumentParser
import Foundation
import RelanceDemo
import RelanceStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a store filled with realistic French data (practitioners, patients, 2,000 requests).")

    @Option(name: .long, help: "The SQLite file to create.")
    var store: String

    @Option(name: .long, help: "Seed of the generator: the same seed gives the same store.")
    var seed: UInt64 = 2026

    @Flag(name: .long, help: "Replace an existing file.")
    var force = false

    @OptionGroup var now: NowOption

    func run() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: store) {
            guard force else { throw ValidationError("\(store) exists; pass --force to replace it") }
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: store + suffix) }
        }
        let db = try SQLiteStore.create(path: store)
        let summary = try DemoGenerator.fill(db.pool, now: now.instant, seed: seed)
        print("""
            demo store \(store): \(summary.practitioners) practitioners, \(summary.assistants) assistants, \
            \(summary.patients) patients, \(summary.requests) requests, \(summary.messages) messages, \
            \(summary.closures) closures
            """)
    }
}
