import Foundation
import RelanceCore

/// Whole seconds since 1970, the generator's time unit.
func seconds(_ date: Date) -> Int { Int(date.timeIntervalSince1970.rounded(.down)) }
func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

/// Moves generated instants to when people plausibly act, on a practitioner's local calendar.
/// Every function returns an instant at or after the one it is given.
enum DemoTime {
    static let hour = 3600, day = 86_400

    /// A practitioner's action: between 08:00 and 20:00, mostly on weekdays.
    static func working(_ t: Int, _ calendar: BusinessCalendar, using rng: inout SplitMix64) -> Int {
        let local = calendar.local(date(t))
        var day = local.date, moved = false
        if local.seconds >= 20 * hour { day = day.adding(days: 1); moved = true }
        if day.isWeekend, rng.chance(0.85) {
            while day.isWeekend { day = day.adding(days: 1) }
            moved = true
        }
        guard moved || local.seconds < 8 * hour else { return t }
        return max(t, seconds(calendar.instant(day, seconds: 8 * hour + rng.int(0..<2 * hour))))
    }

    /// A patient's action: not between midnight and 07:00.
    static func awake(_ t: Int, _ calendar: BusinessCalendar, using rng: inout SplitMix64) -> Int {
        let local = calendar.local(date(t))
        guard local.seconds < 7 * hour else { return t }
        return max(t, seconds(calendar.instant(local.date, seconds: 7 * hour + rng.int(0..<2 * hour))))
    }

    /// A scheduled send: the first quarter hour at or after `t` that falls
    /// between 08:00 and 20:00 on a weekday.
    static func slot(_ t: Int, _ calendar: BusinessCalendar) -> Int {
        var (day, secondsOfDay) = calendar.local(date(t))
        secondsOfDay = (secondsOfDay + 899) / 900 * 900
        if secondsOfDay >= 20 * hour { day = day.adding(days: 1); secondsOfDay = 8 * hour }
        secondsOfDay = max(secondsOfDay, 8 * hour)
        while day.isWeekend { day = day.adding(days: 1); secondsOfDay = 8 * hour }
        let slot = seconds(calendar.instant(day, seconds: secondsOfDay))
        return slot >= t ? slot : t
    }
}
