import Foundation
import Testing
import PropertyBased
import RelanceCore

/// A random practitioner calendar around a random instant of 2024–2030.
struct CalendarScenario: Sendable, CustomStringConvertible {
    var start: Int            // seconds since 1970, UTC
    var days: Int             // business days to add
    var zone: String
    var region: HolidayRegion
    /// Closures as (first day, length) relative to the start's UTC date.
    var closures: [(offset: Int, length: Int)]

    var instant: Date { Date(timeIntervalSince1970: TimeInterval(start)) }

    var calendar: BusinessCalendar {
        let base = CivilDate(daysSinceEpoch: start / 86_400)
        return RelanceCoreTests.calendar(zone, region: region, closures: closures.map {
            (base.adding(days: $0.offset).description, base.adding(days: $0.offset + $0.length).description)
        })
    }

    var description: String {
        "\(Timestamp.format(instant)) + \(days) in \(zone) (\(region.rawValue)), closures \(closures)"
    }
}

enum CalendarGen {
    static let from2024 = 1_704_067_200   // 2024-01-01T00:00:00Z
    static let to2030 = 1_924_991_999     // 2030-12-31T23:59:59Z

    static let frenchZones = [
        "Europe/Paris", "Europe/Paris", "Europe/Paris", "Europe/Paris", "America/Martinique", "America/Guadeloupe",
        "America/Cayenne", "Indian/Reunion", "Indian/Mayotte", "Pacific/Noumea", "Pacific/Tahiti", "America/Miquelon",
    ]

    /// The DST changes 2024–2030 of Paris (last Sundays of March and October), as UTC dates.
    static let dstSundays: [Int] = (2024...2030).flatMap { year -> [Int] in
        [3, 10].map { month in
            var d = CivilDate(year: year, month: month, day: 31)
            while d.isoWeekday != 7 { d = d.adding(days: -1) }
            return d.daysSinceEpoch * 86_400
        }
    }

    static func scenario(zones: [String], instants: Generator<Int, some SendableSequenceType>, days: ClosedRange<Int>)
        -> Generator<CalendarScenario, some SendableSequenceType> {
        zip(instants, Gen.int(in: days), Gen.int(in: 0...(zones.count - 1)), Gen<HolidayRegion>.case,
            zip(Gen.int(in: -20...40), Gen.int(in: 0...15)).array(of: 0...4))
            .map { t in
                CalendarScenario(start: t.0, days: t.1, zone: zones[t.2], region: t.3,
                                 closures: t.4.map { (offset: $0.0, length: $0.1) })
            }
    }

    /// Instants anywhere in 2024–2030.
    static var anyInstant: Generator<Int, some SendableSequenceType> { Gen.int(in: from2024...to2030) }

    /// Instants in the ten days before a Paris DST change, up to two days after.
    static var nearDST: Generator<Int, some SendableSequenceType> {
        zip(Gen.int(in: 0...(dstSundays.count - 1)), Gen.int(in: -10 * 86_400...2 * 86_400))
            .map { t in dstSundays[t.0] + t.1 }
    }
}

/// Business wall-clock seconds between two instants on a calendar, day by day.
func businessSeconds(on cal: BusinessCalendar, from a: Date, to b: Date) -> Int {
    let (d1, s1) = cal.local(a), (d2, s2) = cal.local(b)
    var total = 0
    var d = d1
    while d <= d2 {
        let from = d == d1 ? s1 : 0
        let to = d == d2 ? s2 : 86_400
        if cal.isBusinessDay(d), to > from { total += to - from }
        d = d.adding(days: 1)
    }
    return total
}

@Suite("BusinessCalendar properties")
struct CalendarPropertyTests {
    static let zones = CalendarGen.frenchZones
    static let dstZones = ["Europe/Paris", "America/Miquelon", "Asia/Jerusalem"]

    @Test("(a) monotonic in the start: t1 ≤ t2 ⇒ add(n, t1) ≤ add(n, t2)")
    func monotonicInStart() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 0...12),
                            Gen.int(in: 0...(21 * 86_400))) { s, delta in
            let cal = s.calendar
            let t1 = s.instant, t2 = s.instant.addingTimeInterval(TimeInterval(delta))
            #expect(cal.adding(businessDays: s.days, to: t1) <= cal.adding(businessDays: s.days, to: t2), "\(s), +\(delta)s")
        }
    }

    @Test("(a) monotonic in the start, one to three hours apart, near DST changes")
    func monotonicNearDST() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.dstZones, instants: CalendarGen.nearDST, days: 0...6),
                            Gen.int(in: 0...(3 * 3600))) { s, delta in
            let cal = s.calendar
            let t1 = s.instant, t2 = s.instant.addingTimeInterval(TimeInterval(delta))
            #expect(cal.adding(businessDays: s.days, to: t1) <= cal.adding(businessDays: s.days, to: t2), "\(s), +\(delta)s")
        }
    }

    @Test("(a) monotonic in the count: n ≤ m ⇒ add(n, t) ≤ add(m, t)")
    func monotonicInCount() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 0...12),
                            Gen.int(in: 0...10)) { s, extra in
            let cal = s.calendar
            let n = cal.adding(businessDays: s.days, to: s.instant)
            let m = cal.adding(businessDays: s.days + extra, to: s.instant)
            #expect(n <= m, "\(s), m = n + \(extra)")
            if extra > 0 { #expect(n < m, "\(s), m = n + \(extra)") }
        }
    }

    @Test("(b) the result never lies strictly inside a non-business day")
    func landsOnBusinessTime() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 1...12)) { s in
            let cal = s.calendar
            let r = cal.adding(businessDays: s.days, to: s.instant)
            let (date, seconds) = cal.local(r)
            #expect(cal.isBusinessDay(date) || seconds == 0, "\(s) → \(wall(r, on: cal))")
        }
    }

    @Test("(b) near DST changes too")
    func landsOnBusinessTimeNearDST() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.dstZones, instants: CalendarGen.nearDST, days: 1...6)) { s in
            let cal = s.calendar
            let r = cal.adding(businessDays: s.days, to: s.instant)
            let (date, seconds) = cal.local(r)
            #expect(cal.isBusinessDay(date) || seconds == 0, "\(s) → \(wall(r, on: cal))")
        }
    }

    @Test("(c) add(n, t) ≥ t + n × 23 h")
    func atLeast23HoursADay() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 0...12)) { s in
            let r = s.calendar.adding(businessDays: s.days, to: s.instant)
            #expect(r >= s.instant.addingTimeInterval(TimeInterval(s.days * 23 * 3600)), "\(s)")
        }
    }

    @Test("(c) near DST changes too")
    func atLeast23HoursADayNearDST() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.dstZones, instants: CalendarGen.nearDST, days: 0...6)) { s in
            let r = s.calendar.adding(businessDays: s.days, to: s.instant)
            #expect(r >= s.instant.addingTimeInterval(TimeInterval(s.days * 23 * 3600)), "\(s)")
        }
    }

    @Test("exactly n × 24 wall hours of business time lie between t and add(n, t)")
    func exactBusinessTime() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 1...12)) { s in
            let cal = s.calendar
            let r = cal.adding(businessDays: s.days, to: s.instant)
            #expect(businessSeconds(on: cal, from: s.instant, to: r) == s.days * 86_400, "\(s) → \(wall(r, on: cal))")
            // And not one second less: one second earlier is short of the count.
            #expect(businessSeconds(on: cal, from: s.instant, to: r.addingTimeInterval(-1)) < s.days * 86_400, "\(s)")
        }
    }

    @Test("adding in two steps is adding at once: add(m, add(n, t)) = add(n + m, t)")
    func composes() async {
        await propertyCheck(count: 200, input: CalendarGen.scenario(zones: Self.zones, instants: CalendarGen.anyInstant, days: 0...8),
                            Gen.int(in: 0...8)) { s, m in
            let cal = s.calendar
            let twoSteps = cal.adding(businessDays: m, to: cal.adding(businessDays: s.days, to: s.instant))
            #expect(twoSteps == cal.adding(businessDays: s.days + m, to: s.instant), "\(s), then + \(m)")
        }
    }

    @Test("without holidays, weekends or closures nearby, local wall time is preserved")
    func wallTimePreserved() async {
        // Mondays to Wednesdays of weeks with no holiday, + 1 or 2 days, in Paris: same wall time.
        await propertyCheck(count: 200, input: Gen.int(in: 0...(CalendarGen.dstSundays.count - 1)),
                            Gen.int(in: 1...2), Gen.int(in: 0...(86_400 - 1))) { i, n, seconds in
            let cal = calendar()
            // The Monday of the week before each DST Sunday, or six days after it.
            let sunday = CivilDate(daysSinceEpoch: CalendarGen.dstSundays[i] / 86_400)
            for monday in [sunday.adding(days: -6), sunday.adding(days: 1)] where
                (0..<3).allSatisfy({ cal.isBusinessDay(monday.adding(days: $0)) }) {
                let start = cal.instant(monday, seconds: seconds)
                let r = cal.adding(businessDays: n, to: start)
                #expect(cal.local(r).date == monday.adding(days: n))
                #expect(cal.local(r).seconds == cal.local(start).seconds)
            }
        }
    }
}
