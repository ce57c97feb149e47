import Foundation
import RelanceSystemd
import Testing

/// systemd/relance.catalog, compiled by journalctl itself into a temporary root.
@Suite struct CatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func journalctlCompilesTheCatalogWithOneEntryPerEvent() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("relance-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let catalogDir = tmp.appendingPathComponent("usr/lib/systemd/catalog")
        try FileManager.default.createDirectory(at: catalogDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("var/lib/systemd/catalog"),
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("systemd/relance.catalog"),
                                         to: catalogDir.appendingPathComponent("relance.catalog"))
        let update = try journalctl(["--root=\(tmp.path)", "--update-catalog"])
        #expect(update.status == 0 && update.output.isEmpty, "\(update.output)")
        let list = try journalctl(["--root=\(tmp.path)", "--list-catalog"])
        let listed = list.output.split(separator: "\n").map { String($0.prefix(32)) }
        #expect(listed.sorted() == JournalEvent.allCases.map(\.messageID).sorted(), "\(list.output)")
        #expect(list.output.split(separator: "\n").allSatisfy { $0.dropFirst(33).hasPrefix("relance: ") })
    }

    func journalctl(_ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
