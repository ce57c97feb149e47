import Foundation
import RelanceCore
import Testing
@testable import RelanceConfig

/// `effectiveTOML()` parses again into the same config.
@Suite struct RoundTripTests {
    private func roundTrip(_ config: Config, environment: [String: String] = [:]) throws -> Config {
        var again = try ConfigLoader.parse(text: config.effectiveTOML(), file: "/elsewhere/effective.toml",
                                           environment: environment)
        again.file = config.file
        return again
    }

    @Test func demoConfig() throws {
        let config = try ConfigLoader.load(path: TestPaths.configDirectory.appendingPathComponent("demo.toml").path,
                                           environment: [:])
        #expect(try roundTrip(config) == config)
    }

    @Test func productionConfigWithCredentials() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", "k")
        try dir.write("smtp-password", "p")
        let environment = ["CREDENTIALS_DIRECTORY": dir.path]
        let config = try ConfigLoader.load(path: TestPaths.configDirectory.appendingPathComponent("relance.toml").path,
                                           environment: environment)
        #expect(try roundTrip(config, environment: environment) == config)
    }

    @Test func secretFileNamedLikeACredentialStaysASecretFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("link-secret", String(repeating: "k", count: 32) + "\n")
        let text = minimalConfig().replacingOccurrences(
            of: "base_url = \"https://messagerie.example.org\"",
            with: "base_url = \"https://messagerie.example.org\"\nsecret_file = \"\(path)\"")
        let config = try parse(text)
        #expect(config.links.secret?.credential == nil)
        #expect(config.effectiveTOML().contains("secret_file = \"\(path)\"  # (secret from \(path))\n"))
        #expect(try roundTrip(config) == config)
    }

    @Test func everyKeyChanged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try FileManager.default.createDirectory(atPath: dir.path + "/templates", withIntermediateDirectories: true)
        try dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n")
        try dir.write("pw", "pw\n")
        try dir.write("tok", "tok\n")
        try dir.write("link", String(repeating: "l", count: 32) + "\n")
        let text = """
            [store]
            engine = "postgres"
            url = "postgresql://relance@db.example.org/messaging"
            poll_interval = "45s"
            busy_timeout = "0s"
            catch_up = "1 day"

            [links]
            base_url = "http://localhost:8080/app"
            secret_file = "link"
            ttl = "90m"

            [email]
            url = "smtps://relay.example.org"
            from = "\\"Cabinet \\\\ Santé\\" <contact@example.org>"
            username = "me"
            password_file = "pw"
            ca_file = "ca.pem"
            helo_name = "relance.example.org"
            connect_timeout = "5s"
            timeout = "2m"
            senders = 4
            templates = "templates"

            [sms]
            transport = "vonage"
            quiet_hours = "none"
            from = "Messagerie"
            base_url = "https://rest.nexmo.com"
            api_key = "key"
            token_file = "tok"
            max_segments = 2

            [delivery]
            batch_size = 7
            retry_initial = "5s"
            retry_max = "5s"
            lifetime = "1h"

            [calendar]
            region = "alsace-moselle"
            default_timezone = "America/Cayenne"

            [log]
            level = "warning"

            [rules.patient_message_alert]
            enabled = false
            [rules.digest]
            enabled = false
            threshold = 9
            min_interval = "3 business days"
            [rules.reminder]
            enabled = false
            after = "36h"
            [rules.nearby_proposal]
            enabled = false
            on_address_only = false
            on_unread = false
            on_refused = false
            unread_after = "4 days"
            max_results = 20
            radius_km = 12.5
            [rules.reply_alert]
            enabled = false
            [rules.full_text_forward]
            enabled = false
            [rules.closure_auto_reply]
            enabled = false
            """
        let config = try ConfigLoader.parse(text: text, file: dir.path + "/relance.toml", environment: [:])
        #expect(config.store.engine == .postgres)
        #expect(config.email.tls == .smtps)  // implied by the smtps:// url
        #expect(config.email.from == "\"Cabinet \\ Santé\" <contact@example.org>")
        #expect(config.email.caFile == dir.path + "/ca.pem")
        #expect(config.email.templates == dir.path + "/templates")
        #expect(config.sms.quietHours == nil)
        #expect(config.policy.region == .alsaceMoselle)
        #expect(config.calendar.region == .alsaceMoselle)
        #expect(config.policy.reminder.after == .seconds(36 * 3600))
        #expect(config.policy.nearbyProposal.radiusKm == 12.5)
        #expect(!config.policy.isEnabled(.closureAutoReply))
        #expect(try roundTrip(config) == config)
    }

    @Test func effectiveTOMLShowsDefaults() throws {
        let text = try parse(minimalConfig()).effectiveTOML()
        for line in ["poll_interval = \"30s\"", "busy_timeout = \"5s\"", "catch_up = \"7 days\"", "ttl = \"3 days\"",
                     "tls = \"starttls\"", "connect_timeout = \"10s\"", "timeout = \"1m\"", "senders = 1",
                     "quiet_hours = \"20:00-08:00\"", "max_segments = 3", "batch_size = 100",
                     "retry_initial = \"1m\"", "retry_max = \"1h\"", "lifetime = \"2 days\"", "region = \"france\"",
                     "default_timezone = \"Europe/Paris\"", "level = \"info\"", "threshold = 4",
                     "min_interval = \"7 days\"", "after = \"2 business days\"", "unread_after = \"3 business days\"",
                     "radius_km = 30.0", "[rules.closure_auto_reply]", "path = \"/etc/relance/store.sqlite\"",
                     "# url = (not set)", "# secret_file = (not set; no systemd credential link-secret either)"] {
            #expect(text.contains(line + "\n"), "missing \(line)")
        }
    }
}
