import Foundation
import Testing
import RelanceCore

// Shared helpers for the core tests: literal instants and dates, calendars and
// a small cast of practitioners, assistants and patients.

/// A store timestamp (`YYYY-MM-DDTHH:MM:SSZ`); a typo in a test is a crash with the text.
func ts(_ text: String) -> Date {
    guard let d = Timestamp.parse(text) else { fatalError("bad timestamp literal \(text)") }
    return d
}

/// A `YYYY-MM-DD` date literal.
func day(_ text: String) -> CivilDate {
    guard let d = CivilDate(iso: text) else { fatalError("bad date literal \(text)") }
    return d
}

func zone(_ identifier: String) -> TimeZone {
    guard let z = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return z
}

/// A calendar in `timezone` with inclusive closures written `("2026-07-01", "2026-07-15")`.
func calendar(_ timezone: String = "Europe/Paris", region: HolidayRegion = .france,
              closures: [(String, String)] = []) -> BusinessCalendar {
    BusinessCalendar(timeZone: zone(timezone), region: region,
                     closures: closures.map { day($0.0)...day($0.1) })
}

/// Local wall-clock text `YYYY-MM-DD HH:MM:SS` of an instant on a calendar.
func wall(_ instant: Date, on cal: BusinessCalendar) -> String {
    let (date, s) = cal.local(instant)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(date) \(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
}

let hour = 3600.0
let dayLength = 86_400.0

// MARK: - The cast

enum Cast {
    static let doctorID: Int64 = 7

    static func doctor(profile: Practitioner.Profile = .complete, email: String? = "dr.martin@example.org",
                       phone: String? = "+33612345607", timezone: String = "Europe/Paris",
                       notifyEachRequest: Bool = true, smsAlerts: Bool = false,
                       forwardFullText: Bool = false) -> Practitioner {
        Practitioner(id: doctorID, displayName: "Dr Anne Martin", email: email, phone: phone,
                     profile: profile, specialty: "kinésithérapie", latitude: 45.7640, longitude: 4.8357,
                     timezone: timezone, notifyEachRequest: notifyEachRequest, smsAlerts: smsAlerts,
                     forwardFullText: forwardFullText)
    }

    static let assistant = Assistant(id: 70, practitionerID: doctorID, displayName: "Claire Petit",
                                     email: "secretariat@example.org", phone: "+33612345670")

    static func practice(_ p: Practitioner = doctor(), assistants: [Assistant] = [assistant],
                         closures: [(String, String)] = [], region: HolidayRegion = .france) -> Practice {
        Practice(practitioner: p, assistants: assistants,
                 closures: closures.map { Closure(practitionerID: p.id, startsOn: day($0.0), endsOn: day($0.1)) },
                 region: region)
    }

    static func patient(email: String? = "jeanne.dupont@example.org", phone: String? = "+33698765409",
                        emailOptIn: Bool = true, smsOptIn: Bool = false) -> Patient {
        Patient(id: 9, displayName: "Jeanne Dupont", email: email, phone: phone,
                emailOptIn: emailOptIn, smsOptIn: smsOptIn)
    }

    static let requestID: Int64 = 42
}

// MARK: - Reading outcomes

extension Outcome {
    /// A compact, comparable reading of an outcome: `fired reminder`,
    /// `pending reminder 2026-03-04T09:00:00Z`, `skipped nearby_proposal`, `proposal unread`.
    var summary: String {
        switch self {
        case .fired(let d): "fired \(d.rule.rawValue)"
        case .pending(let rule, let due, _): "pending \(rule.rawValue) \(Timestamp.format(due))"
        case .skipped(let rule, _): "skipped \(rule.rawValue)"
        case .needsProposal(let reason): "proposal \(reason.rawValue)"
        }
    }

    var why: String? {
        switch self {
        case .pending(_, _, let why), .skipped(_, let why): why
        default: nil
        }
    }
}

extension Delivery {
    /// `email practitioner 7 dr.martin@example.org`
    var summary: String { "\(channel.rawValue) \(recipient.kind.rawValue) \(recipient.id) \(address)" }
}
