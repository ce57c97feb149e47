import Foundation
import RelanceCore
import RelanceStore

/// The platform's rows into core values. PostgreSQL's types and CHECKs already
/// hold most of the contract; what remains (NULLs, unknown values) is checked
/// column by column so that a skip reason names the column.
enum PGDecode {
    struct Problem: Error { let reason: String }

    /// Each table's columns in a fixed order: rows are selected with these lists and read by position.
    struct Columns {
        let names: [String]
        let position: [String: Int]
        init(_ names: [String]) {
            self.names = names
            position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        }
        func select(_ alias: String) -> String { names.map { "\(alias).\($0)" }.joined(separator: ", ") }
    }

    static let practitioner = Columns(Contract.columns["practitioners"]!)
    static let patient = Columns(Contract.columns["patients"]!)
    static let assistant = Columns(Contract.columns["assistants"]!)
    static let closure = Columns(Contract.columns["closures"]!)
    static let request = Columns(Contract.columns["requests"]!)
    /// Never the body.
    static let message = Columns(["id", "request_id", "author", "author_id", "created_at", "deliver_at", "read_at"])

    /// A row selected with a `Columns` list, starting at `offset`.
    struct View {
        let row: PGRow
        let columns: Columns
        var offset = 0
        func i(_ name: String) -> Int { offset + columns.position[name]! }
        func text(_ name: String) -> String? { row.text(i(name)) }
        func double(_ name: String) -> Double? { row.double(i(name)) }
        func optionalInt(_ name: String) -> Int64? { row.int(i(name)) }

        func int(_ name: String) throws(Problem) -> Int64 {
            guard let v = row.int(i(name)) else { throw Problem(reason: "\(name) is NULL") }
            return v
        }
        func required(_ name: String) throws(Problem) -> String {
            guard let v = row.text(i(name)) else { throw Problem(reason: "\(name) is NULL") }
            return v
        }
        func bool(_ name: String, default value: Bool) -> Bool { row.bool(i(name)) ?? value }
        func timestamp(_ name: String) throws(Problem) -> Date {
            guard let raw = row.text(i(name)) else { throw Problem(reason: "\(name) is NULL") }
            guard let d = PGText.timestamp(raw) else { throw Problem(reason: "\(name) '\(raw.prefix(40))' is not a timestamp") }
            return d
        }
        func optionalTimestamp(_ name: String) throws(Problem) -> Date? {
            guard let raw = row.text(i(name)) else { return nil }
            guard let d = PGText.timestamp(raw) else { throw Problem(reason: "\(name) '\(raw.prefix(40))' is not a timestamp") }
            return d
        }
        func enumValue<E: RawRepresentable>(_ name: String, _: E.Type) throws(Problem) -> E where E.RawValue == String {
            let raw = try required(name)
            guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(name) '\(raw.prefix(40))'") }
            return v
        }
        func optionalEnum<E: RawRepresentable>(_ name: String, _: E.Type) throws(Problem) -> E? where E.RawValue == String {
            guard let raw = row.text(i(name)) else { return nil }
            guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(name) '\(raw.prefix(40))'") }
            return v
        }
    }

    static func practitioner(_ raw: PGRow, offset: Int = 0) throws(Problem) -> Practitioner {
        let row = View(row: raw, columns: practitioner, offset: offset)
        return Practitioner(
            id: try row.int("id"), displayName: try row.required("display_name"),
            email: row.text("email"), phone: row.text("phone"),
            profile: try row.enumValue("profile", Practitioner.Profile.self),
            specialty: row.text("specialty"), latitude: row.double("latitude"), longitude: row.double("longitude"),
            timezone: row.text("timezone") ?? "Europe/Paris", locale: row.text("locale") ?? "fr",
            messagingOpen: row.bool("messaging_open", default: true),
            notifyEachRequest: row.bool("notify_each_request", default: true),
            smsAlerts: row.bool("sms_alerts", default: false),
            forwardFullText: row.bool("forward_full_text", default: false))
    }

    static func patient(_ raw: PGRow, offset: Int = 0) throws(Problem) -> Patient {
        let row = View(row: raw, columns: patient, offset: offset)
        return Patient(
            id: try row.int("id"), displayName: try row.required("display_name"),
            email: row.text("email"), phone: row.text("phone"), locale: row.text("locale") ?? "fr",
            latitude: row.double("latitude"), longitude: row.double("longitude"),
            emailOptIn: row.bool("email_opt_in", default: true), smsOptIn: row.bool("sms_opt_in", default: false))
    }

    static func assistant(_ raw: PGRow) throws(Problem) -> Assistant {
        let row = View(row: raw, columns: assistant)
        return Assistant(id: try row.int("id"), practitionerID: try row.int("practitioner_id"),
                         displayName: try row.required("display_name"), email: row.text("email"), phone: row.text("phone"))
    }

    static func closure(_ raw: PGRow) throws(Problem) -> Closure {
        let row = View(row: raw, columns: closure)
        let s = try row.required("starts_on"), e = try row.required("ends_on")
        guard let start = CivilDate(iso: s) else { throw Problem(reason: "starts_on '\(s.prefix(20))' is not a date") }
        guard let end = CivilDate(iso: e) else { throw Problem(reason: "ends_on '\(e.prefix(20))' is not a date") }
        return Closure(practitionerID: try row.int("practitioner_id"), startsOn: start, endsOn: end, note: row.text("note"))
    }

    static func request(_ raw: PGRow, offset: Int = 0) throws(Problem) -> Request {
        let row = View(row: raw, columns: request, offset: offset)
        return Request(
            id: try row.int("id"), practitionerID: try row.int("practitioner_id"),
            patientID: try row.int("patient_id"), procedure: row.text("procedure"),
            status: try row.enumValue("status", Request.Status.self),
            refusalReason: try row.optionalEnum("refusal_reason", Request.RefusalReason.self),
            handledOutside: try row.optionalEnum("handled_outside", Request.HandledOutside.self),
            secondary: row.bool("secondary", default: false), redirectedFrom: row.optionalInt("redirected_from"),
            createdAt: try row.timestamp("created_at"), firstReadAt: try row.optionalTimestamp("first_read_at"),
            answeredAt: try row.optionalTimestamp("answered_at"), closedAt: try row.optionalTimestamp("closed_at"),
            updatedAt: try row.timestamp("updated_at"))
    }

    static func message(_ raw: PGRow) throws(Problem) -> Message {
        let row = View(row: raw, columns: message)
        return Message(
            id: try row.int("id"), requestID: try row.int("request_id"),
            author: try row.enumValue("author", Message.Author.self), authorID: try row.int("author_id"),
            createdAt: try row.timestamp("created_at"), deliverAt: try row.optionalTimestamp("deliver_at"),
            readAt: try row.optionalTimestamp("read_at"))
    }
}
