import Foundation
import RelanceCore
import Testing
@testable import RelanceConfig

/// The shipped `Config/relance.toml` and `Config/demo.toml` load as documented.
@Suite struct ExampleConfigTests {
    @Test func productionExampleLoadsWithoutCredentials() throws {
        let file = TestPaths.configDirectory.appendingPathComponent("relance.toml").path
        let config = try ConfigLoader.load(path: file, environment: [:])
        #expect(config.file == file)
        #expect(config.store.engine == .sqlite)
        #expect(config.store.path == "/var/lib/relance/store.sqlite")
        #expect(config.store.pollInterval == 30)
        #expect(config.store.catchUp == 7 * 86_400)
        #expect(config.links.baseURL == "https://messagerie.example.org")
        #expect(config.links.secret == nil)
        #expect(config.links.ttl == 72 * 3600)
        #expect(config.email.transport == .smtp)
        #expect(config.email.tls == .starttls)
        #expect(config.email.url == "smtp://relay.example.org:587")
        #expect(config.email.username == "relance")
        #expect(config.email.password == nil)
        #expect(config.sms.transport == SMSTransport.none)
        #expect(config.sms.quietHours == QuietHours(start: 20 * 60, end: 8 * 60))
        #expect(config.calendar.region == .france)
        #expect(config.policy == Policy())
    }

    @Test func productionExampleReadsSystemdCredentials() throws {
        let credentials = try TemporaryDirectory()
        defer { credentials.cleanUp() }
        try credentials.write("link-secret", "link-key\n")
        try credentials.write("smtp-password", "smtp-pass\n")
        let file = TestPaths.configDirectory.appendingPathComponent("relance.toml").path
        let config = try ConfigLoader.load(path: file, environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(config.links.secret?.value == "link-key")
        #expect(config.email.password?.value == "smtp-pass")
        #expect(config.sms.token == nil)
    }

    @Test func demoLoadsWithPathsRelativeToItsFolder() throws {
        let directory = TestPaths.configDirectory.standardizedFileURL.path
        let root = TestPaths.configDirectory.deletingLastPathComponent().standardizedFileURL.path
        chmod(directory + "/demo-link-secret", 0o600)  // git checks it out 0644; `make demo` does the same
        let config = try ConfigLoader.load(path: directory + "/demo.toml", environment: [:])
        #expect(config.store.path == root + "/var/demo.sqlite")
        #expect(config.email.transport == .file)
        #expect(config.email.spool == root + "/var/spool/email")
        #expect(config.sms.transport == .file)
        #expect(config.sms.spool == root + "/var/spool/sms")
        #expect(config.links.baseURL == "https://messagerie.example.org")
        let secret = try #require(config.links.secret)
        #expect(secret.source == directory + "/demo-link-secret")
        #expect(secret.value.count == 48)
        #expect(!secret.value.contains("\n"))
        #expect(config.log.level == .notice)
    }
}
