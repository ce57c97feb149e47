import Foundation
import RelanceCore

/// A request row as the demo writes it; times are whole seconds since 1970.
struct DemoRequest {
    var practitioner: Int
    var patient: Int
    var procedure: String?
    var status = "new"
    var refusalReason: String?
    var handledOutside: String?
    /// Generation index of the request this one was redirected from (a proposal's follow-up).
    var source: Int?
    var created: Int
    var firstRead: Int?
    var answered: Int?
    var closed: Int?
    var updated: Int
    var id: Int64 = 0
    var redirectedFrom: Int64?

    /// Status 'new' or 'read' and not handled outside the platform.
    var isUnprocessed: Bool { (status == "new" || status == "read") && handledOutside == nil }
    /// When it was answered, refused, closed or handled outside; nil while unprocessed.
    var handledAt: Int? { isUnprocessed ? nil : (answered ?? closed ?? updated) }
}

/// Draws the requests of the 21 days before `now` and how each practitioner dealt with them.
struct RequestFactory {
    let people: DemoPeople
    let now: Int
    var rng: SplitMix64
    private let patientsByCity: [String: [Int]]
    private let weights: [Double]
    /// Each practitioner's local weekdays and weekend days of the 21 days before `now`.
    private let days: [(weekdays: [CivilDate], weekends: [CivilDate])]

    init(people: DemoPeople, now: Int, rng: SplitMix64) {
        self.people = people
        self.now = now
        self.rng = rng
        patientsByCity = Dictionary(grouping: people.patients.indices, by: { people.patients[$0].city.name })
        weights = people.practitioners.map(\.weight)
        days = people.practitioners.map { p in
            let today = p.calendar.local(date(now)).date
            let days = (0...21).map { today.adding(days: -$0) }
            return (days.filter { !$0.isWeekend }, days.filter(\.isWeekend))
        }
    }

    static let hour = 3600, day = 86_400

    /// `count` requests, about 2 % of them secondary, in creation order with their ids set.
    mutating func make(count: Int) -> [DemoRequest] {
        let wantedSecondary = count / 50
        var requests = (0..<(count - wantedSecondary)).map { _ in primary() }
        requests += secondaries(from: requests, count: wantedSecondary)
        while requests.count < count { requests.append(primary()) }
        let order = requests.indices.sorted { (requests[$0].created, $0) < (requests[$1].created, $1) }
        var idOf = [Int](repeating: 0, count: requests.count)
        for (position, i) in order.enumerated() { idOf[i] = position + 1 }
        return order.map { i in
            var r = requests[i]
            r.id = Int64(idOf[i])
            r.redirectedFrom = r.source.map { Int64(idOf[$0]) }
            return r
        }
    }

    // MARK: creation

    private mutating func primary() -> DemoRequest {
        let p = rng.weightedIndex(weights)
        let practitioner = people.practitioners[p]
        let local = patientsByCity[practitioner.city.name] ?? []
        let patient = !local.isEmpty && rng.chance(0.92) ? rng.pick(local) : rng.int(0..<people.patients.count)
        let procedure = rng.chance(0.85) ? rng.pick(practitioner.procedures) : nil
        let created = creationTime(practitioner.calendar, days[p].weekdays, days[p].weekends)
        var request = DemoRequest(practitioner: p, patient: patient, procedure: procedure, created: created, updated: created)
        settle(&request)
        return request
    }

    /// Mostly French working hours, some evenings and early mornings, a few weekends.
    private mutating func creationTime(_ calendar: BusinessCalendar, _ weekdays: [CivilDate], _ weekends: [CivilDate]) -> Int {
        for _ in 0..<50 {
            let secondsOfDay: Int, day: CivilDate
            switch rng.weightedIndex([0.78, 0.13, 0.09]) {
            case 0:
                day = rng.pick(weekdays)
                secondsOfDay = rng.int(8 * Self.hour..<19 * Self.hour)
            case 1:
                day = rng.pick(weekdays)
                secondsOfDay = rng.chance(0.25) ? rng.int(6 * Self.hour + 1800..<8 * Self.hour)
                                                : rng.int(19 * Self.hour..<23 * Self.hour + 1800)
            default:
                day = rng.pick(weekends)
                secondsOfDay = rng.int(9 * Self.hour..<21 * Self.hour)
            }
            let t = seconds(calendar.instant(day, seconds: secondsOfDay))
            if t >= now - 21 * Self.day, t <= now - 300 { return t }
        }
        return now - rng.int(Self.hour..<3 * Self.day)
    }

    // MARK: what happened next

    /// Decides the request's fate as of `now`: about half handled within 48 h,
    /// a fifth never, the rest later; address-only practitioners seldom react.
    private mutating func settle(_ r: inout DemoRequest) {
        let practitioner = people.practitioners[r.practitioner]
        let calendar = practitioner.calendar
        let fate = rng.weightedIndex(practitioner.addressOnly ? [0.55, 0.25, 0.20] : [0.17, 0.62, 0.21])
        var handled: Int?
        if fate != 0 {
            let delay = fate == 1 ? rng.logUniform(600, 40 * Self.hour) : rng.logUniform(48 * Self.hour, 10 * Self.day)
            var t = workingTime(r.created + delay, calendar)
            if let closure = calendar.closure(on: calendar.local(date(t)).date) {
                let back = calendar.instant(closure.upperBound.adding(days: 1), seconds: 8 * Self.hour + rng.int(0..<5400))
                t = workingTime(seconds(back), calendar)
            }
            if t <= now { handled = t }
        }
        guard let h = handled else {
            // Still waiting: opened (and left) or never opened.
            if rng.chance(practitioner.addressOnly ? 0.12 : 0.45) {
                let age = now - r.created
                let t = workingTime(r.created + rng.logUniform(300, max(600, min(age, 3 * Self.day))), calendar)
                if t <= now { r.status = "read"; r.firstRead = t; r.updated = t }
            }
            return
        }
        func readTime() -> Int {
            min(workingTime(r.created + Int(Double(h - r.created) * rng.double(0.05, 1)), calendar), h)
        }
        r.updated = h
        switch rng.weightedIndex([0.58, 0.13, 0.09, 0.20]) {
        case 0:
            r.status = "answered"
            r.firstRead = readTime()
            r.answered = h
            if rng.chance(0.3) {
                let c = workingTime(h + rng.logUniform(2 * Self.hour, 5 * Self.day), calendar)
                if c <= now { r.status = "closed"; r.closed = c; r.updated = c }
            }
        case 1:
            r.status = "refused"
            r.refusalReason = rng.weighted([("not_practised", 0.32), ("not_interested", 0.25),
                                            ("duplicate", 0.25), ("spam", 0.18)])
            r.firstRead = readTime()
            if rng.chance(0.6) { r.answered = h }               // else the refusal is dated by updated_at
        case 2:
            r.status = "closed"
            r.firstRead = readTime()
            r.closed = h
            if rng.chance(0.35) { r.handledOutside = rng.weighted([("phone", 0.6), ("in_person", 0.4)]) }
        default:
            r.handledOutside = rng.weighted([("phone", 0.45), ("email", 0.2), ("in_person", 0.25), ("other", 0.1)])
            if rng.chance(0.85) { r.status = "read"; r.firstRead = readTime() }
        }
    }

    private mutating func workingTime(_ t: Int, _ calendar: BusinessCalendar) -> Int {
        DemoTime.working(t, calendar, using: &rng)
    }

    // MARK: proposals followed

    /// Requests patients sent through a proposal (rules 3 to 6): same patient and
    /// procedure, to one of the three nearest complete practitioners, `secondary` = 1.
    private mutating func secondaries(from requests: [DemoRequest], count: Int) -> [DemoRequest] {
        var triggers: [(Int, Int)] = []
        for (i, r) in requests.enumerated() {
            let practitioner = people.practitioners[r.practitioner]
            let trigger: Int?
            if r.status == "refused", r.refusalReason == "not_practised" || r.refusalReason == "not_interested" {
                trigger = r.updated
            } else if r.isUnprocessed, practitioner.addressOnly {
                trigger = seconds(practitioner.calendar.adding(businessDays: 2, to: date(r.created)))
            } else if r.isUnprocessed, r.status == "new" {
                trigger = seconds(practitioner.calendar.adding(businessDays: 3, to: date(r.created)))
            } else {
                trigger = nil
            }
            if let trigger, trigger + 2 * Self.hour < now { triggers.append((i, trigger)) }
        }
        var made: [DemoRequest] = []
        for (i, trigger) in rng.shuffled(triggers) where made.count < count {
            let source = requests[i]
            let targets = nearby(source, on: trigger)
            guard !targets.isEmpty else { continue }
            let target = rng.pick(targets)
            let calendar = people.practitioners[source.practitioner].calendar
            let created = DemoTime.awake(trigger + rng.logUniform(1800, min(2 * Self.day, now - trigger - 600)),
                                         calendar, using: &rng)
            guard created <= now - 300 else { continue }
            var r = DemoRequest(practitioner: target, patient: source.patient, procedure: source.procedure,
                                source: i, created: created, updated: created)
            settle(&r)
            made.append(r)
        }
        return made
    }

    /// Up to three practitioners within 30 km who could take the request, nearest first.
    private func nearby(_ r: DemoRequest, on instant: Int) -> [Int] {
        let origin = people.practitioners[r.practitioner]
        guard let lat = origin.latitude, let lon = origin.longitude else { return [] }
        return people.practitioners.indices.compactMap { j -> (Int, Double)? in
            let p = people.practitioners[j]
            guard j != r.practitioner, !p.addressOnly, p.messagingOpen,
                  let plat = p.latitude, let plon = p.longitude,
                  r.procedure.map(p.procedures.contains) ?? (p.specialty == origin.specialty),
                  !p.calendar.isClosed(on: p.calendar.local(date(instant)).date)
            else { return nil }
            let d = City.distanceKm((lat, lon), (plat, plon))
            return d <= 30 ? (j, d) : nil
        }
        .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        .prefix(3).map(\.0)
    }
}
