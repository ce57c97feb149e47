import Foundation
import Testing
@testable import RelanceConfig

/// Issue 11, finding 4: secret files are checked as ssh checks a private key. The checks read
/// mode bits, not access rights, so they hold when the tests run as root.
@Suite struct SecretFileChecksTests {
    static let key = String(repeating: "k", count: 40)

    func linkSecretConfig(_ path: String) -> String {
        minimalConfig().replacingOccurrences(of: "base_url = \"https://messagerie.example.org\"",
                                             with: "base_url = \"https://messagerie.example.org\"\nsecret_file = \"\(path)\"")
    }

    @Test(arguments: [0o644, 0o666, 0o640, 0o604, 0o660])
    func aSecretFileOpenToGroupOrOthersIsRefused(mode: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("secret", Self.key, permissions: mode)
        for text in [linkSecretConfig(path), minimalConfig("[sms]\ntoken_file = \"\(path)\"\n")] {
            let found = errors(of: text)
            #expect(found.count == 1)
            #expect(found.first?.key == "links.secret_file" || found.first?.key == "sms.token_file")
            #expect(found.first?.message.contains("has mode \(String(mode, radix: 8)), open to its group or others: run chmod 600 \(path)") == true,
                    "\(found)")
        }
    }

    @Test(arguments: [0o600, 0o400]) func aPrivateSecretFileIsAccepted(mode: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("secret", Self.key, permissions: mode)
        #expect(try parse(linkSecretConfig(path)).links.secret?.value == Self.key)
    }

    /// A FIFO must neither hang `check-config` nor be taken as a secret.
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = linkSecretConfig(fifo)
        nonisolated(unsafe) var found: [ConfigError]?
        let done = DispatchSemaphore(value: 0)
        Thread { found = errors(of: text); done.signal() }.start()
        if done.wait(timeout: .now() + 5) == .timedOut {
            Issue.record("loading a config whose secret_file is a FIFO did not return within 5 s")
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)  // lets the blocked reader go
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 5)
        }
        #expect(found?.map(\.key) == ["links.secret_file"])
        #expect(found?.first?.message == "cannot read secret file \(fifo): not a regular file: a FIFO")
    }

    @Test func aWorldReadableSystemFileIsNotASecret() throws {
        let found = errors(of: linkSecretConfig("/etc/passwd"))
        #expect(found.map(\.key) == ["links.secret_file"])
        #expect(found.first?.message.contains("open to its group or others") == true)
    }

    @Test(arguments: [(1, false), (31, false), (32, true), (48, true)])
    func theLinkSecretFileHoldsAtLeast32Bytes(length: Int, accepted: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("secret", String(repeating: "Q", count: length) + "\n")
        let found = errors(of: linkSecretConfig(path))
        if accepted {
            #expect(found.isEmpty, "\(found)")
        } else {
            #expect(found.map(\.key) == ["links.secret_file"])
            #expect(found.first?.message.contains("is \(length) bytes; it must be at least 32") == true, "\(found)")
            #expect(found.first?.message.contains(String(repeating: "Q", count: length)) == false)
        }
    }

    /// systemd makes credentials private to the service: they are taken as they are.
    @Test func systemdCredentialsAreUnchanged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("link-secret", "short\n", permissions: 0o644)
        let config = try parse(minimalConfig(), environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(config.links.secret?.value == "short")
    }
}
