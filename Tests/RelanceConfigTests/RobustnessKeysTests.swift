import Foundation
import RelanceCore
import Testing
@testable import RelanceConfig

/// Issue 10's keys: `[store.retention]` and the message alerts' `max_age` and `coalesce`.
@Suite struct RobustnessKeysTests {
    @Test func defaults() throws {
        let c = try parse(minimalConfig())
        #expect(c.store.retention == 400 * 86_400 && c.store.cycleRetention == 30 * 86_400)
        #expect(c.policy.patientMessageAlert.maxAge == 72 * 3600 && c.policy.patientMessageAlert.coalesce == 900)
        #expect(c.policy.replyAlert.maxAge == 72 * 3600 && c.policy.replyAlert.coalesce == 900)
    }

    @Test func set() throws {
        let c = try parse(minimalConfig("""
            [store.retention]
            decisions = "90 days"
            cycles = "7 days"

            [rules.patient_message_alert]
            max_age = "24h"
            coalesce = "0s"

            [rules.reply_alert]
            coalesce = "5m"
            """))
        #expect(c.store.retention == 90 * 86_400 && c.store.cycleRetention == 7 * 86_400)
        #expect(c.policy.patientMessageAlert.maxAge == 86_400 && c.policy.patientMessageAlert.coalesce == 0)
        #expect(c.policy.replyAlert.coalesce == 300 && c.policy.replyAlert.maxAge == 72 * 3600)
        // The effective config reads back the same.
        #expect(try parse(c.effectiveTOML()).store == c.store)
        #expect(try parse(c.effectiveTOML()).policy == c.policy)
    }

    @Test(arguments: [("[store.retention]\ndecisions = \"2 business days\"\n", "store.retention.decisions"),
                      ("[store.retention]\nmessages = \"3 days\"\n", "store.retention.messages"),
                      ("[rules.reply_alert]\ncoalesce = \"2 days\"\n", "rules.reply_alert.coalesce"),
                      ("[rules.patient_message_alert]\nmax_age = \"soon\"\n", "rules.patient_message_alert.max_age")])
    func badValuesNameTheirKey(text: String, key: String) {
        #expect(errors(of: minimalConfig(text)).map(\.key) == [key])
    }
}
