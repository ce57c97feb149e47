import Testing
import RelanceCore

/// Every public holiday 2024–2030, written out: the eleven national ones and
/// the two Alsace-Moselle extras (Good Friday, 26 December).
let holidayTable: [(date: String, name: String, region: HolidayRegion)] = [
        ("2024-01-01", "Jour de l'an", .france),  // Mon
        ("2024-03-29", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2024-04-01", "Lundi de Pâques", .france),  // Mon
        ("2024-05-01", "Fête du Travail", .france),  // Wed
        ("2024-05-08", "Victoire 1945", .france),  // Wed
        ("2024-05-09", "Ascension", .france),  // Thu
        ("2024-05-20", "Lundi de Pentecôte", .france),  // Mon
        ("2024-07-14", "Fête nationale", .france),  // Sun
        ("2024-08-15", "Assomption", .france),  // Thu
        ("2024-11-01", "Toussaint", .france),  // Fri
        ("2024-11-11", "Armistice 1918", .france),  // Mon
        ("2024-12-25", "Noël", .france),  // Wed
        ("2024-12-26", "Saint-Étienne", .alsaceMoselle),  // Thu
        ("2025-01-01", "Jour de l'an", .france),  // Wed
        ("2025-04-18", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2025-04-21", "Lundi de Pâques", .france),  // Mon
        ("2025-05-01", "Fête du Travail", .france),  // Thu
        ("2025-05-08", "Victoire 1945", .france),  // Thu
        ("2025-05-29", "Ascension", .france),  // Thu
        ("2025-06-09", "Lundi de Pentecôte", .france),  // Mon
        ("2025-07-14", "Fête nationale", .france),  // Mon
        ("2025-08-15", "Assomption", .france),  // Fri
        ("2025-11-01", "Toussaint", .france),  // Sat
        ("2025-11-11", "Armistice 1918", .france),  // Tue
        ("2025-12-25", "Noël", .france),  // Thu
        ("2025-12-26", "Saint-Étienne", .alsaceMoselle),  // Fri
        ("2026-01-01", "Jour de l'an", .france),  // Thu
        ("2026-04-03", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2026-04-06", "Lundi de Pâques", .france),  // Mon
        ("2026-05-01", "Fête du Travail", .france),  // Fri
        ("2026-05-08", "Victoire 1945", .france),  // Fri
        ("2026-05-14", "Ascension", .france),  // Thu
        ("2026-05-25", "Lundi de Pentecôte", .france),  // Mon
        ("2026-07-14", "Fête nationale", .france),  // Tue
        ("2026-08-15", "Assomption", .france),  // Sat
        ("2026-11-01", "Toussaint", .france),  // Sun
        ("2026-11-11", "Armistice 1918", .france),  // Wed
        ("2026-12-25", "Noël", .france),  // Fri
        ("2026-12-26", "Saint-Étienne", .alsaceMoselle),  // Sat
        ("2027-01-01", "Jour de l'an", .france),  // Fri
        ("2027-03-26", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2027-03-29", "Lundi de Pâques", .france),  // Mon
        ("2027-05-01", "Fête du Travail", .france),  // Sat
        ("2027-05-06", "Ascension", .france),  // Thu
        ("2027-05-08", "Victoire 1945", .france),  // Sat
        ("2027-05-17", "Lundi de Pentecôte", .france),  // Mon
        ("2027-07-14", "Fête nationale", .france),  // Wed
        ("2027-08-15", "Assomption", .france),  // Sun
        ("2027-11-01", "Toussaint", .france),  // Mon
        ("2027-11-11", "Armistice 1918", .france),  // Thu
        ("2027-12-25", "Noël", .france),  // Sat
        ("2027-12-26", "Saint-Étienne", .alsaceMoselle),  // Sun
        ("2028-01-01", "Jour de l'an", .france),  // Sat
        ("2028-04-14", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2028-04-17", "Lundi de Pâques", .france),  // Mon
        ("2028-05-01", "Fête du Travail", .france),  // Mon
        ("2028-05-08", "Victoire 1945", .france),  // Mon
        ("2028-05-25", "Ascension", .france),  // Thu
        ("2028-06-05", "Lundi de Pentecôte", .france),  // Mon
        ("2028-07-14", "Fête nationale", .france),  // Fri
        ("2028-08-15", "Assomption", .france),  // Tue
        ("2028-11-01", "Toussaint", .france),  // Wed
        ("2028-11-11", "Armistice 1918", .france),  // Sat
        ("2028-12-25", "Noël", .france),  // Mon
        ("2028-12-26", "Saint-Étienne", .alsaceMoselle),  // Tue
        ("2029-01-01", "Jour de l'an", .france),  // Mon
        ("2029-03-30", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2029-04-02", "Lundi de Pâques", .france),  // Mon
        ("2029-05-01", "Fête du Travail", .france),  // Tue
        ("2029-05-08", "Victoire 1945", .france),  // Tue
        ("2029-05-10", "Ascension", .france),  // Thu
        ("2029-05-21", "Lundi de Pentecôte", .france),  // Mon
        ("2029-07-14", "Fête nationale", .france),  // Sat
        ("2029-08-15", "Assomption", .france),  // Wed
        ("2029-11-01", "Toussaint", .france),  // Thu
        ("2029-11-11", "Armistice 1918", .france),  // Sun
        ("2029-12-25", "Noël", .france),  // Tue
        ("2029-12-26", "Saint-Étienne", .alsaceMoselle),  // Wed
        ("2030-01-01", "Jour de l'an", .france),  // Tue
        ("2030-04-19", "Vendredi saint", .alsaceMoselle),  // Fri
        ("2030-04-22", "Lundi de Pâques", .france),  // Mon
        ("2030-05-01", "Fête du Travail", .france),  // Wed
        ("2030-05-08", "Victoire 1945", .france),  // Wed
        ("2030-05-30", "Ascension", .france),  // Thu
        ("2030-06-10", "Lundi de Pentecôte", .france),  // Mon
        ("2030-07-14", "Fête nationale", .france),  // Sun
        ("2030-08-15", "Assomption", .france),  // Thu
        ("2030-11-01", "Toussaint", .france),  // Fri
        ("2030-11-11", "Armistice 1918", .france),  // Mon
        ("2030-12-25", "Noël", .france),  // Wed
        ("2030-12-26", "Saint-Étienne", .alsaceMoselle),  // Thu
]

@Suite("FrenchHolidays")
struct FrenchHolidaysTests {
    @Test("Easter Sunday (Gregorian computus)", arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
        (2028, "2028-04-16"), (2029, "2029-04-01"), (2030, "2030-04-21"),
        // Extremes and well-known years.
        (1818, "1818-03-22"), (2285, "2285-03-22"), (1943, "1943-04-25"), (2038, "2038-04-25"),
        (2000, "2000-04-23"), (2011, "2011-04-24"), (2019, "2019-04-21"), (2008, "2008-03-23"),
    ])
    func easter(year: Int, date: String) {
        let e = FrenchHolidays.easterSunday(year: year)
        #expect(e == day(date))
        #expect(e.isoWeekday == 7)
    }

    @Test("the national holidays of each year 2024–2030", arguments: 2024...2030)
    func nationalList(year: Int) {
        let expected = holidayTable.filter { $0.region == .france && $0.date.hasPrefix("\(year)-") }
        let actual = FrenchHolidays.holidays(year: year, region: .france)
        #expect(expected.count == 11)
        #expect(actual.map(\.date.description) == expected.map(\.date))
        #expect(actual.map(\.name) == expected.map(\.name))
    }

    @Test("Alsace-Moselle adds Good Friday and 26 December", arguments: 2024...2030)
    func alsaceMoselleList(year: Int) {
        let expected = holidayTable.filter { $0.date.hasPrefix("\(year)-") }
        let actual = FrenchHolidays.holidays(year: year, region: .alsaceMoselle)
        #expect(expected.count == 13)
        #expect(actual.map(\.date.description) == expected.map(\.date))
        #expect(actual.map(\.name) == expected.map(\.name))
        let extras = expected.filter { $0.region == .alsaceMoselle }
        #expect(extras.map(\.name) == ["Vendredi saint", "Saint-Étienne"])
        // Good Friday is two days before Easter Sunday.
        #expect(day(extras[0].date).adding(days: 2) == FrenchHolidays.easterSunday(year: year))
        #expect(day(extras[0].date).isoWeekday == 5)
    }

    @Test("isHoliday agrees with the table on every day of 2024–2030, in both regions",
          arguments: HolidayRegion.allCases)
    func everyDay(region: HolidayRegion) {
        let table = Set(holidayTable.filter { region == .alsaceMoselle || $0.region == .france }.map(\.date))
        var date = day("2024-01-01")
        var count = 0
        while date <= day("2030-12-31") {
            let expected = table.contains(date.description)
            #expect(FrenchHolidays.isHoliday(date, region: region) == expected, "\(date) in \(region)")
            if expected { count += 1 }
            date = date.adding(days: 1)
        }
        #expect(count == (region == .france ? 77 : 91))
    }

    @Test("the movable feasts, spelled out", arguments: [
        // year, Easter Monday, Ascension Thursday, Whit Monday
        (2024, "2024-04-01", "2024-05-09", "2024-05-20"),
        (2025, "2025-04-21", "2025-05-29", "2025-06-09"),
        (2026, "2026-04-06", "2026-05-14", "2026-05-25"),
        (2027, "2027-03-29", "2027-05-06", "2027-05-17"),
        (2028, "2028-04-17", "2028-05-25", "2028-06-05"),
        (2029, "2029-04-02", "2029-05-10", "2029-05-21"),
        (2030, "2030-04-22", "2030-05-30", "2030-06-10"),
    ])
    func movable(year: Int, easterMonday: String, ascension: String, whitMonday: String) {
        for (text, weekday) in [(easterMonday, 1), (ascension, 4), (whitMonday, 1)] {
            #expect(FrenchHolidays.isHoliday(day(text)), "\(text)")
            #expect(day(text).isoWeekday == weekday, "\(text)")
        }
        // Easter Sunday itself and Whit Sunday are Sundays, not extra holidays; Good Friday only in Alsace-Moselle.
        let easter = FrenchHolidays.easterSunday(year: year)
        #expect(!FrenchHolidays.isHoliday(easter.adding(days: -2), region: .france))
        #expect(FrenchHolidays.isHoliday(easter.adding(days: -2), region: .alsaceMoselle))
        #expect(!FrenchHolidays.isHoliday(easter.adding(days: -1), region: .alsaceMoselle))
        #expect(!FrenchHolidays.isHoliday(easter.adding(days: 2), region: .alsaceMoselle))
    }

    @Test("26 December and Good Friday are ordinary days outside Alsace-Moselle")
    func extrasOnlyInAlsaceMoselle() {
        #expect(!FrenchHolidays.isHoliday(day("2025-12-26"), region: .france))
        #expect(FrenchHolidays.isHoliday(day("2025-12-26"), region: .alsaceMoselle))
        #expect(!FrenchHolidays.isHoliday(day("2026-04-03"), region: .france))
        #expect(FrenchHolidays.isHoliday(day("2026-04-03"), region: .alsaceMoselle))
        #expect(HolidayRegion(rawValue: "alsace-moselle") == .alsaceMoselle)
        #expect(HolidayRegion(rawValue: "france") == .france)
    }
}
