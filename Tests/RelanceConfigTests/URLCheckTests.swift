import Testing
@testable import RelanceConfig

/// Issue 11, findings 2, 3 and 7: URLs without credentials, https links, ports in range.
@Suite struct URLCheckTests {
    func linksErrors(_ url: String) -> [ConfigError] {
        errors(of: minimalConfig().replacingOccurrences(of: "https://messagerie.example.org", with: url))
    }

    @Test(arguments: ["https://messagerie.example.org", "https://messagerie.example.org/app/", "https://app.example.org:8443",
                      "http://localhost:8080", "http://127.0.0.1/app", "http://[::1]:8080", "http://app.localhost"])
    func acceptableLinkBases(_ url: String) {
        #expect(linksErrors(url).isEmpty, "\(url)")
    }

    @Test(arguments: [
        ("http://messagerie.example.org", "must be https://"),
        ("http://127.0.0.1.example.org", "must be https://"),
        ("https://messagerie.example.org/?a=1", "must not have a query"),
        ("https://messagerie.example.org?", "must not have a query"),
        ("https://messagerie.example.org/#x", "must not have a fragment"),
        ("https://u:p@messagerie.example.org", "a password in a URL (user:password@host) is one"),
        ("https://u@messagerie.example.org", "must not carry a user name"),
        ("https://messagerie.example.org:0", "the port must be a number from 1 to 65535"),
        ("https://messagerie.example.org:65536", "the port must be a number from 1 to 65535"),
        ("https://messagerie.example.org:", "the port must be a number from 1 to 65535"),
    ])
    func unsafeLinkBasesAreRefused(_ url: String, _ message: String) {
        let found = linksErrors(url)
        #expect(found.map(\.key) == ["links.base_url"], "\(url): \(found)")
        #expect(found.first?.message.contains(message) == true, "\(url): \(found)")
    }

    @Test(arguments: ["smtp://relance:s3cr3t-pw@relay.example.org:587", "smtps://relance:s3cr3t-pw@relay.example.org",
                      "ftp://relance:s3cr3t-pw@relay.example.org", "relance:s3cr3t-pw@relay.example.org"])
    func aPasswordInTheSMTPURLIsRefusedAndNeverShown(_ url: String) {
        let found = errors(of: minimalConfig().replacingOccurrences(of: "transport = \"file\"", with: "transport = \"smtp\"\nurl = \"\(url)\""))
        #expect(found.map(\.key) == ["email.url"], "\(found)")
        #expect(!ConfigErrors(found).description.contains("s3cr3t-pw"))
        #expect(found.first?.message.contains("password_file") == true)
    }

    @Test(arguments: [("smtp://127.0.0.1:25", true), ("smtp://[::1]:2525", true), ("smtp://relay.example.org", true),
                      ("smtp://127.0.0.1:99999", false), ("smtp://127.0.0.1:-1", false), ("smtp://127.0.0.1:25x", false)])
    func smtpPortsAreInRange(_ url: String, _ valid: Bool) {
        let found = errors(of: minimalConfig().replacingOccurrences(of: "transport = \"file\"", with: "transport = \"smtp\"\ntls = \"none\"\nurl = \"\(url)\""))
        #expect(found.isEmpty == valid, "\(url): \(found)")
    }
}
