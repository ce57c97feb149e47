import Foundation
import Testing
import RelanceCore

@Suite("BusinessCalendar")
struct BusinessCalendarTests {
    // MARK: Holidays

    @Test("a request the business day before each weekday holiday 2024–2030 (16:00 Paris + 2)",
          arguments: holidayBusinessCases)
    func beforeEachHoliday(c: BusinessCase) { c.check() }

    @Test("Alsace-Moselle: Good Friday and 26 December (16:00 + 2)", arguments: alsaceMoselleBusinessCases)
    func alsaceMoselle(c: BusinessCase) { c.check() }

    @Test("the holiday table covers every weekday holiday")
    func tableIsComplete() {
        let weekdayHolidays = holidayTable.filter { $0.region == .france && !day($0.date).isWeekend }
        #expect(holidayBusinessCases.count == weekdayHolidays.count)
        #expect(holidayBusinessCases.map(\.name) == weekdayHolidays.map { "\($0.name) \($0.date.prefix(4))" })
        // The Alsace-Moselle extras do not move a national calendar.
        let national = calendar()
        for c in alsaceMoselleBusinessCases {
            let due = national.adding(businessDays: 2, to: ts(c.start))
            #expect(due < ts(c.due), "\(c.name)")
        }
    }

    @Test("the example of the brief: Wednesday before Ascension 2026")
    func ascension2026() {
        let cal = calendar()
        let start = ts("2026-05-13T14:00:00Z")  // Wednesday 16:00 Paris
        #expect(wall(start, on: cal) == "2026-05-13 16:00:00")
        #expect(cal.adding(businessDays: 2, to: start) == ts("2026-05-18T14:00:00Z"))  // Monday 16:00
        #expect(cal.adding(businessDays: 1, to: start) == ts("2026-05-15T14:00:00Z"))  // Friday 16:00
    }

    // MARK: Weekdays and weekends

    static let basicCases: [BusinessCase] = [
        BusinessCase("Friday 16:00 + 2 = Tuesday 16:00", start: "2026-03-06T15:00:00Z", local: "2026-03-06 16:00",
                     due: "2026-03-10T15:00:00Z", dueLocal: "2026-03-10 16:00"),
        BusinessCase("Saturday 10:00 + 2 = Wednesday 00:00", start: "2026-03-07T09:00:00Z", local: "2026-03-07 10:00",
                     due: "2026-03-10T23:00:00Z", dueLocal: "2026-03-11 00:00"),
        BusinessCase("Sunday 23:59:59 + 1 = Tuesday 00:00", start: "2026-03-08T22:59:59Z", local: "2026-03-08 23:59:59",
                     due: "2026-03-09T23:00:00Z", dueLocal: "2026-03-10 00:00", days: 1),
        BusinessCase("Monday 00:00 + 1 = Tuesday 00:00", start: "2026-03-08T23:00:00Z", local: "2026-03-09 00:00",
                     due: "2026-03-09T23:00:00Z", dueLocal: "2026-03-10 00:00", days: 1),
        BusinessCase("Monday 09:00 + 1 = Tuesday 09:00", start: "2026-03-09T08:00:00Z", local: "2026-03-09 09:00",
                     due: "2026-03-10T08:00:00Z", dueLocal: "2026-03-10 09:00", days: 1),
        BusinessCase("Monday 16:00 + 3 = Thursday 16:00", start: "2026-03-09T15:00:00Z", local: "2026-03-09 16:00",
                     due: "2026-03-12T15:00:00Z", dueLocal: "2026-03-12 16:00", days: 3),
        BusinessCase("Wednesday 10:00 + 5 = next Wednesday 10:00", start: "2026-03-11T09:00:00Z", local: "2026-03-11 10:00",
                     due: "2026-03-18T09:00:00Z", dueLocal: "2026-03-18 10:00", days: 5),
        BusinessCase("Friday 00:00 + 1 = Saturday 00:00 (the end of Friday)", start: "2026-03-05T23:00:00Z",
                     local: "2026-03-06 00:00", due: "2026-03-06T23:00:00Z", dueLocal: "2026-03-07 00:00", days: 1),
        BusinessCase("Friday 23:59:59 + 1 = Monday 23:59:59", start: "2026-03-06T22:59:59Z", local: "2026-03-06 23:59:59",
                     due: "2026-03-09T22:59:59Z", dueLocal: "2026-03-09 23:59:59", days: 1),
        BusinessCase("Friday 16:00 + 1 = Monday 16:00", start: "2026-03-06T15:00:00Z", local: "2026-03-06 16:00",
                     due: "2026-03-09T15:00:00Z", dueLocal: "2026-03-09 16:00", days: 1),
        BusinessCase("Friday 16:00 + 10 = Friday 16:00 two weeks later", start: "2026-03-06T15:00:00Z",
                     local: "2026-03-06 16:00", due: "2026-03-20T15:00:00Z", dueLocal: "2026-03-20 16:00", days: 10),
        BusinessCase("Wednesday before Ascension 16:00 + 1 = Friday 16:00 (the bridge day counts)",
                     start: "2026-05-13T14:00:00Z", local: "2026-05-13 16:00",
                     due: "2026-05-15T14:00:00Z", dueLocal: "2026-05-15 16:00", days: 1),
    ]

    @Test("weekdays and weekends", arguments: basicCases)
    func basics(c: BusinessCase) { c.check() }

    @Test("0 business days is the start itself, whatever day it is", arguments: [
        "2026-03-06T15:00:00Z", "2026-03-07T09:00:00Z", "2026-05-14T08:00:00Z", "2026-03-29T01:30:00Z",
        "2026-10-25T00:30:00Z", "2026-06-02T13:00:00Z",
    ])
    func zero(start: String) {
        let cal = calendar(closures: [("2026-06-01", "2026-06-05")])
        #expect(cal.adding(businessDays: 0, to: ts(start)) == ts(start))
        let fractional = ts(start).addingTimeInterval(0.25)
        #expect(cal.adding(businessDays: 0, to: fractional) == fractional)
        #expect(cal.adding(.businessDays(0), to: ts(start)) == ts(start))
    }

    // MARK: A start inside a holiday

    static let insideHolidayCases: [BusinessCase] = [
        BusinessCase("Ascension Thursday 10:00 + 1 = Saturday 00:00", start: "2026-05-14T08:00:00Z",
                     local: "2026-05-14 10:00", due: "2026-05-15T22:00:00Z", dueLocal: "2026-05-16 00:00", days: 1),
        BusinessCase("Ascension Thursday 10:00 + 2 = Tuesday 00:00", start: "2026-05-14T08:00:00Z",
                     local: "2026-05-14 10:00", due: "2026-05-18T22:00:00Z", dueLocal: "2026-05-19 00:00"),
        BusinessCase("Christmas Friday 11:00 + 1 = Tuesday 00:00", start: "2026-12-25T10:00:00Z",
                     local: "2026-12-25 11:00", due: "2026-12-28T23:00:00Z", dueLocal: "2026-12-29 00:00", days: 1),
        BusinessCase("Whit Monday 08:00 + 2 = Thursday 00:00", start: "2026-05-25T06:00:00Z",
                     local: "2026-05-25 08:00", due: "2026-05-27T22:00:00Z", dueLocal: "2026-05-28 00:00"),
        BusinessCase("Labour Day Friday 09:00 + 1 = Tuesday 00:00", start: "2026-05-01T07:00:00Z",
                     local: "2026-05-01 09:00", due: "2026-05-04T22:00:00Z", dueLocal: "2026-05-05 00:00", days: 1),
        BusinessCase("New Year's Day 2027 (Friday) 00:00 + 2 = Wednesday 00:00", start: "2026-12-31T23:00:00Z",
                     local: "2027-01-01 00:00", due: "2027-01-05T23:00:00Z", dueLocal: "2027-01-06 00:00"),
        BusinessCase("Good Friday in Alsace-Moselle 10:00 + 1 = Wednesday 00:00 (Easter Monday too)",
                     start: "2026-04-03T08:00:00Z", local: "2026-04-03 10:00",
                     due: "2026-04-07T22:00:00Z", dueLocal: "2026-04-08 00:00", days: 1, region: .alsaceMoselle),
    ]

    @Test("a start inside a holiday counts from the next business day", arguments: insideHolidayCases)
    func insideHoliday(c: BusinessCase) { c.check() }

    // MARK: Closures

    static let closureCases: [BusinessCase] = [
        BusinessCase("no closure: Monday 10:00 + 2 = Wednesday 10:00", start: "2026-06-01T08:00:00Z",
                     local: "2026-06-01 10:00", due: "2026-06-03T08:00:00Z", dueLocal: "2026-06-03 10:00"),
        BusinessCase("a closure Tuesday–Friday starting during the wait", start: "2026-06-01T08:00:00Z",
                     local: "2026-06-01 10:00", due: "2026-06-09T08:00:00Z", dueLocal: "2026-06-09 10:00",
                     closures: ["2026-06-02"..."2026-06-05"]),
        BusinessCase("a one-day closure on Tuesday", start: "2026-06-01T08:00:00Z", local: "2026-06-01 10:00",
                     due: "2026-06-04T08:00:00Z", dueLocal: "2026-06-04 10:00", closures: ["2026-06-02"..."2026-06-02"]),
        BusinessCase("a closure starting on the due day", start: "2026-06-01T08:00:00Z", local: "2026-06-01 10:00",
                     due: "2026-06-15T08:00:00Z", dueLocal: "2026-06-15 10:00", closures: ["2026-06-03"..."2026-06-12"]),
        BusinessCase("a closure starting the day after the due day changes nothing", start: "2026-06-01T08:00:00Z",
                     local: "2026-06-01 10:00", due: "2026-06-03T08:00:00Z", dueLocal: "2026-06-03 10:00",
                     closures: ["2026-06-04"..."2026-06-20"]),
        BusinessCase("a closure that ended before the start changes nothing", start: "2026-06-01T08:00:00Z",
                     local: "2026-06-01 10:00", due: "2026-06-03T08:00:00Z", dueLocal: "2026-06-03 10:00",
                     closures: ["2026-05-18"..."2026-05-29"]),
        BusinessCase("a start inside a closure", start: "2026-06-02T13:00:00Z", local: "2026-06-02 15:00",
                     due: "2026-06-09T22:00:00Z", dueLocal: "2026-06-10 00:00", closures: ["2026-06-01"..."2026-06-05"]),
        BusinessCase("overlapping closures", start: "2026-06-01T08:00:00Z", local: "2026-06-01 10:00",
                     due: "2026-06-08T08:00:00Z", dueLocal: "2026-06-08 10:00",
                     closures: ["2026-06-02"..."2026-06-03", "2026-06-03"..."2026-06-04"]),
        BusinessCase("a summer closure around 14 July", start: "2026-07-03T14:00:00Z", local: "2026-07-03 16:00",
                     due: "2026-07-21T14:00:00Z", dueLocal: "2026-07-21 16:00", closures: ["2026-07-06"..."2026-07-17"]),
        BusinessCase("a closure across New Year", start: "2026-12-18T15:00:00Z", local: "2026-12-18 16:00",
                     due: "2027-01-06T15:00:00Z", dueLocal: "2027-01-06 16:00", closures: ["2026-12-21"..."2027-01-04"]),
    ]

    @Test("closures never count as business days", arguments: closureCases)
    func closures(c: BusinessCase) { c.check() }

    @Test("a closure starting during the wait moves the due date later")
    func closureExtends() {
        let start = ts("2026-06-01T08:00:00Z")
        let open = calendar().adding(businessDays: 2, to: start)
        for closure in [("2026-06-02", "2026-06-02"), ("2026-06-03", "2026-06-03"), ("2026-06-01", "2026-06-30")] {
            let closed = calendar(closures: [closure]).adding(businessDays: 2, to: start)
            #expect(closed > open, "\(closure)")
        }
    }

    // MARK: Daylight saving time

    static let dstCases: [BusinessCase] = [
        BusinessCase("spring: Friday 16:00 CET + 2 = Tuesday 16:00 CEST", start: "2026-03-27T15:00:00Z",
                     local: "2026-03-27 16:00", due: "2026-03-31T14:00:00Z", dueLocal: "2026-03-31 16:00"),
        BusinessCase("spring: Thursday 16:00 CET + 2 = Monday 16:00 CEST", start: "2026-03-26T15:00:00Z",
                     local: "2026-03-26 16:00", due: "2026-03-30T14:00:00Z", dueLocal: "2026-03-30 16:00"),
        BusinessCase("spring: Saturday 10:00 CET + 2 = Wednesday 00:00 CEST", start: "2026-03-28T09:00:00Z",
                     local: "2026-03-28 10:00", due: "2026-03-31T22:00:00Z", dueLocal: "2026-04-01 00:00"),
        BusinessCase("spring: Sunday 03:30 CEST, just after the change, + 1 = Tuesday 00:00", start: "2026-03-29T01:30:00Z",
                     local: "2026-03-29 03:30", due: "2026-03-30T22:00:00Z", dueLocal: "2026-03-31 00:00", days: 1),
        BusinessCase("autumn: Friday 16:00 CEST + 2 = Tuesday 16:00 CET", start: "2026-10-23T14:00:00Z",
                     local: "2026-10-23 16:00", due: "2026-10-27T15:00:00Z", dueLocal: "2026-10-27 16:00"),
        BusinessCase("autumn: Thursday 16:00 CEST + 2 = Monday 16:00 CET", start: "2026-10-22T14:00:00Z",
                     local: "2026-10-22 16:00", due: "2026-10-26T15:00:00Z", dueLocal: "2026-10-26 16:00"),
        BusinessCase("autumn: Saturday 10:00 CEST + 2 = Wednesday 00:00 CET", start: "2026-10-24T08:00:00Z",
                     local: "2026-10-24 10:00", due: "2026-10-27T23:00:00Z", dueLocal: "2026-10-28 00:00"),
        BusinessCase("autumn: Sunday 02:30 (first time) + 1 = Tuesday 00:00", start: "2026-10-25T00:30:00Z",
                     local: "2026-10-25 02:30", due: "2026-10-26T23:00:00Z", dueLocal: "2026-10-27 00:00", days: 1),
        BusinessCase("autumn: Sunday 02:30 (second time) + 1 = Tuesday 00:00", start: "2026-10-25T01:30:00Z",
                     local: "2026-10-25 02:30", due: "2026-10-26T23:00:00Z", dueLocal: "2026-10-27 00:00", days: 1),
    ]

    @Test("DST weekends 2026 keep the local wall time", arguments: dstCases)
    func dst(c: BusinessCase) { c.check() }

    @Test("across a DST change the elapsed time differs by exactly one hour")
    func dstElapsed() {
        let cal = calendar()
        let spring = ts("2026-03-27T15:00:00Z")
        let autumn = ts("2026-10-23T14:00:00Z")
        let plain = ts("2026-03-06T15:00:00Z")
        let elapsed = { (t: Date) in cal.adding(businessDays: 2, to: t).timeIntervalSince(t) / hour }
        #expect(elapsed(plain) == 96)
        #expect(elapsed(spring) == 95)
        #expect(elapsed(autumn) == 97)
    }

    // MARK: Practitioners in other zones

    static let zoneCases: [BusinessCase] = [
        BusinessCase("Martinique: Friday 16:00 + 2 = Tuesday 16:00, no DST", start: "2026-03-27T20:00:00Z",
                     local: "2026-03-27 16:00", due: "2026-03-31T20:00:00Z", dueLocal: "2026-03-31 16:00",
                     zone: "America/Martinique"),
        BusinessCase("Martinique: Wednesday before Ascension 16:00 + 2 = Monday 16:00", start: "2026-05-13T20:00:00Z",
                     local: "2026-05-13 16:00", due: "2026-05-18T20:00:00Z", dueLocal: "2026-05-18 16:00",
                     zone: "America/Martinique"),
        BusinessCase("Martinique: the local date decides (Wednesday 22:00 while Paris is on Ascension)",
                     start: "2026-05-14T02:00:00Z", local: "2026-05-13 22:00",
                     due: "2026-05-16T02:00:00Z", dueLocal: "2026-05-15 22:00", days: 1, zone: "America/Martinique"),
        BusinessCase("Paris, same instant: already Ascension Thursday", start: "2026-05-14T02:00:00Z",
                     local: "2026-05-14 04:00", due: "2026-05-15T22:00:00Z", dueLocal: "2026-05-16 00:00", days: 1),
        BusinessCase("Réunion: Wednesday before Ascension 16:00 + 2 = Monday 16:00", start: "2026-05-13T12:00:00Z",
                     local: "2026-05-13 16:00", due: "2026-05-18T12:00:00Z", dueLocal: "2026-05-18 16:00",
                     zone: "Indian/Reunion"),
        BusinessCase("Réunion: Friday 16:00 + 2 = Tuesday 16:00 across the Paris DST weekend", start: "2026-03-27T12:00:00Z",
                     local: "2026-03-27 16:00", due: "2026-03-31T12:00:00Z", dueLocal: "2026-03-31 16:00",
                     zone: "Indian/Reunion"),
        BusinessCase("Nouméa: Friday 16:00 + 2 = Tuesday 16:00", start: "2026-10-23T05:00:00Z",
                     local: "2026-10-23 16:00", due: "2026-10-27T05:00:00Z", dueLocal: "2026-10-27 16:00",
                     zone: "Pacific/Noumea"),
        BusinessCase("Tahiti: Christmas Eve 16:00 + 2 = Tuesday 29 16:00", start: "2026-12-25T02:00:00Z",
                     local: "2026-12-24 16:00", due: "2026-12-30T02:00:00Z", dueLocal: "2026-12-29 16:00",
                     zone: "Pacific/Tahiti"),
        BusinessCase("Saint-Pierre-et-Miquelon: Friday 16:00 + 2 across its own DST change", start: "2026-03-06T19:00:00Z",
                     local: "2026-03-06 16:00", due: "2026-03-10T18:00:00Z", dueLocal: "2026-03-10 16:00",
                     zone: "America/Miquelon"),
    ]

    @Test("a practitioner in another zone counts in their local time", arguments: zoneCases)
    func otherZones(c: BusinessCase) { c.check() }

    // MARK: A DST change on a business day

    @Test("a due time inside a weekday DST gap is the end of the gap (Asia/Jerusalem, Friday 27 March 2026)")
    func weekdayGap() {
        let cal = calendar("Asia/Jerusalem")
        // Thursday 02:30 IST + 1 = Friday 02:30, which does not exist: clocks go 02:00 → 03:00.
        let inGap = cal.adding(businessDays: 1, to: ts("2026-03-26T00:30:00Z"))
        #expect(inGap == ts("2026-03-27T00:00:00Z"))
        #expect(wall(inGap, on: cal) == "2026-03-27 03:00:00")
        // Earlier starts are due no later (monotonic).
        let before = cal.adding(businessDays: 1, to: ts("2026-03-25T23:45:00Z"))  // Thursday 01:45
        #expect(before == ts("2026-03-26T23:45:00Z"))
        #expect(before <= inGap)
        let after = cal.adding(businessDays: 1, to: ts("2026-03-26T01:15:00Z"))  // Thursday 03:15 → Friday 03:15 IDT
        #expect(after == ts("2026-03-27T00:15:00Z"))
        #expect(inGap <= after)
    }

    // MARK: local and instant

    @Test("local date and wall-clock seconds", arguments: [
        ("2026-03-29T00:59:59Z", "2026-03-29 01:59:59"),
        ("2026-03-29T01:00:00Z", "2026-03-29 03:00:00"),
        ("2026-10-25T00:30:00Z", "2026-10-25 02:30:00"),
        ("2026-10-25T00:59:59Z", "2026-10-25 02:59:59"),
        ("2026-10-25T01:00:00Z", "2026-10-25 02:00:00"),
        ("2026-10-25T01:30:00Z", "2026-10-25 02:30:00"),
        ("2026-12-31T23:00:00Z", "2027-01-01 00:00:00"),
        ("2026-12-31T22:59:59Z", "2026-12-31 23:59:59"),
        ("1969-12-31T22:30:00Z", "1969-12-31 23:30:00"),
    ])
    func local(instant: String, expected: String) {
        #expect(wall(ts(instant), on: calendar()) == expected)
    }

    @Test("instant of a local wall time", arguments: [
        ("2026-01-15", 9 * 3600, "2026-01-15T08:00:00Z"),
        ("2026-07-15", 9 * 3600, "2026-07-15T07:00:00Z"),
        ("2026-03-29", 0, "2026-03-28T23:00:00Z"),
        ("2026-03-29", 7199, "2026-03-29T00:59:59Z"),
        ("2026-03-29", 3 * 3600, "2026-03-29T01:00:00Z"),
        ("2026-03-30", 0, "2026-03-29T22:00:00Z"),
        ("2026-10-25", 0, "2026-10-24T22:00:00Z"),
        ("2026-10-25", 3 * 3600, "2026-10-25T02:00:00Z"),
        ("2026-10-26", 0, "2026-10-25T23:00:00Z"),
    ])
    func instant(date: String, seconds: Int, expected: String) {
        #expect(calendar().instant(day(date), seconds: seconds) == ts(expected))
    }

    @Test("a wall time in the spring-forward gap is the instant the gap ends", arguments: [
        ("Europe/Paris", "2026-03-29", 2 * 3600, "2026-03-29T01:00:00Z"),
        ("Europe/Paris", "2026-03-29", 2 * 3600 + 1800, "2026-03-29T01:00:00Z"),
        ("Europe/Paris", "2026-03-29", 3 * 3600 - 1, "2026-03-29T01:00:00Z"),
        ("America/Miquelon", "2026-03-08", 2 * 3600 + 1800, "2026-03-08T05:00:00Z"),
        ("Asia/Jerusalem", "2026-03-27", 2 * 3600 + 1800, "2026-03-27T00:00:00Z"),
    ])
    func gap(zone: String, date: String, seconds: Int, expected: String) {
        let cal = calendar(zone)
        let t = cal.instant(day(date), seconds: seconds)
        #expect(t == ts(expected))
        // Later than the last wall time before the gap (01:59:59), never earlier.
        #expect(cal.instant(day(date), seconds: 2 * 3600 - 1) < t)
        #expect(cal.instant(day(date), seconds: 2 * 3600 - 1).addingTimeInterval(1) == t)
    }

    @Test("instant and local round-trip every quarter hour of 2026 in Paris (outside the gap)")
    func roundTrip() {
        let cal = calendar()
        var date = day("2026-01-01")
        var previous = Date.distantPast
        while date <= day("2026-12-31") {
            for s in stride(from: 0, to: 86_400, by: 900) {
                let t = cal.instant(date, seconds: s)
                #expect(t >= previous, "\(date) \(s)")
                previous = t
                if date == day("2026-03-29"), (7200..<10_800).contains(s) { continue }
                let back = cal.local(t)
                #expect(back.date == date && back.seconds == s, "\(date) \(s)")
            }
            #expect(cal.startOfDay(date) == cal.instant(date, seconds: 0))
            date = date.adding(days: 1)
        }
    }

    // MARK: Business days and closures

    @Test("isBusinessDay", arguments: [
        ("2026-05-13", HolidayRegion.france, true),   // Wednesday
        ("2026-05-14", .france, false),               // Ascension
        ("2026-05-16", .france, false),               // Saturday
        ("2026-05-17", .france, false),               // Sunday
        ("2026-05-25", .france, false),               // Whit Monday
        ("2026-04-03", .france, true),                // Good Friday, national
        ("2026-04-03", .alsaceMoselle, false),        // Good Friday, Alsace-Moselle
        ("2025-12-26", .france, true),
        ("2025-12-26", .alsaceMoselle, false),
        ("2026-07-08", .france, false),               // inside the closure below
        ("2026-07-01", .france, false),               // first closed day
        ("2026-07-10", .france, false),               // last closed day
        ("2026-07-13", .france, true),                // the Monday after
        ("2026-06-30", .france, true),                // the day before
    ])
    func isBusinessDay(date: String, region: HolidayRegion, expected: Bool) {
        let cal = calendar(region: region, closures: [("2026-07-01", "2026-07-10")])
        #expect(cal.isBusinessDay(day(date)) == expected)
    }

    @Test("closure lookup: inclusive bounds, the one ending last when they overlap")
    func closureLookup() {
        let cal = calendar(closures: [("2026-07-01", "2026-07-10"), ("2026-07-08", "2026-07-20"), ("2026-08-03", "2026-08-03")])
        #expect(cal.closure(on: day("2026-06-30")) == nil)
        #expect(cal.closure(on: day("2026-07-01")) == day("2026-07-01")...day("2026-07-10"))
        #expect(cal.closure(on: day("2026-07-09")) == day("2026-07-08")...day("2026-07-20"))
        #expect(cal.closure(on: day("2026-07-20")) == day("2026-07-08")...day("2026-07-20"))
        #expect(cal.closure(on: day("2026-07-21")) == nil)
        #expect(cal.closure(on: day("2026-08-03")) == day("2026-08-03")...day("2026-08-03"))
        #expect(cal.isClosed(on: day("2026-08-03")))
        #expect(!cal.isClosed(on: day("2026-08-04")))
    }

    @Test("a Closure row with its end before its start is a single day")
    func invertedClosure() {
        let c = Closure(practitionerID: 1, startsOn: day("2026-07-10"), endsOn: day("2026-07-01"))
        #expect(c.days == day("2026-07-10")...day("2026-07-10"))
    }
}
