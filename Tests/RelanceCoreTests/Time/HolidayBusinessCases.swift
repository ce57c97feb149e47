import Foundation
import Testing
import RelanceCore

/// "N business days after `start`" on a calendar: the expected UTC instant and
/// the local wall time it reads.
struct BusinessCase: Sendable, CustomTestStringConvertible {
    var name: String
    var start: String
    var local: String
    var due: String
    var dueLocal: String
    var days = 2
    var zone = "Europe/Paris"
    var region = HolidayRegion.france
    var closures: [ClosedRange<String>] = []

    init(_ name: String, start: String, local: String, due: String, dueLocal: String, days: Int = 2,
         zone: String = "Europe/Paris", region: HolidayRegion = .france, closures: [ClosedRange<String>] = []) {
        self.name = name; self.start = start; self.local = local; self.due = due; self.dueLocal = dueLocal
        self.days = days; self.zone = zone; self.region = region; self.closures = closures
    }

    var testDescription: String { "\(name): \(local) + \(days) = \(dueLocal) (\(zone))" }

    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let cal = calendar(zone, region: region, closures: closures.map { ($0.lowerBound, $0.upperBound) })
        let start = ts(start)
        #expect(wall(start, on: cal).hasPrefix(local), "start reads \(wall(start, on: cal))", sourceLocation: sourceLocation)
        let result = cal.adding(businessDays: days, to: start)
        #expect(Timestamp.format(result) == due, sourceLocation: sourceLocation)
        #expect(wall(result, on: cal).hasPrefix(dueLocal), "due reads \(wall(result, on: cal))", sourceLocation: sourceLocation)
        #expect(cal.adding(.businessDays(days), to: start) == result, sourceLocation: sourceLocation)
    }
}

/// Every national holiday 2024–2030 that falls on a weekday: a request at
/// 16:00 Paris on the business day before it, plus 2 business days.
let holidayBusinessCases: [BusinessCase] = [
    BusinessCase("Jour de l'an 2024", start: "2023-12-29T15:00:00Z", local: "2023-12-29 16:00", due: "2024-01-03T15:00:00Z", dueLocal: "2024-01-03 16:00"),
    BusinessCase("Lundi de Pâques 2024", start: "2024-03-29T15:00:00Z", local: "2024-03-29 16:00", due: "2024-04-03T14:00:00Z", dueLocal: "2024-04-03 16:00"),
    BusinessCase("Fête du Travail 2024", start: "2024-04-30T14:00:00Z", local: "2024-04-30 16:00", due: "2024-05-03T14:00:00Z", dueLocal: "2024-05-03 16:00"),
    BusinessCase("Victoire 1945 2024", start: "2024-05-07T14:00:00Z", local: "2024-05-07 16:00", due: "2024-05-13T14:00:00Z", dueLocal: "2024-05-13 16:00"),
    BusinessCase("Ascension 2024", start: "2024-05-07T14:00:00Z", local: "2024-05-07 16:00", due: "2024-05-13T14:00:00Z", dueLocal: "2024-05-13 16:00"),
    BusinessCase("Lundi de Pentecôte 2024", start: "2024-05-17T14:00:00Z", local: "2024-05-17 16:00", due: "2024-05-22T14:00:00Z", dueLocal: "2024-05-22 16:00"),
    BusinessCase("Assomption 2024", start: "2024-08-14T14:00:00Z", local: "2024-08-14 16:00", due: "2024-08-19T14:00:00Z", dueLocal: "2024-08-19 16:00"),
    BusinessCase("Toussaint 2024", start: "2024-10-31T15:00:00Z", local: "2024-10-31 16:00", due: "2024-11-05T15:00:00Z", dueLocal: "2024-11-05 16:00"),
    BusinessCase("Armistice 1918 2024", start: "2024-11-08T15:00:00Z", local: "2024-11-08 16:00", due: "2024-11-13T15:00:00Z", dueLocal: "2024-11-13 16:00"),
    BusinessCase("Noël 2024", start: "2024-12-24T15:00:00Z", local: "2024-12-24 16:00", due: "2024-12-27T15:00:00Z", dueLocal: "2024-12-27 16:00"),
    BusinessCase("Jour de l'an 2025", start: "2024-12-31T15:00:00Z", local: "2024-12-31 16:00", due: "2025-01-03T15:00:00Z", dueLocal: "2025-01-03 16:00"),
    BusinessCase("Lundi de Pâques 2025", start: "2025-04-18T14:00:00Z", local: "2025-04-18 16:00", due: "2025-04-23T14:00:00Z", dueLocal: "2025-04-23 16:00"),
    BusinessCase("Fête du Travail 2025", start: "2025-04-30T14:00:00Z", local: "2025-04-30 16:00", due: "2025-05-05T14:00:00Z", dueLocal: "2025-05-05 16:00"),
    BusinessCase("Victoire 1945 2025", start: "2025-05-07T14:00:00Z", local: "2025-05-07 16:00", due: "2025-05-12T14:00:00Z", dueLocal: "2025-05-12 16:00"),
    BusinessCase("Ascension 2025", start: "2025-05-28T14:00:00Z", local: "2025-05-28 16:00", due: "2025-06-02T14:00:00Z", dueLocal: "2025-06-02 16:00"),
    BusinessCase("Lundi de Pentecôte 2025", start: "2025-06-06T14:00:00Z", local: "2025-06-06 16:00", due: "2025-06-11T14:00:00Z", dueLocal: "2025-06-11 16:00"),
    BusinessCase("Fête nationale 2025", start: "2025-07-11T14:00:00Z", local: "2025-07-11 16:00", due: "2025-07-16T14:00:00Z", dueLocal: "2025-07-16 16:00"),
    BusinessCase("Assomption 2025", start: "2025-08-14T14:00:00Z", local: "2025-08-14 16:00", due: "2025-08-19T14:00:00Z", dueLocal: "2025-08-19 16:00"),
    BusinessCase("Armistice 1918 2025", start: "2025-11-10T15:00:00Z", local: "2025-11-10 16:00", due: "2025-11-13T15:00:00Z", dueLocal: "2025-11-13 16:00"),
    BusinessCase("Noël 2025", start: "2025-12-24T15:00:00Z", local: "2025-12-24 16:00", due: "2025-12-29T15:00:00Z", dueLocal: "2025-12-29 16:00"),
    BusinessCase("Jour de l'an 2026", start: "2025-12-31T15:00:00Z", local: "2025-12-31 16:00", due: "2026-01-05T15:00:00Z", dueLocal: "2026-01-05 16:00"),
    BusinessCase("Lundi de Pâques 2026", start: "2026-04-03T14:00:00Z", local: "2026-04-03 16:00", due: "2026-04-08T14:00:00Z", dueLocal: "2026-04-08 16:00"),
    BusinessCase("Fête du Travail 2026", start: "2026-04-30T14:00:00Z", local: "2026-04-30 16:00", due: "2026-05-05T14:00:00Z", dueLocal: "2026-05-05 16:00"),
    BusinessCase("Victoire 1945 2026", start: "2026-05-07T14:00:00Z", local: "2026-05-07 16:00", due: "2026-05-12T14:00:00Z", dueLocal: "2026-05-12 16:00"),
    BusinessCase("Ascension 2026", start: "2026-05-13T14:00:00Z", local: "2026-05-13 16:00", due: "2026-05-18T14:00:00Z", dueLocal: "2026-05-18 16:00"),
    BusinessCase("Lundi de Pentecôte 2026", start: "2026-05-22T14:00:00Z", local: "2026-05-22 16:00", due: "2026-05-27T14:00:00Z", dueLocal: "2026-05-27 16:00"),
    BusinessCase("Fête nationale 2026", start: "2026-07-13T14:00:00Z", local: "2026-07-13 16:00", due: "2026-07-16T14:00:00Z", dueLocal: "2026-07-16 16:00"),
    BusinessCase("Armistice 1918 2026", start: "2026-11-10T15:00:00Z", local: "2026-11-10 16:00", due: "2026-11-13T15:00:00Z", dueLocal: "2026-11-13 16:00"),
    BusinessCase("Noël 2026", start: "2026-12-24T15:00:00Z", local: "2026-12-24 16:00", due: "2026-12-29T15:00:00Z", dueLocal: "2026-12-29 16:00"),
    BusinessCase("Jour de l'an 2027", start: "2026-12-31T15:00:00Z", local: "2026-12-31 16:00", due: "2027-01-05T15:00:00Z", dueLocal: "2027-01-05 16:00"),
    BusinessCase("Lundi de Pâques 2027", start: "2027-03-26T15:00:00Z", local: "2027-03-26 16:00", due: "2027-03-31T14:00:00Z", dueLocal: "2027-03-31 16:00"),
    BusinessCase("Ascension 2027", start: "2027-05-05T14:00:00Z", local: "2027-05-05 16:00", due: "2027-05-10T14:00:00Z", dueLocal: "2027-05-10 16:00"),
    BusinessCase("Lundi de Pentecôte 2027", start: "2027-05-14T14:00:00Z", local: "2027-05-14 16:00", due: "2027-05-19T14:00:00Z", dueLocal: "2027-05-19 16:00"),
    BusinessCase("Fête nationale 2027", start: "2027-07-13T14:00:00Z", local: "2027-07-13 16:00", due: "2027-07-16T14:00:00Z", dueLocal: "2027-07-16 16:00"),
    BusinessCase("Toussaint 2027", start: "2027-10-29T14:00:00Z", local: "2027-10-29 16:00", due: "2027-11-03T15:00:00Z", dueLocal: "2027-11-03 16:00"),
    BusinessCase("Armistice 1918 2027", start: "2027-11-10T15:00:00Z", local: "2027-11-10 16:00", due: "2027-11-15T15:00:00Z", dueLocal: "2027-11-15 16:00"),
    BusinessCase("Lundi de Pâques 2028", start: "2028-04-14T14:00:00Z", local: "2028-04-14 16:00", due: "2028-04-19T14:00:00Z", dueLocal: "2028-04-19 16:00"),
    BusinessCase("Fête du Travail 2028", start: "2028-04-28T14:00:00Z", local: "2028-04-28 16:00", due: "2028-05-03T14:00:00Z", dueLocal: "2028-05-03 16:00"),
    BusinessCase("Victoire 1945 2028", start: "2028-05-05T14:00:00Z", local: "2028-05-05 16:00", due: "2028-05-10T14:00:00Z", dueLocal: "2028-05-10 16:00"),
    BusinessCase("Ascension 2028", start: "2028-05-24T14:00:00Z", local: "2028-05-24 16:00", due: "2028-05-29T14:00:00Z", dueLocal: "2028-05-29 16:00"),
    BusinessCase("Lundi de Pentecôte 2028", start: "2028-06-02T14:00:00Z", local: "2028-06-02 16:00", due: "2028-06-07T14:00:00Z", dueLocal: "2028-06-07 16:00"),
    BusinessCase("Fête nationale 2028", start: "2028-07-13T14:00:00Z", local: "2028-07-13 16:00", due: "2028-07-18T14:00:00Z", dueLocal: "2028-07-18 16:00"),
    BusinessCase("Assomption 2028", start: "2028-08-14T14:00:00Z", local: "2028-08-14 16:00", due: "2028-08-17T14:00:00Z", dueLocal: "2028-08-17 16:00"),
    BusinessCase("Toussaint 2028", start: "2028-10-31T15:00:00Z", local: "2028-10-31 16:00", due: "2028-11-03T15:00:00Z", dueLocal: "2028-11-03 16:00"),
    BusinessCase("Noël 2028", start: "2028-12-22T15:00:00Z", local: "2028-12-22 16:00", due: "2028-12-27T15:00:00Z", dueLocal: "2028-12-27 16:00"),
    BusinessCase("Jour de l'an 2029", start: "2028-12-29T15:00:00Z", local: "2028-12-29 16:00", due: "2029-01-03T15:00:00Z", dueLocal: "2029-01-03 16:00"),
    BusinessCase("Lundi de Pâques 2029", start: "2029-03-30T14:00:00Z", local: "2029-03-30 16:00", due: "2029-04-04T14:00:00Z", dueLocal: "2029-04-04 16:00"),
    BusinessCase("Fête du Travail 2029", start: "2029-04-30T14:00:00Z", local: "2029-04-30 16:00", due: "2029-05-03T14:00:00Z", dueLocal: "2029-05-03 16:00"),
    BusinessCase("Victoire 1945 2029", start: "2029-05-07T14:00:00Z", local: "2029-05-07 16:00", due: "2029-05-11T14:00:00Z", dueLocal: "2029-05-11 16:00"),
    BusinessCase("Ascension 2029", start: "2029-05-09T14:00:00Z", local: "2029-05-09 16:00", due: "2029-05-14T14:00:00Z", dueLocal: "2029-05-14 16:00"),
    BusinessCase("Lundi de Pentecôte 2029", start: "2029-05-18T14:00:00Z", local: "2029-05-18 16:00", due: "2029-05-23T14:00:00Z", dueLocal: "2029-05-23 16:00"),
    BusinessCase("Assomption 2029", start: "2029-08-14T14:00:00Z", local: "2029-08-14 16:00", due: "2029-08-17T14:00:00Z", dueLocal: "2029-08-17 16:00"),
    BusinessCase("Toussaint 2029", start: "2029-10-31T15:00:00Z", local: "2029-10-31 16:00", due: "2029-11-05T15:00:00Z", dueLocal: "2029-11-05 16:00"),
    BusinessCase("Noël 2029", start: "2029-12-24T15:00:00Z", local: "2029-12-24 16:00", due: "2029-12-27T15:00:00Z", dueLocal: "2029-12-27 16:00"),
    BusinessCase("Jour de l'an 2030", start: "2029-12-31T15:00:00Z", local: "2029-12-31 16:00", due: "2030-01-03T15:00:00Z", dueLocal: "2030-01-03 16:00"),
    BusinessCase("Lundi de Pâques 2030", start: "2030-04-19T14:00:00Z", local: "2030-04-19 16:00", due: "2030-04-24T14:00:00Z", dueLocal: "2030-04-24 16:00"),
    BusinessCase("Fête du Travail 2030", start: "2030-04-30T14:00:00Z", local: "2030-04-30 16:00", due: "2030-05-03T14:00:00Z", dueLocal: "2030-05-03 16:00"),
    BusinessCase("Victoire 1945 2030", start: "2030-05-07T14:00:00Z", local: "2030-05-07 16:00", due: "2030-05-10T14:00:00Z", dueLocal: "2030-05-10 16:00"),
    BusinessCase("Ascension 2030", start: "2030-05-29T14:00:00Z", local: "2030-05-29 16:00", due: "2030-06-03T14:00:00Z", dueLocal: "2030-06-03 16:00"),
    BusinessCase("Lundi de Pentecôte 2030", start: "2030-06-07T14:00:00Z", local: "2030-06-07 16:00", due: "2030-06-12T14:00:00Z", dueLocal: "2030-06-12 16:00"),
    BusinessCase("Assomption 2030", start: "2030-08-14T14:00:00Z", local: "2030-08-14 16:00", due: "2030-08-19T14:00:00Z", dueLocal: "2030-08-19 16:00"),
    BusinessCase("Toussaint 2030", start: "2030-10-31T15:00:00Z", local: "2030-10-31 16:00", due: "2030-11-05T15:00:00Z", dueLocal: "2030-11-05 16:00"),
    BusinessCase("Armistice 1918 2030", start: "2030-11-08T15:00:00Z", local: "2030-11-08 16:00", due: "2030-11-13T15:00:00Z", dueLocal: "2030-11-13 16:00"),
    BusinessCase("Noël 2030", start: "2030-12-24T15:00:00Z", local: "2030-12-24 16:00", due: "2030-12-27T15:00:00Z", dueLocal: "2030-12-27 16:00"),
]

/// Alsace-Moselle: Good Friday and 26 December on weekdays shift the due date by one more day.
let alsaceMoselleBusinessCases: [BusinessCase] = [
    BusinessCase("Vendredi saint 2024", start: "2024-03-28T15:00:00Z", local: "2024-03-28 16:00", due: "2024-04-03T14:00:00Z", dueLocal: "2024-04-03 16:00", region: .alsaceMoselle),
    BusinessCase("Saint-Étienne 2024", start: "2024-12-24T15:00:00Z", local: "2024-12-24 16:00", due: "2024-12-30T15:00:00Z", dueLocal: "2024-12-30 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2025", start: "2025-04-17T14:00:00Z", local: "2025-04-17 16:00", due: "2025-04-23T14:00:00Z", dueLocal: "2025-04-23 16:00", region: .alsaceMoselle),
    BusinessCase("Saint-Étienne 2025", start: "2025-12-24T15:00:00Z", local: "2025-12-24 16:00", due: "2025-12-30T15:00:00Z", dueLocal: "2025-12-30 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2026", start: "2026-04-02T14:00:00Z", local: "2026-04-02 16:00", due: "2026-04-08T14:00:00Z", dueLocal: "2026-04-08 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2027", start: "2027-03-25T15:00:00Z", local: "2027-03-25 16:00", due: "2027-03-31T14:00:00Z", dueLocal: "2027-03-31 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2028", start: "2028-04-13T14:00:00Z", local: "2028-04-13 16:00", due: "2028-04-19T14:00:00Z", dueLocal: "2028-04-19 16:00", region: .alsaceMoselle),
    BusinessCase("Saint-Étienne 2028", start: "2028-12-22T15:00:00Z", local: "2028-12-22 16:00", due: "2028-12-28T15:00:00Z", dueLocal: "2028-12-28 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2029", start: "2029-03-29T14:00:00Z", local: "2029-03-29 16:00", due: "2029-04-04T14:00:00Z", dueLocal: "2029-04-04 16:00", region: .alsaceMoselle),
    BusinessCase("Saint-Étienne 2029", start: "2029-12-24T15:00:00Z", local: "2029-12-24 16:00", due: "2029-12-28T15:00:00Z", dueLocal: "2029-12-28 16:00", region: .alsaceMoselle),
    BusinessCase("Vendredi saint 2030", start: "2030-04-18T14:00:00Z", local: "2030-04-18 16:00", due: "2030-04-24T14:00:00Z", dueLocal: "2030-04-24 16:00", region: .alsaceMoselle),
    BusinessCase("Saint-Étienne 2030", start: "2030-12-24T15:00:00Z", local: "2030-12-24 16:00", due: "2030-12-30T15:00:00Z", dueLocal: "2030-12-30 16:00", region: .alsaceMoselle),
]
