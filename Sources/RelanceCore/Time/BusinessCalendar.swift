import Foundation

/// One practitioner's working calendar: their time zone, French public
/// holidays, weekends and their closures.
///
/// Business time is counted in wall-clock terms: every local day is 24 wall
/// hours long, so a 23 h or 25 h DST day still counts as one whole day, and
/// "Friday 16:00 + 2 business days" is Tuesday 16:00 whatever the clocks did.
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    public let region: HolidayRegion
    public let closures: [ClosedRange<CivilDate>]

    public init(timeZone: TimeZone, region: HolidayRegion = .france, closures: [ClosedRange<CivilDate>] = []) {
        self.timeZone = timeZone
        self.region = region
        self.closures = closures
    }

    public func isClosed(on date: CivilDate) -> Bool {
        closures.contains { $0.contains(date) }
    }

    /// The closure containing `date`, if any (the one ending last when they overlap).
    public func closure(on date: CivilDate) -> ClosedRange<CivilDate>? {
        closures.filter { $0.contains(date) }.max { $0.upperBound < $1.upperBound }
    }

    public func isBusinessDay(_ date: CivilDate) -> Bool {
        !date.isWeekend && !FrenchHolidays.isHoliday(date, region: region) && !isClosed(on: date)
    }

    /// The local date and the wall-clock seconds since local midnight of `instant`.
    public func local(_ instant: Date) -> (date: CivilDate, seconds: Int) {
        let t = Int(instant.timeIntervalSince1970.rounded(.down))
        let wall = t + timeZone.secondsFromGMT(for: instant)
        let day = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (CivilDate(daysSinceEpoch: day), wall - day * 86_400)
    }

    /// The instant at which local wall-clock time reads `seconds` after midnight of `date`.
    /// In a DST gap (a wall time that does not exist) it is the instant the gap ends.
    public func instant(_ date: CivilDate, seconds: Int) -> Date {
        let wall = date.daysSinceEpoch * 86_400 + seconds
        var utc = wall - timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
        utc = wall - offset
        // In a spring-forward gap no instant reads `wall`: the gap ends at the first
        // instant whose wall clock reads later (wall clock ≤ `wall` at lo, > at hi).
        if local(Date(timeIntervalSince1970: TimeInterval(utc))).seconds != seconds % 86_400 {
            var lo = wall - 18 * 3600, hi = wall + 18 * 3600
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if mid + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(mid))) > wall { hi = mid } else { lo = mid }
            }
            utc = hi
        }
        return Date(timeIntervalSince1970: TimeInterval(utc))
    }

    /// Local midnight starting `date`.
    public func startOfDay(_ date: CivilDate) -> Date { instant(date, seconds: 0) }

    /// The instant when `days` × 24 h of business-day time has elapsed since `start`.
    ///
    /// Saturday 10:00 + 2 business days = Wednesday 00:00 (the end of Tuesday).
    public func adding(businessDays days: Int, to start: Date) -> Date {
        precondition(days >= 0, "business days must not be negative")
        var (date, seconds) = local(start)
        var remaining = days * 86_400
        if remaining == 0 { return start }
        // A holiday block never lasts long; the bound only guards against a
        // practitioner closed for decades.
        for _ in 0..<40_000 {
            if isBusinessDay(date) {
                let available = 86_400 - seconds
                if remaining < available { return instant(date, seconds: seconds + remaining) }
                remaining -= available
                if remaining == 0 { return startOfDay(date.adding(days: 1)) }
            }
            date = date.adding(days: 1)
            seconds = 0
        }
        return instant(date, seconds: 0)
    }

    /// Adds a configured duration: fixed durations as elapsed time, business days on this calendar.
    public func adding(_ duration: DurationSpec, to start: Date) -> Date {
        switch duration {
        case .seconds(let s): return start.addingTimeInterval(TimeInterval(s))
        case .businessDays(let n): return adding(businessDays: n, to: start)
        }
    }
}
