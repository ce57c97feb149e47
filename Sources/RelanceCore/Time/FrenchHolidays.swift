/// French public holidays ("jours fériés"), computed for any year.
public enum HolidayRegion: String, Sendable, CaseIterable {
    /// The eleven national holidays.
    case france
    /// Alsace and Moselle add Good Friday and 26 December.
    case alsaceMoselle = "alsace-moselle"
}

public enum FrenchHolidays {
    /// Easter Sunday (Gregorian), by the anonymous Gregorian computus (Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> CivilDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: year, month: month, day: day)
    }

    /// Every holiday of `year` with its French name.
    public static func holidays(year: Int, region: HolidayRegion = .france) -> [(date: CivilDate, name: String)] {
        let easter = easterSunday(year: year)
        var days: [(CivilDate, String)] = [
            (CivilDate(year: year, month: 1, day: 1), "Jour de l'an"),
            (easter.adding(days: 1), "Lundi de Pâques"),
            (CivilDate(year: year, month: 5, day: 1), "Fête du Travail"),
            (CivilDate(year: year, month: 5, day: 8), "Victoire 1945"),
            (easter.adding(days: 39), "Ascension"),
            (easter.adding(days: 50), "Lundi de Pentecôte"),
            (CivilDate(year: year, month: 7, day: 14), "Fête nationale"),
            (CivilDate(year: year, month: 8, day: 15), "Assomption"),
            (CivilDate(year: year, month: 11, day: 1), "Toussaint"),
            (CivilDate(year: year, month: 11, day: 11), "Armistice 1918"),
            (CivilDate(year: year, month: 12, day: 25), "Noël"),
        ]
        if region == .alsaceMoselle {
            days.append((easter.adding(days: -2), "Vendredi saint"))
            days.append((CivilDate(year: year, month: 12, day: 26), "Saint-Étienne"))
        }
        return days.sorted { $0.0 < $1.0 }.map { (date: $0.0, name: $0.1) }
    }

    public static func isHoliday(_ date: CivilDate, region: HolidayRegion = .france) -> Bool {
        switch (date.month, date.day) {
        case (1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25): return true
        case (12, 26): return region == .alsaceMoselle
        default: break
        }
        guard (3...6).contains(date.month) else { return false }
        let offset = date.daysSinceEpoch - easterSunday(year: date.year).daysSinceEpoch
        return offset == 1 || offset == 39 || offset == 50 || (region == .alsaceMoselle && offset == -2)
    }
}
