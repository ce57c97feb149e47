import Foundation
import RelanceCore
import Testing
@testable import RelanceConfig

/// Individual keys: defaults, choices, paths, URLs, mailboxes, quiet hours.
@Suite struct ValueTests {
    @Test func defaults() throws {
        let c = try parse(minimalConfig())
        #expect(c.store == StoreConfig(path: "/etc/relance/store.sqlite"))
        #expect(c.links == LinksConfig(baseURL: "https://messagerie.example.org"))
        #expect(c.email == EmailConfig(transport: .file, from: "Messagerie <no-reply@example.org>",
                                       spool: "/etc/relance/spool/email"))
        #expect(c.sms == SMSConfig())
        #expect(c.sms.quietHours == QuietHours.default)
        #expect(c.delivery == DeliveryConfig())
        #expect(c.delivery.lifetime == 2 * 86_400)
        #expect(c.calendar == CalendarConfig())
        #expect(c.log.level == .info)
        #expect(c.policy == Policy())
    }

    @Test(arguments: [("20:00-08:00", QuietHours(start: 1200, end: 480)), ("22:30 - 07:15", QuietHours(start: 1350, end: 435)),
                      ("12:00-14:00", QuietHours(start: 720, end: 840))])
    func quietHours(text: String, expected: QuietHours) throws {
        #expect(try parse(minimalConfig("[sms]\nquiet_hours = \"\(text)\"\n")).sms.quietHours == expected)
    }

    @Test(arguments: ["none", "", "NONE"])
    func quietHoursDisabled(text: String) throws {
        #expect(try parse(minimalConfig("[sms]\nquiet_hours = \"\(text)\"\n")).sms.quietHours == nil)
    }

    @Test(arguments: ["20:00", "20:00-20:00", "24:00-08:00", "20:60-08:00", "8-20", "20:00-08:00-09:00", "always"])
    func badQuietHours(text: String) {
        #expect(errors(of: minimalConfig("[sms]\nquiet_hours = \"\(text)\"\n")).map(\.key) == ["sms.quiet_hours"])
    }

    @Test(arguments: ["no-reply@example.org", "Messagerie <no-reply@example.org>", "\"Dr. Martin\" <a@b.fr>",
                      "Messagerie Santé <no-reply@localhost>"])
    func goodMailboxes(from: String) throws {
        #expect(Mailbox.problem(from) == nil)
    }

    @Test(arguments: ["", "no-reply", "@example.org", "a@", "a@@b.org", "Name <a@b.org", "a b@c.org", "a@b..org",
                      "x@y.org\nBcc: z@w.org", "x@y.org\r", "Name <a@b.org>\u{7}"])
    func badMailboxes(from: String) {
        #expect(Mailbox.problem(from) != nil)
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        let c = try ConfigLoader.parse(text: minimalConfig().replacingOccurrences(of: "store.sqlite", with: "../var/./x.sqlite"),
                                       file: "/opt/relance/etc/relance.toml", environment: [:])
        #expect(c.store.path == "/opt/relance/var/x.sqlite")
        #expect(c.email.spool == "/opt/relance/etc/spool/email")
        let relative = try ConfigLoader.parse(text: minimalConfig(), file: "conf/relance.toml", environment: [:])
        let cwd = FileManager.default.currentDirectoryPath
        #expect(relative.store.path == PathResolution.absolute("conf/store.sqlite", relativeTo: cwd))
        #expect(relative.file == "conf/relance.toml")
    }

    @Test func pathNormalization() {
        #expect(PathResolution.absolute("a/../b//c/.", relativeTo: "/x/y") == "/x/y/b/c")
        #expect(PathResolution.absolute("/../etc", relativeTo: "/x") == "/etc")
        #expect(PathResolution.directory(ofConfigFile: "/relance.toml") == "/")
    }

    @Test func tlsAndSchemeConsistency() {
        let smtp = "[store]\npath = \"s\"\n[links]\nbase_url = \"https://x.org\"\n[email]\nfrom = \"a@b.org\"\n"
        #expect(errors(of: smtp + "url = \"smtp://relay:25\"\ntls = \"smtps\"\n").map(\.key) == ["email.tls"])
        #expect(errors(of: smtp + "url = \"smtps://relay\"\ntls = \"none\"\n").map(\.key) == ["email.tls"])
        #expect(errors(of: smtp + "url = \"smtp://relay:25\"\ntls = \"none\"\n").isEmpty)
        #expect(errors(of: smtp + "url = \"smtp://\"\n").map(\.key) == ["email.url"])
        #expect(errors(of: smtp).map(\.key) == ["email.url"])
    }

    @Test func missingTablesAreReportedOnce() {
        let found = errors(of: "")
        #expect(found.map(\.description) == [
            "/etc/relance/test.toml:1: store: missing required table [store]",
            "/etc/relance/test.toml:1: links: missing required table [links]",
            "/etc/relance/test.toml:1: email: missing required table [email]",
        ])
        #expect(errors(of: minimalConfig().replacingOccurrences(of: "from = \"Messagerie <no-reply@example.org>\"\n",
                                                                with: "transport = \"none\"\n")
            .replacingOccurrences(of: "transport = \"file\"\n", with: "")).isEmpty)
    }

    @Test func smsGatewaysNeedTheirKeys() {
        #expect(Set(errors(of: minimalConfig("[sms]\ntransport = \"twilio\"\n")).map(\.key)) == ["sms.account_sid", "sms.from"])
        #expect(Set(errors(of: minimalConfig("[sms]\ntransport = \"vonage\"\n")).map(\.key)) == ["sms.api_key", "sms.from"])
        #expect(errors(of: minimalConfig("[sms]\ntransport = \"webhook\"\n")).map(\.key) == ["sms.base_url"])
        #expect(errors(of: minimalConfig("[sms]\ntransport = \"file\"\n")).map(\.key) == ["sms.spool"])
    }

    @Test func radiusAcceptsIntegersAndFloats() throws {
        #expect(try parse(minimalConfig("[rules.nearby_proposal]\nradius_km = 500\n")).policy.nearbyProposal.radiusKm == 500)
        #expect(try parse(minimalConfig("[rules.nearby_proposal]\nradius_km = 0.5\n")).policy.nearbyProposal.radiusKm == 0.5)
        #expect(errors(of: minimalConfig("[rules.nearby_proposal]\nradius_km = 0\n")).count == 1)
        #expect(errors(of: minimalConfig("[rules.nearby_proposal]\nradius_km = 500.5\n")).count == 1)
        #expect(errors(of: minimalConfig("[rules.nearby_proposal]\nradius_km = nan\n")).count == 1)
    }

    @Test func dottedAndInlineTablesAreAccepted() throws {
        let text = minimalConfig().replacingOccurrences(of: "[store]\npath = \"store.sqlite\"\n",
                                                        with: "rules.digest.threshold = 7\nstore = { path = \"store.sqlite\" }\n")
        let c = try parse(text)
        #expect(c.policy.digest.threshold == 7)
    }

    @Test func suggestions() {
        #expect(Suggestions.closest(to: "treshold", in: ["threshold", "enabled"]) == "threshold")
        #expect(Suggestions.closest(to: "base-url", in: ["base_url", "ttl"]) == "base_url")
        #expect(Suggestions.closest(to: "colour", in: ["engine", "path", "url"]) == nil)
        #expect(Suggestions.editDistance("abcd", "abdc") == 1)
    }
}
