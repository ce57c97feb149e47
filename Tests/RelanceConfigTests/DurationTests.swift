import RelanceCore
import Testing
@testable import RelanceConfig

/// `DurationSpec.parse` from RelanceCore, exercised through the keys that use it.
@Suite struct DurationTests {
    @Test(arguments: [
        ("90s", DurationSpec.seconds(90)),
        ("60 seconds", .seconds(60)),
        ("15m", .seconds(900)),
        ("15 min", .seconds(900)),
        ("72h", .seconds(259_200)),
        ("2 hours", .seconds(7200)),
        ("7 days", .seconds(604_800)),
        ("1 day", .seconds(86_400)),
        ("1d", .seconds(86_400)),
        ("2 weeks", .seconds(1_209_600)),
        ("  3 DAYS ", .seconds(259_200)),
        ("2 business days", .businessDays(2)),
        ("1 business day", .businessDays(1)),
        ("5 Business  Days", .businessDays(5)),
    ])
    func goodDurations(text: String, expected: DurationSpec) throws {
        // rules.reminder.after takes business days or a fixed duration from 1m to 366 days.
        let config = try parse(minimalConfig("[rules.reminder]\nafter = \"\(text)\"\n"))
        #expect(config.policy.reminder.after == expected)
    }

    @Test(arguments: ["", "30", "s", "-5m", "1.5h", "thirty seconds", "30 parsecs", "3 business", "2 business weeks",
                      "1e3s", "10 hours ago", "9999999999s"])
    func badDurations(text: String) {
        let found = errors(of: minimalConfig("[rules.reminder]\nafter = \"\(text)\"\n"))
        #expect(found.count == 1)
        #expect(found.first?.key == "rules.reminder.after")
        #expect(found.first?.message.contains("is not a duration") == true)
    }

    @Test(arguments: [
        ("poll_interval", "\"2 business days\"", "needs a fixed duration"),
        ("poll_interval", "\"0s\"", "out of range"),
        ("poll_interval", "\"61m\"", "between 1s and 1h"),
        ("catch_up", "\"1 business day\"", "needs a fixed duration"),
        ("busy_timeout", "5", "expected a duration string"),
    ])
    func storeDurationLimits(key: String, value: String, message: String) {
        let text = minimalConfig().replacingOccurrences(of: "path = \"store.sqlite\"",
                                                        with: "path = \"store.sqlite\"\n\(key) = \(value)")
        let found = errors(of: text)
        #expect(found.map(\.key) == ["store.\(key)"])
        #expect(found.first?.message.contains(message) == true, "\(found)")
        #expect(found.first?.line == 3)
    }

    @Test func fixedDurationsAreStoredInSeconds() throws {
        let config = try parse(minimalConfig("""
            [delivery]
            retry_initial = "30s"
            retry_max = "2h"
            lifetime = "3 days"

            [rules.digest]
            min_interval = "2 business days"
            """))
        #expect(config.delivery.retryInitial == 30)
        #expect(config.delivery.retryMax == 7200)
        #expect(config.delivery.lifetime == 259_200)
        #expect(config.policy.digest.minInterval == .businessDays(2))
    }

    @Test func retryMaxBelowInitialIsAnError() {
        let found = errors(of: minimalConfig("[delivery]\nretry_initial = \"10m\"\nretry_max = \"1m\"\n"))
        #expect(found.map(\.key) == ["delivery.retry_max"])
    }
}
