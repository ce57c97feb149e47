import Foundation
import Testing
import RelanceCore

@Suite("Practice and audiences")
struct PracticeTests {
    @Test("practitioner audience", arguments: [
        (Cast.doctor(), false, ["email practitioner 7 dr.martin@example.org", "email assistant 70 secretariat@example.org"]),
        (Cast.doctor(), true, ["email practitioner 7 dr.martin@example.org", "email assistant 70 secretariat@example.org"]),
        (Cast.doctor(smsAlerts: true), false,
         ["email practitioner 7 dr.martin@example.org", "email assistant 70 secretariat@example.org"]),
        (Cast.doctor(smsAlerts: true), true,
         ["email practitioner 7 dr.martin@example.org", "sms practitioner 7 +33612345607", "email assistant 70 secretariat@example.org"]),
        (Cast.doctor(email: nil, smsAlerts: true), true, ["sms practitioner 7 +33612345607", "email assistant 70 secretariat@example.org"]),
        (Cast.doctor(email: " ", phone: "", smsAlerts: true), true, ["email assistant 70 secretariat@example.org"]),
        (Cast.doctor(email: " dr.martin@example.org "), false,
         ["email practitioner 7 dr.martin@example.org", "email assistant 70 secretariat@example.org"]),
    ])
    func audience(p: Practitioner, sms: Bool, expected: [String]) {
        #expect(Cast.practice(p).audience(sms: sms).map(\.summary) == expected)
    }

    @Test("assistants without email are left out; their phones are never used")
    func assistants() {
        let a = [Cast.assistant, Assistant(id: 71, practitionerID: 7, displayName: "Marc", phone: "+33600000071"),
                 Assistant(id: 72, practitionerID: 7, displayName: "Lina", email: "lina@example.org", phone: "+33600000072")]
        let out = Cast.practice(Cast.doctor(smsAlerts: true), assistants: a).audience(sms: true)
        #expect(out.map(\.summary) == [
            "email practitioner 7 dr.martin@example.org", "sms practitioner 7 +33612345607",
            "email assistant 70 secretariat@example.org", "email assistant 72 lina@example.org",
        ])
        #expect(out.filter { $0.recipient.kind == .assistant }.allSatisfy { $0.recipient.locale == "fr" && $0.recipient.timezone == "Europe/Paris" })
        #expect(Cast.practice(Cast.doctor(smsAlerts: true), assistants: a).ownerByEmail.map(\.summary)
                == ["email practitioner 7 dr.martin@example.org"])
    }

    @Test("patient audience", arguments: [
        (Cast.patient(), false, ["email patient 9 jeanne.dupont@example.org"]),
        (Cast.patient(), true, ["email patient 9 jeanne.dupont@example.org"]),
        (Cast.patient(smsOptIn: true), true, ["email patient 9 jeanne.dupont@example.org", "sms patient 9 +33698765409"]),
        (Cast.patient(smsOptIn: true), false, ["email patient 9 jeanne.dupont@example.org"]),
        (Cast.patient(emailOptIn: false, smsOptIn: true), true, ["sms patient 9 +33698765409"]),
        (Cast.patient(emailOptIn: false), true, []),
        (Cast.patient(email: nil, phone: nil, smsOptIn: true), true, []),
    ])
    func patientAudience(p: Patient, sms: Bool, expected: [String]) {
        let out = p.audience(sms: sms, timezone: "America/Cayenne")
        #expect(out.map(\.summary) == expected)
        #expect(out.allSatisfy { $0.recipient.timezone == "America/Cayenne" && $0.recipient.displayName == "Jeanne Dupont" })
    }

    @Test("the calendar: the practitioner's zone, closures and region")
    func calendar() {
        let p = Cast.practice(Cast.doctor(timezone: "Indian/Reunion"), closures: [("2026-07-01", "2026-07-10")], region: .alsaceMoselle)
        #expect(p.calendar.timeZone.identifier == "Indian/Reunion")
        #expect(p.calendar.region == .alsaceMoselle)
        #expect(p.calendar.closures == [day("2026-07-01")...day("2026-07-10")])
        #expect(!p.calendar.isBusinessDay(day("2026-07-06")))
    }

    @Test("an unknown time zone falls back to Europe/Paris")
    func unknownZone() {
        let p = Cast.practice(Cast.doctor(timezone: "Mars/Olympus_Mons"))
        #expect(p.calendar.timeZone.identifier == "Europe/Paris")
    }

    @Test("coordinates need both latitude and longitude")
    func coordinate() {
        var p = Cast.doctor()
        #expect(p.coordinate == Coordinate(latitude: 45.7640, longitude: 4.8357))
        p.longitude = nil
        #expect(p.coordinate == nil)
    }
}
