import Foundation
import RelanceCore
import RelanceStore

/// The demo's rows, in the contract's table order (foreign keys point backwards),
/// engine-neutral: SQLite and PostgreSQL insert the very same values.
struct DemoWriter {
    static func rows(_ people: DemoPeople, blocked: [(practitioner: Int, patient: Int)],
                     requests: [DemoRequest], messages: [DemoMessage]) -> [PlatformRows] {
        var practitioners = PlatformRows(table: "practitioners", columns: [
            "id", "display_name", "email", "phone", "profile", "specialty", "latitude", "longitude",
            "timezone", "locale", "messaging_open", "notify_each_request", "sms_alerts", "forward_full_text"])
        var procedures = PlatformRows(table: "practitioner_procedures", columns: ["practitioner_id", "procedure"])
        for p in people.practitioners {
            practitioners.rows.append([
                v(p.id), v(p.displayName), v(p.email), v(p.phone), v(p.addressOnly ? "address_only" : "complete"),
                v(p.specialty.name), v(p.latitude), v(p.longitude), v(p.timezone), v(p.locale),
                .bool(p.messagingOpen), .bool(p.notifyEachRequest), .bool(p.smsAlerts), .bool(p.forwardFullText),
            ])
            for procedure in p.procedures { procedures.rows.append([v(p.id), v(procedure)]) }
        }

        var assistants = PlatformRows(table: "assistants", columns: ["id", "practitioner_id", "display_name", "email", "phone"])
        for a in people.assistants {
            assistants.rows.append([v(a.id), v(people.practitioners[a.practitioner].id), v(a.displayName), v(a.email), v(a.phone)])
        }

        var closures = PlatformRows(table: "closures", columns: ["practitioner_id", "starts_on", "ends_on", "note"])
        for c in people.closures {
            closures.rows.append([v(people.practitioners[c.practitioner].id), v(c.startsOn.description),
                                  v(c.endsOn.description), v(c.note)])
        }

        var patients = PlatformRows(table: "patients", columns: [
            "id", "display_name", "email", "phone", "locale", "latitude", "longitude", "email_opt_in", "sms_opt_in"])
        for p in people.patients {
            patients.rows.append([v(p.id), v(p.displayName), v(p.email), v(p.phone), v(p.locale), v(p.latitude),
                                  v(p.longitude), .bool(p.emailOptIn), .bool(p.smsOptIn)])
        }

        var blocks = PlatformRows(table: "blocked_patients", columns: ["practitioner_id", "patient_id"])
        for b in blocked {
            blocks.rows.append([v(people.practitioners[b.practitioner].id), v(people.patients[b.patient].id)])
        }

        var requestRows = PlatformRows(table: "requests", columns: [
            "id", "practitioner_id", "patient_id", "procedure", "status", "refusal_reason", "handled_outside",
            "secondary", "redirected_from", "created_at", "first_read_at", "answered_at", "closed_at", "updated_at"])
        for r in requests {
            requestRows.rows.append([
                v(r.id), v(people.practitioners[r.practitioner].id), v(people.patients[r.patient].id), v(r.procedure),
                v(r.status), v(r.refusalReason), v(r.handledOutside), .bool(r.source != nil), v(r.redirectedFrom),
                stamp(r.created), stamp(r.firstRead), stamp(r.answered), stamp(r.closed), stamp(r.updated),
            ])
        }

        var messageRows = PlatformRows(table: "messages", columns: [
            "id", "request_id", "author", "author_id", "body", "created_at", "deliver_at", "read_at"])
        for m in messages {
            messageRows.rows.append([
                v(m.id), v(requests[m.request].id), v(m.author), v(m.authorID), v(m.body),
                stamp(m.created), stamp(m.deliverAt), stamp(m.readAt),
            ])
        }
        return [practitioners, procedures, assistants, closures, patients, blocks, requestRows, messageRows]
    }

    private static func v<I: BinaryInteger>(_ value: I?) -> PlatformCell { value.map { .int(Int64($0)) } ?? .null }
    private static func v(_ value: Double?) -> PlatformCell { value.map { .double($0) } ?? .null }
    private static func v(_ value: String?) -> PlatformCell { value.map { .text($0) } ?? .null }
    private static func stamp(_ seconds: Int?) -> PlatformCell { seconds.map { .text(Timestamp.format(date($0))) } ?? .null }
}
