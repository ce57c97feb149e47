import Testing
import RelanceCore

@Suite("CivilDate")
struct CivilDateTests {
    @Test("parses real YYYY-MM-DD dates", arguments: [
        ("2026-05-13", 2026, 5, 13),
        ("2024-02-29", 2024, 2, 29),
        ("2000-02-29", 2000, 2, 29),
        ("1970-01-01", 1970, 1, 1),
        ("2030-12-31", 2030, 12, 31),
    ])
    func parses(text: String, y: Int, m: Int, d: Int) {
        #expect(CivilDate(iso: text) == CivilDate(year: y, month: m, day: d))
        #expect(CivilDate(iso: text)?.description == text)
    }

    @Test("rejects malformed or impossible dates", arguments: [
        "", "2026-5-13", "2026/05/13", "2026-05-13T00:00:00Z", "26-05-13", "2026-13-01", "2026-00-10",
        "2026-02-29", "1900-02-29", "2026-04-31", "2026-05-00", "2026-05-32", "2026-05-1a", " 2026-05-13",
    ])
    func rejects(text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test("ISO weekday", arguments: [
        ("1970-01-01", 4), ("2026-05-11", 1), ("2026-05-13", 3), ("2026-05-16", 6), ("2026-05-17", 7),
        ("2024-02-29", 4), ("1969-12-31", 3), ("2000-01-01", 6),
    ])
    func weekday(text: String, iso: Int) {
        let d = day(text)
        #expect(d.isoWeekday == iso)
        #expect(d.isWeekend == (iso >= 6))
    }

    @Test("days since epoch round-trip across leap years and before 1970")
    func roundTrip() {
        for n in stride(from: -800_000, through: 800_000, by: 397) {
            #expect(CivilDate(daysSinceEpoch: n).daysSinceEpoch == n)
        }
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("2026-01-01").daysSinceEpoch == 20_454)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
    }

    @Test("adding days crosses months, years and leap days", arguments: [
        ("2024-02-28", 1, "2024-02-29"), ("2025-02-28", 1, "2025-03-01"), ("2026-12-31", 1, "2027-01-01"),
        ("2026-03-01", -1, "2026-02-28"), ("2026-05-13", 0, "2026-05-13"), ("2024-01-01", 366, "2025-01-01"),
    ])
    func adding(text: String, n: Int, expected: String) {
        #expect(day(text).adding(days: n) == day(expected))
    }

    @Test("ordering follows the calendar")
    func ordering() {
        #expect(day("2026-05-13") < day("2026-05-14"))
        #expect(day("2026-05-31") < day("2026-06-01"))
        #expect(day("2025-12-31") < day("2026-01-01"))
        #expect(!(day("2026-05-13") < day("2026-05-13")))
        #expect(CivilDate(year: 5, month: 1, day: 2).description == "0005-01-02")
    }

    @Test("days in month", arguments: [
        (2, 2024, 29), (2, 2026, 28), (2, 1900, 28), (2, 2000, 29), (4, 2026, 30), (12, 2026, 31),
    ])
    func daysIn(month: Int, year: Int, n: Int) {
        #expect(CivilDate.daysIn(month: month, year: year) == n)
    }
}
