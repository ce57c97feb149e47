import Foundation
import Testing
import RelanceCore

/// One row of the `requests` table replayed at one `now`.
struct StateCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: Request
    /// Hours after creation (may be negative).
    var at: Double
    var expected: Request.StateAt

    var testDescription: String { name }
}

/// Created Monday 2 March 2026, 09:00 UTC.
let created = ts("2026-03-02T09:00:00Z")

/// `hours` after creation.
func plus(_ hours: Double) -> Date { created.addingTimeInterval(hours * hour) }

func row(_ status: Request.Status = .new, reason: Request.RefusalReason? = nil, outside: Request.HandledOutside? = nil,
         read: Double? = nil, answered: Double? = nil, closed: Double? = nil, updated: Double? = nil) -> Request {
    Request(id: Cast.requestID, practitionerID: Cast.doctorID, patientID: 9, status: status, refusalReason: reason,
            handledOutside: outside, createdAt: created, firstReadAt: read.map(plus), answeredAt: answered.map(plus),
            closedAt: closed.map(plus), updatedAt: updated.map(plus))
}

let stateCases: [StateCase] = [
    StateCase(name: "new: before creation", request: row(), at: -0.001, expected: .notYetCreated),
    StateCase(name: "new: at creation", request: row(), at: 0, expected: .unprocessed(read: false)),
    StateCase(name: "new: a month later", request: row(), at: 720, expected: .unprocessed(read: false)),
    StateCase(name: "read: replayed before first_read_at", request: row(.read, read: 2, updated: 2), at: 1.99,
              expected: .unprocessed(read: false)),
    StateCase(name: "read: at first_read_at", request: row(.read, read: 2, updated: 2), at: 2, expected: .unprocessed(read: true)),
    StateCase(name: "read without first_read_at: before updated_at", request: row(.read, updated: 3), at: 1,
              expected: .unprocessed(read: false)),
    StateCase(name: "read without first_read_at: after updated_at", request: row(.read, updated: 3), at: 3,
              expected: .unprocessed(read: true)),
    StateCase(name: "new with a first_read_at: the timestamp wins", request: row(.new, read: 1, updated: 1), at: 2,
              expected: .unprocessed(read: true)),
    StateCase(name: "answered: replayed before anyone read it", request: row(.answered, read: 1, answered: 5, updated: 5), at: 0.5,
              expected: .unprocessed(read: false)),
    StateCase(name: "answered: replayed after reading, before answering", request: row(.answered, read: 1, answered: 5, updated: 5),
              at: 4.99, expected: .unprocessed(read: true)),
    StateCase(name: "answered: at answered_at", request: row(.answered, read: 1, answered: 5, updated: 5), at: 5, expected: .handled),
    StateCase(name: "answered without first_read_at: at answered_at", request: row(.answered, answered: 5, updated: 5), at: 6,
              expected: .handled),
    StateCase(name: "answered without answered_at: before updated_at", request: row(.answered, updated: 5), at: 4,
              expected: .unprocessed(read: false)),
    StateCase(name: "answered without answered_at: after updated_at", request: row(.answered, updated: 5), at: 5,
              expected: .handled),
    StateCase(name: "refused (not_practised): before updated_at", request: row(.refused, reason: .notPractised, updated: 4),
              at: 3, expected: .unprocessed(read: false)),
    StateCase(name: "refused (not_practised): at updated_at", request: row(.refused, reason: .notPractised, updated: 4),
              at: 4, expected: .refused),
    StateCase(name: "refused (duplicate): after updated_at", request: row(.refused, reason: .duplicate, updated: 4),
              at: 40, expected: .refused),
    StateCase(name: "refused (spam), read first", request: row(.refused, reason: .spam, read: 1, updated: 4), at: 2,
              expected: .unprocessed(read: true)),
    StateCase(name: "refused (not_interested) with closed_at: refused at closed_at", request:
                row(.refused, reason: .notInterested, closed: 4, updated: 4), at: 4, expected: .refused),
    StateCase(name: "refused with closed_at: replayed before", request:
                row(.refused, reason: .notInterested, read: 1, closed: 4, updated: 4), at: 3, expected: .unprocessed(read: true)),
    StateCase(name: "refused with answered_at (a refusal message): refused", request:
                row(.refused, reason: .notPractised, answered: 4, updated: 4), at: 5, expected: .refused),
    StateCase(name: "refused with answered_at: replayed before", request:
                row(.refused, reason: .notPractised, answered: 4, updated: 4), at: 3, expected: .unprocessed(read: false)),
    StateCase(name: "refused without a reason", request: row(.refused, updated: 4), at: 4, expected: .refused),
    StateCase(name: "closed: replayed before closed_at", request: row(.closed, closed: 6, updated: 6), at: 5,
              expected: .unprocessed(read: false)),
    StateCase(name: "closed: at closed_at", request: row(.closed, closed: 6, updated: 6), at: 6, expected: .handled),
    StateCase(name: "closed after an answer: handled since the answer", request: row(.closed, read: 1, answered: 2, closed: 6, updated: 6),
              at: 3, expected: .handled),
    StateCase(name: "closed without closed_at: before updated_at", request: row(.closed, updated: 6), at: 5,
              expected: .unprocessed(read: false)),
    StateCase(name: "closed without closed_at: after updated_at", request: row(.closed, updated: 6), at: 6, expected: .handled),
    StateCase(name: "handled outside (phone), still 'new': before updated_at", request: row(.new, outside: .phone, updated: 8),
              at: 7, expected: .unprocessed(read: false)),
    StateCase(name: "handled outside (phone), still 'new': after updated_at", request: row(.new, outside: .phone, updated: 8),
              at: 8, expected: .handled),
    StateCase(name: "handled outside (email), 'read'", request: row(.read, outside: .email, read: 1, updated: 8), at: 9,
              expected: .handled),
    StateCase(name: "handled outside (in_person), replayed between read and handled", request:
                row(.read, outside: .inPerson, read: 1, updated: 8), at: 2, expected: .unprocessed(read: true)),
    StateCase(name: "handled outside (other)", request: row(.new, outside: .other, updated: 8), at: 100, expected: .handled),
]

@Suite("Request.state(at:)")
struct RequestStateTests {
    @Test("the state of a request at a given now", arguments: stateCases)
    func state(c: StateCase) {
        #expect(c.request.state(at: plus(c.at)) == c.expected)
        #expect(c.request.state(at: plus(c.at)).isUnprocessed == (c.expected == .unprocessed(read: true) || c.expected == .unprocessed(read: false)))
    }

    @Test("a request never goes back to unprocessed once handled or refused", arguments: stateCases)
    func neverReopens(c: StateCase) {
        var handledSince: Double?
        for tenth in stride(from: -10, through: 2000, by: 5) {
            let now = plus(Double(tenth) / 10)
            let s = c.request.state(at: now)
            if let since = handledSince {
                #expect(!s.isUnprocessed && s != .notYetCreated, "\(c.name): reopened at +\(Double(tenth) / 10)h after +\(since)h")
            } else if s == .handled || s == .refused {
                handledSince = Double(tenth) / 10
            }
        }
    }

    @Test("refusedAt dates a refusal by answered_at, closed_at, then updated_at")
    func refusedAt() {
        #expect(row(.refused, reason: .spam, updated: 4).refusedAt == plus(4))
        #expect(row(.refused, reason: .spam, closed: 3, updated: 4).refusedAt == plus(3))
        #expect(row(.refused, reason: .spam, answered: 2, closed: 3, updated: 4).refusedAt == plus(2))
        #expect(row(.answered, answered: 2, updated: 4).refusedAt == nil)
        #expect(row(.new).refusedAt == nil)
    }

    @Test("refusal reasons that offer nearby practitioners", arguments: [
        (Request.RefusalReason.duplicate, false), (.spam, false), (.notPractised, true), (.notInterested, true),
    ])
    func offersNearby(reason: Request.RefusalReason, expected: Bool) {
        #expect(reason.offersNearby == expected)
    }

    @Test("store spellings of the enums")
    func rawValues() {
        #expect(Request.Status.allCases.map(\.rawValue) == ["new", "read", "answered", "refused", "closed"])
        #expect(Request.RefusalReason.allCases.map(\.rawValue) == ["duplicate", "spam", "not_practised", "not_interested"])
        #expect(Request.HandledOutside.allCases.map(\.rawValue) == ["phone", "email", "in_person", "other"])
        #expect(Practitioner.Profile(rawValue: "address_only") == .addressOnly)
        #expect(Message.Author.allCases.map(\.rawValue) == ["patient", "practitioner", "assistant"])
    }

    @Test("updated_at defaults to created_at")
    func updatedDefault() {
        #expect(row().updatedAt == created)
    }

    @Test("a message is visible at deliver_at when deferred, else at created_at", arguments: [
        (nil as Double?, 0.0), (2, 2), (-1, 0),
    ])
    func visibleAt(deliver: Double?, expected: Double) {
        let m = Message(id: 1, requestID: 42, author: .practitioner, authorID: 7, createdAt: created, deliverAt: deliver.map(plus))
        #expect(m.visibleAt == plus(expected))
    }
}
