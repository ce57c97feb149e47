import Foundation
import GRDB
import RelanceCore

/// Inserts the demo's rows with one prepared statement per table, inside the
/// caller's transaction, in the contract's table order (foreign keys point backwards).
struct DemoWriter {
    let db: Database

    func write(_ people: DemoPeople, blocked: [(practitioner: Int, patient: Int)],
               requests: [DemoRequest], messages: [DemoMessage]) throws {
        let practitioners = try db.makeStatement(sql: """
            INSERT INTO practitioners (id, display_name, email, phone, profile, specialty, latitude, longitude,
                timezone, locale, messaging_open, notify_each_request, sms_alerts, forward_full_text)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let procedures = try db.makeStatement(sql: "INSERT INTO practitioner_procedures (practitioner_id, procedure) VALUES (?, ?)")
        for p in people.practitioners {
            try practitioners.execute(arguments: [
                p.id, p.displayName, p.email, p.phone, p.addressOnly ? "address_only" : "complete",
                p.specialty.name, p.latitude, p.longitude, p.timezone, p.locale,
                flag(p.messagingOpen), flag(p.notifyEachRequest), flag(p.smsAlerts), flag(p.forwardFullText),
            ])
            for procedure in p.procedures { try procedures.execute(arguments: [p.id, procedure]) }
        }

        let assistants = try db.makeStatement(sql: """
            INSERT INTO assistants (id, practitioner_id, display_name, email, phone) VALUES (?, ?, ?, ?, ?)
            """)
        for a in people.assistants {
            try assistants.execute(arguments: [a.id, people.practitioners[a.practitioner].id, a.displayName, a.email, a.phone])
        }

        let closures = try db.makeStatement(sql: """
            INSERT INTO closures (practitioner_id, starts_on, ends_on, note) VALUES (?, ?, ?, ?)
            """)
        for c in people.closures {
            try closures.execute(arguments: [people.practitioners[c.practitioner].id,
                                             c.startsOn.description, c.endsOn.description, c.note])
        }

        let patients = try db.makeStatement(sql: """
            INSERT INTO patients (id, display_name, email, phone, locale, latitude, longitude, email_opt_in, sms_opt_in)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for p in people.patients {
            try patients.execute(arguments: [p.id, p.displayName, p.email, p.phone, p.locale, p.latitude, p.longitude,
                                             flag(p.emailOptIn), flag(p.smsOptIn)])
        }

        let blocks = try db.makeStatement(sql: "INSERT INTO blocked_patients (practitioner_id, patient_id) VALUES (?, ?)")
        for b in blocked {
            try blocks.execute(arguments: [people.practitioners[b.practitioner].id, people.patients[b.patient].id])
        }

        let insertRequest = try db.makeStatement(sql: """
            INSERT INTO requests (id, practitioner_id, patient_id, procedure, status, refusal_reason, handled_outside,
                secondary, redirected_from, created_at, first_read_at, answered_at, closed_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for r in requests {
            try insertRequest.execute(arguments: [
                r.id, people.practitioners[r.practitioner].id, people.patients[r.patient].id, r.procedure,
                r.status, r.refusalReason, r.handledOutside, flag(r.source != nil), r.redirectedFrom,
                stamp(r.created), r.firstRead.map(stamp), r.answered.map(stamp), r.closed.map(stamp), stamp(r.updated),
            ])
        }

        let insertMessage = try db.makeStatement(sql: """
            INSERT INTO messages (id, request_id, author, author_id, body, created_at, deliver_at, read_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for m in messages {
            try insertMessage.execute(arguments: [
                m.id, requests[m.request].id, m.author, m.authorID, m.body,
                stamp(m.created), m.deliverAt.map(stamp), m.readAt.map(stamp),
            ])
        }
    }

    private func flag(_ value: Bool) -> Int { value ? 1 : 0 }
    private func stamp(_ seconds: Int) -> String { Timestamp.format(date(seconds)) }
}
