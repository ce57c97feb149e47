import Foundation
import RelanceCore

/// What `DemoGenerator.fill` wrote, for `relance demo` to print.
public struct DemoSummary: Sendable, CustomStringConvertible {
    /// The seed the data was generated from.
    public var seed: UInt64
    /// The moment the data is "as of".
    public var asOf: Date

    public var practitioners: Int
    /// Practitioners whose profile is 'address_only' (no reminders; their patients get proposals).
    public var addressOnlyPractitioners: Int
    /// Rows of `practitioner_procedures`.
    public var procedures: Int
    public var assistants: Int
    public var patients: Int
    public var blockedPatients: Int
    public var requests: Int
    public var messages: Int
    public var closures: Int
    /// Practitioners inside a closure at `asOf` (their patients get the closure auto-reply).
    public var closedNow: Int

    /// Requests per status ('new', 'read', 'answered', 'refused', 'closed').
    public var requestsByStatus: [String: Int]
    /// Status 'new' or 'read' and not handled outside the platform.
    public var unprocessed: Int
    /// Unprocessed requests created more than 3 business days (practitioner's calendar) before `asOf`.
    public var unprocessedOlderThan3BusinessDays: Int
    /// Requests answered, refused, closed or handled outside within 48 h of their creation.
    public var handledWithin48h: Int
    /// Requests with `secondary` = 1, sent through a proposal.
    public var secondary: Int
    /// Practitioner or assistant messages with a `deliver_at`.
    public var deferredMessages: Int
    /// Deferred messages whose `deliver_at` is still after `asOf`.
    public var deferredPending: Int

    public var description: String {
        func percent(_ n: Int) -> String { requests == 0 ? "0 %" : "\(Int((Double(n) * 100 / Double(requests)).rounded())) %" }
        let statuses = ["new", "read", "answered", "refused", "closed"]
            .map { "\($0) \(requestsByStatus[$0, default: 0])" }.joined(separator: ", ")
        return """
        demo data as of \(Timestamp.format(asOf)) (seed \(seed))
          practitioners  \(practitioners) (\(addressOnlyPractitioners) address-only, \(procedures) procedures, \(closedNow) closed now)
          assistants     \(assistants)
          closures       \(closures)
          patients       \(patients) (\(blockedPatients) blocked pairs)
          requests       \(requests): \(statuses); \(secondary) secondary
                         unprocessed \(unprocessed) (\(percent(unprocessed))), \(unprocessedOlderThan3BusinessDays) older than 3 business days
                         handled within 48 h \(handledWithin48h) (\(percent(handledWithin48h)))
          messages       \(messages) (\(deferredMessages) deferred, \(deferredPending) still to deliver)
        """
    }
}
