import Foundation
import GRDB
import RelanceCore

/// A platform row that breaks the store contract: skipped with this reason,
/// while every other row is processed.
public struct SkippedRow: Sendable, Hashable, CustomStringConvertible {
    public let table: String
    public let id: Int64?
    public let reason: String

    public var description: String { "\(table) row \(id.map(String.init) ?? "?") skipped: \(reason)" }
}

/// Decoding of the platform's rows into core values, checking the contract
/// field by field so that the skip reason names the column.
enum RowDecoder {
    struct Problem: Error { let reason: String }

    static func int64(_ row: Row, _ column: String) throws(Problem) -> Int64 {
        guard let v: Int64 = row[column] else { throw Problem(reason: "\(column) is NULL") }
        return v
    }

    static func text(_ row: Row, _ column: String) throws(Problem) -> String {
        guard let v: String = row[column] else { throw Problem(reason: "\(column) is NULL") }
        return v
    }

    static func bool(_ row: Row, _ column: String, default value: Bool) throws(Problem) -> Bool {
        guard let dbValue = row[column] as DatabaseValue? else { return value }
        switch dbValue.storage {
        case .null: return value
        case .int64(let i) where i == 0 || i == 1: return i == 1
        default: throw Problem(reason: "\(column) is not 0 or 1")
        }
    }

    static func timestamp(_ row: Row, _ column: String) throws(Problem) -> Date {
        let raw = try text(row, column)
        guard let d = Timestamp.parse(raw) else {
            throw Problem(reason: "\(column) '\(raw.prefix(40))' is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
        }
        return d
    }

    static func optionalTimestamp(_ row: Row, _ column: String) throws(Problem) -> Date? {
        guard let raw: String = row[column] else { return nil }
        guard let d = Timestamp.parse(raw) else {
            throw Problem(reason: "\(column) '\(raw.prefix(40))' is not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ")
        }
        return d
    }

    static func enumValue<E: RawRepresentable>(_ row: Row, _ column: String, _: E.Type) throws(Problem) -> E
        where E.RawValue == String {
        let raw = try text(row, column)
        guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(column) '\(raw.prefix(40))'") }
        return v
    }

    static func optionalEnum<E: RawRepresentable>(_ row: Row, _ column: String, _: E.Type) throws(Problem) -> E?
        where E.RawValue == String {
        guard let raw: String = row[column] else { return nil }
        guard let v = E(rawValue: raw) else { throw Problem(reason: "unknown \(column) '\(raw.prefix(40))'") }
        return v
    }

    static func practitioner(_ row: Row) throws(Problem) -> Practitioner {
        Practitioner(
            id: try int64(row, "id"), displayName: try text(row, "display_name"),
            email: row["email"], phone: row["phone"],
            profile: try enumValue(row, "profile", Practitioner.Profile.self),
            specialty: row["specialty"], latitude: row["latitude"], longitude: row["longitude"],
            timezone: (row["timezone"] as String?) ?? "Europe/Paris", locale: (row["locale"] as String?) ?? "fr",
            messagingOpen: try bool(row, "messaging_open", default: true),
            notifyEachRequest: try bool(row, "notify_each_request", default: true),
            smsAlerts: try bool(row, "sms_alerts", default: false),
            forwardFullText: try bool(row, "forward_full_text", default: false))
    }

    static func patient(_ row: Row) throws(Problem) -> Patient {
        Patient(
            id: try int64(row, "id"), displayName: try text(row, "display_name"),
            email: row["email"], phone: row["phone"], locale: (row["locale"] as String?) ?? "fr",
            latitude: row["latitude"], longitude: row["longitude"],
            emailOptIn: try bool(row, "email_opt_in", default: true),
            smsOptIn: try bool(row, "sms_opt_in", default: false))
    }

    static func assistant(_ row: Row) throws(Problem) -> Assistant {
        Assistant(id: try int64(row, "id"), practitionerID: try int64(row, "practitioner_id"),
                  displayName: try text(row, "display_name"), email: row["email"], phone: row["phone"])
    }

    static func closure(_ row: Row) throws(Problem) -> Closure {
        let s = try text(row, "starts_on"), e = try text(row, "ends_on")
        guard let start = CivilDate(iso: s) else { throw Problem(reason: "starts_on '\(s.prefix(20))' is not a date") }
        guard let end = CivilDate(iso: e) else { throw Problem(reason: "ends_on '\(e.prefix(20))' is not a date") }
        return Closure(practitionerID: try int64(row, "practitioner_id"), startsOn: start, endsOn: end, note: row["note"])
    }

    static func request(_ row: Row) throws(Problem) -> Request {
        Request(
            id: try int64(row, "id"), practitionerID: try int64(row, "practitioner_id"),
            patientID: try int64(row, "patient_id"), procedure: row["procedure"],
            status: try enumValue(row, "status", Request.Status.self),
            refusalReason: try optionalEnum(row, "refusal_reason", Request.RefusalReason.self),
            handledOutside: try optionalEnum(row, "handled_outside", Request.HandledOutside.self),
            secondary: try bool(row, "secondary", default: false), redirectedFrom: row["redirected_from"],
            createdAt: try timestamp(row, "created_at"), firstReadAt: try optionalTimestamp(row, "first_read_at"),
            answeredAt: try optionalTimestamp(row, "answered_at"), closedAt: try optionalTimestamp(row, "closed_at"),
            updatedAt: try timestamp(row, "updated_at"))
    }

    static func message(_ row: Row) throws(Problem) -> Message {
        Message(
            id: try int64(row, "id"), requestID: try int64(row, "request_id"),
            author: try enumValue(row, "author", Message.Author.self), authorID: try int64(row, "author_id"),
            createdAt: try timestamp(row, "created_at"), deliverAt: try optionalTimestamp(row, "deliver_at"),
            readAt: try optionalTimestamp(row, "read_at"))
    }
}
