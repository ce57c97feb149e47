import Foundation
import Testing
import RelanceCore

@Suite("DurationSpec")
struct DurationSpecTests {
    @Test("parses the config forms", arguments: [
        ("30s", DurationSpec.seconds(30)),
        ("15m", .seconds(900)),
        ("72h", .seconds(259_200)),
        ("7 days", .seconds(604_800)),
        ("1 day", .seconds(86_400)),
        ("2 business days", .businessDays(2)),
        ("1 business day", .businessDays(1)),
        ("0s", .seconds(0)),
        ("  3 Business  Days ", .businessDays(3)),
        ("2 weeks", .seconds(1_209_600)),
        ("45 minutes", .seconds(2700)),
    ])
    func parses(text: String, expected: DurationSpec) throws {
        #expect(try DurationSpec.parse(text) == expected)
    }

    @Test("rejects what is not a duration", arguments: [
        "", "s", "30", "-5s", "1.5h", "7 fortnights", "business days", "2 business", "10000000000s", "3 jours",
    ])
    func rejects(text: String) {
        let error = #expect(throws: DurationSpec.ParseError.self) { try DurationSpec.parse(text) }
        #expect(error?.text == text)
        #expect(error?.description.contains("\"2 business days\"") == true)
    }

    @Test("prints back in the config form", arguments: [
        (DurationSpec.seconds(30), "30s"), (.seconds(900), "15m"), (.seconds(259_200), "3 days"),
        (.seconds(7200), "2h"), (.seconds(86_400), "1 day"), (.seconds(0), "0s"),
        (.businessDays(1), "1 business day"), (.businessDays(2), "2 business days"),
    ])
    func describes(spec: DurationSpec, text: String) throws {
        #expect(spec.description == text)
        #expect(try DurationSpec.parse(text) == spec)
    }

    @Test("fixed seconds only for elapsed durations")
    func fixedSeconds() {
        #expect(DurationSpec.seconds(60).fixedSeconds == 60)
        #expect(DurationSpec.businessDays(2).fixedSeconds == nil)
    }

    @Test("a calendar adds elapsed durations as elapsed time, business days on its calendar")
    func calendarAdding() {
        let cal = calendar()
        // Friday 16:00 Paris, across the spring DST change: 72h is 72 elapsed hours.
        let friday = ts("2026-03-27T15:00:00Z")
        #expect(cal.adding(.seconds(72 * 3600), to: friday) == ts("2026-03-30T15:00:00Z"))
        #expect(cal.adding(.businessDays(2), to: friday) == ts("2026-03-31T14:00:00Z"))
    }
}
