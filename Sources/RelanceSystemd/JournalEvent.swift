/// The kinds of event relance logs with a journald `MESSAGE_ID`, so that
/// `journalctl MESSAGE_ID=…` finds every one and `journalctl -x` explains it
/// from `systemd/relance.catalog` (keep the two in step: a test compares them).
///
/// Code logs `metadata: ["event": "delivered"]`; the journal handler turns the
/// name into the ID and drops the field.
public enum JournalEvent: String, Sendable, CaseIterable {
    case decision
    case delivered
    case deferred
    case dead
    case notSent = "not_sent"
    case rowSkipped = "row_skipped"
    case cycle
    case configReloaded = "config_reloaded"
    case configRejected = "config_rejected"
    case transportPaused = "transport_paused"
    case transportResumed = "transport_resumed"
    case outboxRequeued = "outbox_requeued"

    /// The 128-bit journal message ID, 32 lower-case hex digits.
    public var messageID: String {
        switch self {
        case .decision: "07f463c873714243a0d1228779c29ec7"
        case .delivered: "31e08ee05cfc46359ba8812425a90600"
        case .deferred: "673a95cd660e4b4b8b2458dd418da3d6"
        case .dead: "c4cceac7156a4d0087098161c544c8c5"
        case .notSent: "906a743efcb141d9b1414ce4948bcc0b"
        case .rowSkipped: "94e949c4c943426b9c8e86764f28051a"
        case .cycle: "4f8f0a1ac3c541afb018aae2c0938455"
        case .configReloaded: "86e85e832ef840a1bb203683e8506d98"
        case .configRejected: "9b8bac89a1d4438bb0760587e1847c73"
        case .transportPaused: "8ccfa972625141ebade1a805d416fffb"
        case .transportResumed: "de184783ec8747e3bf2e94770860a280"
        case .outboxRequeued: "da40d5e3af244acca7471be084825d14"
        }
    }
}
