import Foundation
import RelanceCore

/// Dates as the recipient reads them, in their time zone and language:
/// "lundi 18 mai 2026 à 16h00", "Monday 18 May 2026 at 16:00".
enum LocalDate {
    static let frDays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    static let frMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                           "septembre", "octobre", "novembre", "décembre"]
    static let enDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let enMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                           "September", "October", "November", "December"]

    static func day(_ d: CivilDate, locale: String) -> String {
        locale == "en"
            ? "\(enDays[d.isoWeekday - 1]) \(d.day) \(enMonths[d.month - 1]) \(d.year)"
            : "\(frDays[d.isoWeekday - 1]) \(d.day == 1 ? "1er" : String(d.day)) \(frMonths[d.month - 1]) \(d.year)"
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    static func dateTime(_ instant: Date, timezone: String, locale: String) -> String {
        let zone = Zones.named(timezone)
        let (d, s) = BusinessCalendar(timeZone: zone).local(instant)
        let h = s / 3600, m = s / 60 % 60
        return locale == "en"
            ? "\(day(d, locale: locale)) at \(two(h)):\(two(m))"
            : "\(day(d, locale: locale)) à \(h)h\(two(m))"
    }
}
