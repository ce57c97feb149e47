import Foundation
@testable import RelanceConfig

/// Where the test files and the repository's example configs are, found from this source file
/// so that other test targets (the CLI's) can use the same fixtures.
enum TestPaths {
    /// `Tests/RelanceConfigTests`.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// `Tests/RelanceConfigTests/Fixtures/broken`.
    static let brokenFixtures = testsDirectory.appendingPathComponent("Fixtures/broken")
    /// The repository's `Config` folder.
    static let configDirectory = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")
}

/// A fresh temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("relance-config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    /// Writes `contents` to `name` inside the directory and returns its path; mode 0600 unless
    /// told (secret files must be private to their owner).
    @discardableResult
    func write(_ name: String, _ contents: String, permissions: Int = 0o600) throws -> String {
        let file = url.appendingPathComponent(name)
        try contents.write(to: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: file.path)
        return file.path
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The smallest valid config, with `extra` appended (later tables may extend it).
func minimalConfig(_ extra: String = "") -> String {
    """
    [store]
    path = "store.sqlite"

    [links]
    base_url = "https://messagerie.example.org"

    [email]
    transport = "file"
    spool = "spool/email"
    from = "Messagerie <no-reply@example.org>"

    """ + extra
}

/// Parses `text` as `/etc/relance/test.toml` with an empty environment.
func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigErrors) -> Config {
    try ConfigLoader.parse(text: text, file: "/etc/relance/test.toml", environment: environment)
}

/// The errors `text` produces (empty when it loads).
func errors(of text: String, environment: [String: String] = [:]) -> [ConfigError] {
    do {
        _ = try parse(text, environment: environment)
        return []
    } catch {
        return error.errors
    }
}
