import Foundation
import Testing
@testable import RelanceConfig

/// `email.rate`, `sms.rate` (messages per second, optional) and `delivery.lease`.
@Suite struct DeliveryPaceTests {
    @Test func unsetRatesDoNotPace() throws {
        let c = try parse(minimalConfig())
        #expect(c.email.rate == nil && c.sms.rate == nil)
        #expect(c.delivery.lease == 300)
    }

    @Test func ratesAndLeaseAreRead() throws {
        let c = try parse(minimalConfig("[sms]\nrate = 2.5\n[delivery]\nlease = \"30s\"\n").replacingOccurrences(
            of: "[email]\n", with: "[email]\nrate = 20\n"))
        #expect(c.email.rate == 20 && c.sms.rate == 2.5 && c.delivery.lease == 30)
        #expect(try parse(c.effectiveTOML()).email.rate == 20, "round trip")
    }

    @Test(arguments: ["0", "-1", "\"fast\"", "100000"])
    func aBadRateNamesItsKey(text: String) {
        #expect(errors(of: minimalConfig("[sms]\nrate = \(text)\n")).map(\.key) == ["sms.rate"])
    }

    @Test func aLeaseTooShortNamesItsKey() {
        #expect(errors(of: minimalConfig("[delivery]\nlease = \"1s\"\n")).map(\.key) == ["delivery.lease"])
    }
}
