import RelanceTestSupport
import Foundation
import PropertyBased
import Testing
@testable import RelanceConfig

/// Issue 11, finding 9: the TOML loader over random Unicode. Never a crash; every error is one
/// line `FILE:LINE: key: message`; what loads prints back (effective TOML) to the same config.
@Suite struct ConfigPropertyTests {
    static let cases = 10_000

    /// `s` as a TOML basic string.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\u%04X", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func errorsAreOneLineEach(_ errors: ConfigErrors) -> Bool {
        errors.errors.allSatisfy { !$0.description.unicodeScalars.contains { $0 == "\n" || $0 == "\r" } }
    }

    @Test func anyDocumentLoadsOrSaysWhyOnOneLinePerError() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...80)) { text in
            do {
                _ = try ConfigLoader.parse(text: text, file: "/etc/relance/random.toml", environment: [:])
            } catch let error as ConfigErrors {
                #expect(!error.errors.isEmpty)
                #expect(Self.errorsAreOneLineEach(error), "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func anyStringValueIsRefusedOnOneLineOrRoundTrips() async {
        let keys = ["email.username", "email.helo_name", "email.from", "sms.from", "sms.account_sid", "links.base_url", "email.url"]
        await propertyCheck(count: Self.cases, input: zip(RandomText.string(of: 0...40), Gen.int(in: 0...(keys.count - 1)))) { value, k in
            let (table, key) = (keys[k].split(separator: ".")[0], keys[k].split(separator: ".")[1])
            var text = minimalConfig("[sms]\n")
            let header = "[\(table)]\n"
            let range = text.range(of: header)!
            text.replaceSubrange(range, with: header + "\(key) = \(Self.quoted(value))\n")
            if key == "base_url" { text = text.replacingOccurrences(of: "base_url = \"https://messagerie.example.org\"\n", with: "") }
            do {
                let config = try ConfigLoader.parse(text: text, file: "/etc/relance/random.toml", environment: [:])
                var again = try ConfigLoader.parse(text: config.effectiveTOML(), file: "/elsewhere/effective.toml", environment: [:])
                again.file = config.file
                #expect(again == config, "\(value.debugDescription) in \(keys[k])")
            } catch let error as ConfigErrors {
                #expect(Self.errorsAreOneLineEach(error), "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
