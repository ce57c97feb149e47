import Foundation

/// What one rule concluded for one request or message at `now`: the
/// material of `relance explain`.
public enum Outcome: Sendable, Equatable {
    /// The rule decided something now.
    case fired(Decision)
    /// The rule will be looked at again at this instant.
    case pending(RuleName, due: Date, why: String)
    /// The rule does not apply, for this reason.
    case skipped(RuleName, why: String)
    /// The patient must be offered other practitioners; the caller looks them
    /// up (an index query) and completes the decision with `NearbySearch`.
    case needsProposal(reason: ProposalReason)

    public var decision: Decision? {
        if case .fired(let d) = self { return d }
        return nil
    }
}

public enum ProposalReason: String, Sendable, Codable {
    case addressOnly = "address_only"
    case unread
    case refused
}
