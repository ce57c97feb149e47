import ArgumentParser
import Foundation
import RelanceCore
import RelanceDelivery

struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link", abstract: "Check sign-in links.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether a sign-in link's token is valid, expired or forged (exit 0 only when valid).")

        @Argument(help: "The token (the `jeton` parameter of the link), or the whole link.")
        var token: String

        @OptionGroup var config: ConfigOption
        @OptionGroup var now: NowOption

        func run() throws {
            let config = try config.load()
            guard let secret = config.links.secret else {
                printError("\(config.file): links: no link secret configured here")
                throw exConfig
            }
            let link = SignInLink(secret: secret.value, baseURL: config.links.baseURL, ttl: TimeInterval(config.links.ttl))
            var t = token
            if let range = t.range(of: "jeton=") { t = String(t[range.upperBound...].prefix { $0 != "&" }) }
            func claims(_ c: SignInLink.Claims) -> String {
                "\(c.recipientKind.rawValue) \(c.recipientID), request \(c.requestID)"
                    + (c.proposedPractitionerID.map { ", proposing practitioner \($0)" } ?? "")
            }
            switch link.verify(t, now: now.instant) {
            case .valid(let c):
                print("valid: \(claims(c)), expires \(Timestamp.format(c.expires))")
            case .expired(let c):
                print("expired: \(claims(c)), expired \(Timestamp.format(c.expires))")
                throw ExitCode(1)
            case .forged:
                print("forged: the signature does not match this secret")
                throw ExitCode(2)
            case .malformed:
                print("malformed: not a relance sign-in token")
                throw ExitCode(2)
            }
        }
    }
}
