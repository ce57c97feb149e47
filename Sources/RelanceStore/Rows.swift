import Foundation
import RelanceCore

/// A platform row that breaks the store contract: skipped with this reason,
/// while every other row is processed. The reason names the column and what
/// is wrong with it, never the value.
public struct SkippedRow: Sendable, Hashable, CustomStringConvertible {
    public let table: String
    public let id: Int64?
    /// The column at fault (or the reference that could not be followed).
    public let column: String
    public let reason: String

    public init(table: String, id: Int64?, column: String, reason: String) {
        self.table = table; self.id = id; self.column = column; self.reason = reason
    }

    init(table: String, id: Int64?, _ problem: Problem) {
        self.init(table: table, id: id, column: problem.column, reason: problem.reason)
    }

    public var description: String { "\(table) row \(id.map(String.init) ?? "?") skipped: \(reason)" }
}

/// Decoding of the platform's rows into core values, checking the contract
/// field by field so that the skip reason names the column. Engine-neutral:
/// it reads `PlatformValue`s, whichever engine produced them.
enum RowDecoder {
    /// Each table's columns in a fixed order: rows are selected with these
    /// lists and read by position.
    struct Columns: Sendable {
        let names: [String]
        let position: [String: Int]

        init(_ names: [String]) {
            self.names = names
            position = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// `a.id, a.display_name, …` for a SELECT.
        func select(_ alias: String) -> String { names.map { "\(alias).\($0)" }.joined(separator: ", ") }
    }

    static let practitionerColumns = Columns(["id", "display_name", "email", "phone", "profile", "specialty", "latitude",
        "longitude", "timezone", "locale", "messaging_open", "notify_each_request", "sms_alerts", "forward_full_text"])
    static let patientColumns = Columns(["id", "display_name", "email", "phone", "locale", "latitude", "longitude",
        "email_opt_in", "sms_opt_in"])
    static let assistantColumns = Columns(["id", "practitioner_id", "display_name", "email", "phone"])
    /// Not `note`: no rule reads it, so a bad note never costs a practitioner their calendar.
    static let closureColumns = Columns(["practitioner_id", "starts_on", "ends_on"])
    static let requestColumns = Columns(["id", "practitioner_id", "patient_id", "procedure", "status", "refusal_reason",
        "handled_outside", "secondary", "redirected_from", "created_at", "first_read_at", "answered_at", "closed_at", "updated_at"])
    static let messageColumns = Columns(["id", "request_id", "author", "author_id", "created_at", "deliver_at", "read_at"])

    static let latitudes = -90.0...90.0
    static let longitudes = -180.0...180.0

    static func practitioner(_ row: PlatformRow) throws(Problem) -> Practitioner {
        Practitioner(
            id: try row.int64("id"), displayName: try row.text("display_name"),
            email: try row.optionalText("email"), phone: try row.optionalText("phone"),
            profile: try row.enumValue("profile", Practitioner.Profile.self),
            specialty: try row.optionalText("specialty"),
            latitude: try row.optionalDouble("latitude", within: latitudes),
            longitude: try row.optionalDouble("longitude", within: longitudes),
            timezone: try row.text("timezone", default: "Europe/Paris"), locale: try row.text("locale", default: "fr"),
            messagingOpen: try row.bool("messaging_open", default: true),
            notifyEachRequest: try row.bool("notify_each_request", default: true),
            smsAlerts: try row.bool("sms_alerts", default: false),
            forwardFullText: try row.bool("forward_full_text", default: false))
    }

    static func patient(_ row: PlatformRow) throws(Problem) -> Patient {
        Patient(
            id: try row.int64("id"), displayName: try row.text("display_name"),
            email: try row.optionalText("email"), phone: try row.optionalText("phone"),
            locale: try row.text("locale", default: "fr"),
            latitude: try row.optionalDouble("latitude", within: latitudes),
            longitude: try row.optionalDouble("longitude", within: longitudes),
            emailOptIn: try row.bool("email_opt_in", default: true),
            smsOptIn: try row.bool("sms_opt_in", default: false))
    }

    static func assistant(_ row: PlatformRow) throws(Problem) -> Assistant {
        Assistant(id: try row.int64("id"), practitionerID: try row.int64("practitioner_id"),
                  displayName: try row.text("display_name"), email: try row.optionalText("email"),
                  phone: try row.optionalText("phone"))
    }

    static func closure(_ row: PlatformRow) throws(Problem) -> Closure {
        let start = try row.date("starts_on"), end = try row.date("ends_on")
        return Closure(practitionerID: try row.int64("practitioner_id"), startsOn: start, endsOn: end)
    }

    static func request(_ row: PlatformRow) throws(Problem) -> Request {
        Request(
            id: try row.int64("id"), practitionerID: try row.int64("practitioner_id"),
            patientID: try row.int64("patient_id"), procedure: try row.optionalText("procedure"),
            status: try row.enumValue("status", Request.Status.self),
            refusalReason: try row.optionalEnum("refusal_reason", Request.RefusalReason.self),
            handledOutside: try row.optionalEnum("handled_outside", Request.HandledOutside.self),
            secondary: try row.bool("secondary", default: false), redirectedFrom: try row.optionalInt64("redirected_from"),
            createdAt: try row.timestamp("created_at"), firstReadAt: try row.optionalTimestamp("first_read_at"),
            answeredAt: try row.optionalTimestamp("answered_at"), closedAt: try row.optionalTimestamp("closed_at"),
            updatedAt: try row.timestamp("updated_at"))
    }

    static func message(_ row: PlatformRow) throws(Problem) -> Message {
        Message(
            id: try row.int64("id"), requestID: try row.int64("request_id"),
            author: try row.enumValue("author", Message.Author.self), authorID: try row.int64("author_id"),
            createdAt: try row.timestamp("created_at"), deliverAt: try row.optionalTimestamp("deliver_at"),
            readAt: try row.optionalTimestamp("read_at"))
    }
}
