import Foundation
import Testing
@testable import RelanceConfig

/// `[store]` with `engine = "postgres"`: the URL, its password kept out of it.
@Suite struct PostgresStoreConfigTests {
    func postgres(_ url: String, extra: String = "") -> String {
        minimalConfig().replacingOccurrences(of: "path = \"store.sqlite\"",
                                             with: "engine = \"postgres\"\nurl = \"\(url)\"\(extra)")
    }

    func errors(_ text: String, environment: [String: String] = [:]) throws -> [ConfigError] {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("relance.toml", text)
        do {
            _ = try ConfigLoader.load(path: path, environment: environment)
            return []
        } catch {
            return error.errors
        }
    }

    @Test(arguments: [
        "postgresql://relance:hunter2@db.example.org/platform",
        "postgres://relance:hunter2@db1.example.org,db2.example.org/platform?target_session_attrs=read-write",
        "postgresql://relance@db.example.org/platform?sslmode=require&password=hunter2",
        "postgresql://relance@db.example.org/platform?PASSWORD=hunter2",
    ])
    func aPasswordInTheURLIsRefusedAndNeverPrinted(url: String) throws {
        let found = try errors(postgres(url))
        #expect(found.map(\.key) == ["store.url"])
        #expect(found.first?.line == 3)
        for e in found {
            #expect(!e.description.contains("hunter2"), "\(e.description)")
            #expect(e.description.contains("store-password"))
        }
    }

    @Test func severalHostsAndTheirParametersAreAccepted() throws {
        let url = "postgresql://relance@db1.example.org:5432,db2.example.org:5433/platform?target_session_attrs=read-write&sslmode=verify-full"
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("relance.toml", postgres(url))
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.store.engine == .postgres && config.store.url == url && config.store.password == nil)
    }

    @Test func thePasswordComesFromItsFileOrTheCredential() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("pg-password", "s3cret\n")
        try dir.write("store-password", "from-credential\n")
        let byFile = try dir.write("a.toml", postgres("postgresql://relance@127.0.0.1/platform", extra: "\npassword_file = \"pg-password\""))
        let config = try ConfigLoader.load(path: byFile, environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.store.password?.value == "s3cret")
        #expect(!config.effectiveTOML().contains("s3cret"))
        let byCredential = try dir.write("b.toml", postgres("postgresql://relance@127.0.0.1/platform"))
        #expect(try ConfigLoader.load(path: byCredential, environment: ["CREDENTIALS_DIRECTORY": dir.path])
            .store.password?.value == "from-credential")
    }

    @Test func anInlinePasswordKeyIsRefusedToo() throws {
        let found = try errors(postgres("postgresql://relance@127.0.0.1/platform", extra: "\npassword = \"hunter2\""))
        #expect(found.map(\.key) == ["store.password"])
        #expect(found.allSatisfy { !$0.description.contains("hunter2") && $0.description.contains("store-password") })
    }
}
