import Foundation
import Testing
@testable import RelanceConfig

@Suite struct SecretTests {
    @Test func credentialsDirectoryProvidesEverySecret() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", "the-link-key\n")
        try dir.write("smtp-password", "the-smtp-password\r\n")
        try dir.write("sms-token", "the-sms-token")
        let config = try parse(minimalConfig("[sms]\ntransport = \"webhook\"\nbase_url = \"https://sms.example.org/send\"\n"),
                               environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.links.secret == Secret(value: "the-link-key", source: dir.path + "/link-secret",
                                             credential: "link-secret"))
        #expect(config.email.password?.value == "the-smtp-password")
        #expect(config.sms.token?.value == "the-sms-token")
    }

    @Test func withoutCredentialsSecretsAreNil() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let config = try parse(minimalConfig(), environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.links.secret == nil)
        #expect(config.email.password == nil)
    }

    @Test func secretFileWinsOverCredentialAndIsRelativeToTheConfig() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", "from-credential")
        try dir.write("my-secret", "from-file-" + String(repeating: "f", count: 32) + "\n")
        let text = minimalConfig().replacingOccurrences(
            of: "base_url = \"https://messagerie.example.org\"",
            with: "base_url = \"https://messagerie.example.org\"\nsecret_file = \"my-secret\"")
        let config = try ConfigLoader.parse(text: text, file: dir.path + "/relance.toml",
                                            environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.links.secret == Secret(value: "from-file-" + String(repeating: "f", count: 32), source: dir.path + "/my-secret"))
    }

    @Test(arguments: [("key\n", "key"), ("key\r\n", "key"), ("key\n\n", "key\n"), ("key", "key"), (" key \n", " key ")])
    func exactlyOneTrailingNewlineIsTrimmed(contents: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", contents)
        let config = try parse(minimalConfig(), environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.links.secret?.value == expected)
    }

    @Test(arguments: ["", "\n"])
    func emptyCredentialIsAnError(contents: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", contents)
        let found = errors(of: minimalConfig(), environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(found.map(\.key) == ["links.secret_file"])
        #expect(found.first?.message.contains("link-secret is empty") == true)
        #expect(found.first?.line == 4)  // the [links] header
    }

    @Test(.disabled(if: getuid() == 0, "root can read a file whatever its permissions"))
    func unreadableSecretFileNamesPathAndReason() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("locked", "secret", permissions: 0o000)
        let found = errors(of: minimalConfig("[sms]\ntoken_file = \"\(path)\"\n"))
        #expect(found.map(\.key) == ["sms.token_file"])
        #expect(found.first?.message == "cannot read secret file \(path): Permission denied")
    }

    @Test func directoryAsSecretFileIsAnError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let found = errors(of: minimalConfig("[sms]\ntoken_file = \"\(dir.path)\"\n"))
        #expect(found.map(\.key) == ["sms.token_file"])
        #expect(found.first?.message.contains("Is a directory") == true)
    }

    @Test func secretsNeverPrint() throws {
        let secret = Secret(value: "hunter2", source: "/etc/relance/link-secret")
        #expect("\(secret)" == "(secret from /etc/relance/link-secret)")
        #expect(String(reflecting: secret) == "(secret from /etc/relance/link-secret)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(!String(describing: Optional(secret)).contains("hunter2"))
    }

    @Test func effectiveTOMLMasksEverySecret() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", "LINK-SECRET-VALUE\n")
        try dir.write("smtp-password", "SMTP-PASSWORD-VALUE\n")
        let tokenPath = try dir.write("token", "SMS-TOKEN-VALUE\n")
        let config = try parse(minimalConfig("""
            [sms]
            transport = "twilio"
            from = "+33123456789"
            account_sid = "AC123"
            token_file = "\(tokenPath)"
            """), environment: ["CREDENTIALS_DIRECTORY": dir.path])
        let text = config.effectiveTOML()
        for value in ["LINK-SECRET-VALUE", "SMTP-PASSWORD-VALUE", "SMS-TOKEN-VALUE"] {
            #expect(!text.contains(value))
        }
        #expect(text.contains("# secret_file = (not set): systemd credential link-secret (secret from \(dir.path)/link-secret)\n"))
        #expect(text.contains("(secret from \(dir.path)/smtp-password)"))
        #expect(text.contains("token_file = \"\(tokenPath)\"  # (secret from \(tokenPath))"))
        #expect(!ConfigErrors([]).description.contains("VALUE"))
    }
}
