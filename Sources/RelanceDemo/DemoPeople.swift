import Foundation
import RelanceCore

/// A practitioner row as the demo writes it, plus what the generator needs to know.
struct DemoPractitioner {
    var id: Int64
    var displayName: String
    var email: String?
    var phone: String?
    var addressOnly = false
    var specialty: Specialty
    var city: City
    var latitude: Double?
    var longitude: Double?
    var timezone: String
    var locale = "fr"
    var messagingOpen = true
    var notifyEachRequest = true
    var smsAlerts = false
    var forwardFullText = false
    var procedures: [String]
    /// Relative share of the requests this practitioner receives.
    var weight: Double
    /// How replies are signed.
    var signature: String
    /// The business calendar (time zone, holidays, closures), set once closures are known.
    var calendar: BusinessCalendar
}

struct DemoAssistant {
    var id: Int64
    var practitioner: Int
    var displayName: String
    var email: String?
    var phone: String?
}

struct DemoClosure {
    var practitioner: Int
    var startsOn: CivilDate
    var endsOn: CivilDate
    var note: String?
}

struct DemoPatient {
    var id: Int64
    var displayName: String
    var email: String?
    var phone: String?
    var locale: String
    var latitude: Double?
    var longitude: Double?
    var emailOptIn: Bool
    var smsOptIn: Bool
    var city: City
}

/// The demo's people: practitioners with their procedures, assistants and
/// closures, and patients.
struct DemoPeople {
    var practitioners: [DemoPractitioner] = []
    var assistants: [DemoAssistant] = []
    var closures: [DemoClosure] = []
    var patients: [DemoPatient] = []
    /// Practitioner indices inside a closure at `now`.
    var closedNow: [Int] = []

    static func make(now: Date, using rng: inout SplitMix64) -> DemoPeople {
        var people = DemoPeople()
        people.makePractitioners(using: &rng)
        people.makeAssistants(using: &rng)
        people.makeClosures(now: now, using: &rng)
        people.makePatients(count: 500, using: &rng)
        return people
    }

    // MARK: practitioners

    private mutating func makePractitioners(using rng: inout SplitMix64) {
        let slots = rng.shuffled(Specialty.roster.flatMap { city, counts in
            counts.flatMap { specialty, n in Array(repeating: (city, specialty), count: n) }
        })
        var quarters: [String: [String]] = [:]
        var usedNames = Set<String>()
        for (i, (city, specialty)) in slots.enumerated() {
            let calendar = BusinessCalendar(timeZone: TimeZone(identifier: city.timezone) ?? TimeZone(identifier: "Europe/Paris")!)
            var free = quarters[city.name] ?? city.quarters
            var displayName: String, signature: String, email: String?
            let person = Self.uniqueName(&usedNames, using: &rng)
            let practiceDomain: String
            if let kind = specialty.practiceKind, !free.isEmpty, rng.chance(0.3) {
                let quarter = free.remove(at: rng.int(0..<free.count))
                displayName = "\(kind) \(quarter)"
                signature = "L'équipe du \(displayName)"
                practiceDomain = FrenchNames.folded(displayName) + ".example.fr"
                email = "contact@" + practiceDomain
            } else {
                displayName = specialty.isDoctor ? "Dr \(person.first) \(person.last)" : "\(person.first) \(person.last)"
                signature = displayName
                let last = FrenchNames.folded(person.last)
                practiceDomain = rng.chance(0.6) ? "cabinet-\(last).example.fr" : "sante.example.org"
                let first = FrenchNames.folded(person.first)
                email = rng.chance(0.5) ? "\(first).\(last)@\(practiceDomain)" : "dr.\(last)@\(practiceDomain)"
                if !specialty.isDoctor, email!.hasPrefix("dr.") { email = "\(first.prefix(1)).\(last)@\(practiceDomain)" }
            }
            quarters[city.name] = free
            let point = city.scatter(radiusKm: city == .saintDenisReunion ? 8 : 15, using: &rng)
            let count = rng.int(max(3, specialty.procedures.count - 2)...specialty.procedures.count)
            let chosen = Set(rng.shuffled(specialty.procedures).prefix(count))
            practitioners.append(DemoPractitioner(
                id: Int64(i + 1), displayName: displayName, email: email,
                phone: rng.chance(0.7) ? Phones.landline(city, using: &rng) : nil,
                specialty: specialty, city: city, latitude: point.latitude, longitude: point.longitude,
                timezone: city.timezone, procedures: specialty.procedures.filter(chosen.contains),
                weight: rng.double(0.4, 1.8), signature: signature, calendar: calendar))
        }
        assignProfiles(using: &rng)
    }

    /// Sets the profiles and options that make each rule show up in the demo.
    private mutating func assignProfiles(using rng: inout SplitMix64) {
        let all = rng.shuffled(Array(practitioners.indices).filter { practitioners[$0].city != .saintDenisReunion })
        let addressOnly = Array(all.prefix(10))
        for (n, i) in addressOnly.enumerated() {
            practitioners[i].addressOnly = true
            practitioners[i].weight *= 0.8
            if n >= 2 { practitioners[i].email = nil }          // two keep an e-mail address
            practitioners[i].phone = n == 2 ? Phones.landline(practitioners[i].city, using: &rng) : nil
        }
        practitioners[addressOnly[9]].latitude = nil             // an address nobody geocoded
        practitioners[addressOnly[9]].longitude = nil

        var complete = Array(all.dropFirst(10))
        func take(_ n: Int) -> [Int] { defer { complete.removeFirst(n) }; return Array(complete.prefix(n)) }
        for i in take(2) { practitioners[i].messagingOpen = false; practitioners[i].weight = 0.15 }
        for i in take(3) { practitioners[i].forwardFullText = true }
        for i in take(4) { practitioners[i].notifyEachRequest = false }
        for i in take(5) { practitioners[i].smsAlerts = true; practitioners[i].phone = Phones.mobile(using: &rng) }
        closedNow = take(1)
        let english = take(2)
        for (n, i) in english.enumerated() {
            practitioners[i].locale = "en"
            if n == 0 {
                let p = practitioners[i]
                let name = "\(rng.pick(FrenchNames.englishFirstNames)) \(rng.pick(FrenchNames.englishSurnames))"
                practitioners[i].displayName = p.specialty.isDoctor ? "Dr \(name)" : name
                practitioners[i].signature = practitioners[i].displayName
                practitioners[i].email = FrenchNames.folded(name, separator: ".") + "@practice.example.org"
            }
        }
        for i in take(1) { practitioners[i].latitude = nil; practitioners[i].longitude = nil }
    }

    // MARK: assistants

    private mutating func makeAssistants(using rng: inout SplitMix64) {
        let eligible = rng.shuffled(practitioners.indices.filter {
            !practitioners[$0].addressOnly && practitioners[$0].messagingOpen
        })
        var usedNames = Set<String>()
        for (n, i) in eligible.prefix(10).enumerated() {
            for _ in 0..<(n < 5 ? 2 : 1) {
                let person = Self.uniqueName(&usedNames, using: &rng)
                let domain = practitioners[i].email.map { String($0.split(separator: "@")[1]) } ?? "sante.example.org"
                let email: String? = rng.chance(0.7)
                    ? "\(FrenchNames.folded(person.first)).\(FrenchNames.folded(person.last))@\(domain)"
                    : (rng.chance(0.3) ? "secretariat@\(domain)" : nil)
                assistants.append(DemoAssistant(
                    id: Int64(assistants.count + 1), practitioner: i,
                    displayName: "\(person.first) \(person.last)",
                    email: assistants.contains { $0.email == email } ? nil : email,
                    phone: rng.chance(0.3) ? Phones.mobile(using: &rng) : nil))
            }
        }
    }

    // MARK: closures

    private mutating func makeClosures(now: Date, using rng: inout SplitMix64) {
        let today = BusinessCalendar(timeZone: TimeZone(identifier: "Europe/Paris")!).local(now).date
        // The Christmas break containing today, or the next one.
        let year = today.month == 1 && today.day <= 2 ? today.year - 1 : today.year
        let christmas = (CivilDate(year: year, month: 12, day: 24), CivilDate(year: year + 1, month: 1, day: 2))
        let now = closedNow[0]
        let others = rng.shuffled(practitioners.indices.filter { $0 != now && !practitioners[$0].addressOnly })
        let notes: [String?] = ["Congés de Noël", "Congés de Noël", "Congés de Noël", "Fermeture annuelle",
                                "Congés de Noël — en cas d'urgence, appelez le 15", nil]
        for (n, i) in others.prefix(notes.count).enumerated() {
            closures.append(DemoClosure(practitioner: i, startsOn: christmas.0, endsOn: christmas.1, note: notes[n]))
        }
        // Closed right now: the closure auto-reply fires for requests sent these days.
        var reopening = today.adding(days: 5)
        while reopening.isWeekend || FrenchHolidays.isHoliday(reopening) { reopening = reopening.adding(days: 1) }
        closures.append(DemoClosure(practitioner: now, startsOn: today.adding(days: -3), endsOn: today.adding(days: 4),
                                    note: "Congés — cabinet fermé, réouverture le \(Self.french(reopening))"))
        let rest = Array(others.dropFirst(notes.count))
        // Closed during the demo's three weeks (those days do not count as business days), and long ago.
        closures.append(DemoClosure(practitioner: rest[0], startsOn: today.adding(days: -12), endsOn: today.adding(days: -9),
                                    note: "Congrès de médecine générale"))
        closures.append(DemoClosure(practitioner: rest[1], startsOn: today.adding(days: -45), endsOn: today.adding(days: -38),
                                    note: "Formation continue"))
        closures.append(DemoClosure(practitioner: rest[2], startsOn: today.adding(days: 60), endsOn: today.adding(days: 62),
                                    note: "Formation DPC"))
        for i in practitioners.indices {
            let mine = closures.filter { $0.practitioner == i }.map { $0.startsOn...$0.endsOn }
            practitioners[i].calendar = BusinessCalendar(timeZone: practitioners[i].calendar.timeZone, closures: mine)
        }
    }

    /// "lundi 30 novembre".
    static func french(_ date: CivilDate) -> String {
        let days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                      "septembre", "octobre", "novembre", "décembre"]
        return "\(days[date.isoWeekday - 1]) \(date.day) \(months[date.month - 1])"
    }

    // MARK: patients

    private mutating func makePatients(count: Int, using rng: inout SplitMix64) {
        let cities: [(City, Double)] = [(.paris, 0.45), (.lyon, 0.30), (.rennes, 0.23), (.saintDenisReunion, 0.02)]
        var usedNames = Set<String>(), usedEmails = Set<String>()
        for i in 0..<count {
            let city = rng.weighted(cities)
            let english = rng.chance(0.03)
            var first: String, last: String
            if english {
                first = rng.pick(FrenchNames.englishFirstNames)
                last = rng.pick(FrenchNames.englishSurnames)
            } else {
                (first, last) = Self.uniqueName(&usedNames, using: &rng)
                if rng.chance(0.06) { last += "-" + rng.pick(FrenchNames.surnames.filter { !$0.contains(" ") && $0 != last }) }
            }
            var email: String?
            if rng.chance(0.9) {
                var local = "\(FrenchNames.folded(first)).\(FrenchNames.folded(last))"
                if usedEmails.contains(local) || rng.chance(0.3) { local += String(rng.int(1...99)) }
                while usedEmails.contains(local) { local += String(rng.int(0...9)) }
                usedEmails.insert(local)
                email = local + "@" + rng.pick(["example.org", "example.fr", "mail.example.org", "courriel.example.fr"])
            }
            let sms = rng.chance(0.25)
            let point = rng.chance(0.9) ? city.scatter(radiusKm: city == .saintDenisReunion ? 10 : 20, using: &rng) : nil
            patients.append(DemoPatient(
                id: Int64(i + 1), displayName: "\(first) \(last)", email: email,
                phone: sms || rng.chance(0.2) ? Phones.mobile(using: &rng) : nil,
                locale: english ? "en" : "fr", latitude: point?.latitude, longitude: point?.longitude,
                emailOptIn: email == nil || !rng.chance(0.06), smsOptIn: sms, city: city))
        }
    }

    /// A first name and surname not used yet in this group (when the lists allow it).
    static func uniqueName(_ used: inout Set<String>, using rng: inout SplitMix64) -> (first: String, last: String) {
        var name = ("", "")
        for _ in 0..<20 {
            let first = rng.chance(0.5) ? rng.pick(FrenchNames.femaleFirstNames) : rng.pick(FrenchNames.maleFirstNames)
            name = (first, rng.pick(FrenchNames.surnames))
            if !used.contains("\(name.0) \(name.1)") { break }
        }
        used.insert("\(name.0) \(name.1)")
        return name
    }
}
