import Foundation

/// How far an incremental read got: everything visible up to `value` was
/// processed, or, after a cycle that hit its limit, everything up to
/// (`value`, `afterID`) in (time, id) order. Engine-neutral arithmetic; each
/// engine stores it in `relance_cursors`.
public struct CursorPosition: Sendable, Equatable {
    public var value: Date
    /// Set when a cycle stopped at its limit: the next read resumes exactly
    /// after this row, with no overlap, so a flood cannot make it re-read itself.
    public var afterID: Int64?

    public init(value: Date, afterID: Int64? = nil) { self.value = value; self.afterID = afterID }

    /// Where a cycle at `now` reads from.
    public enum Window: Sendable, Equatable {
        /// Rows strictly after this instant.
        case since(Date)
        /// Rows strictly after (`instant`, `id`) in (time, id) order.
        case after(Date, id: Int64)
    }

    /// Rows committed late (a platform transaction that took its timestamp
    /// before our last cycle but committed after) are caught by reading this
    /// far behind a completed cursor; idempotency keys make the overlap harmless.
    public static let overlap: TimeInterval = 600

    /// `catchUp` applies to a first start only (no cursor yet) and to a replay
    /// at a `now` before the cursor; after an outage of any length, reading
    /// resumes where the last cycle stopped.
    public static func window(stored: CursorPosition?, now: Date, catchUp: TimeInterval) -> Window {
        let floor = now.addingTimeInterval(-catchUp)
        guard let stored, stored.value <= now else { return .since(floor) }
        if let id = stored.afterID { return .after(stored.value, id: id) }
        return .since(stored.value.addingTimeInterval(-overlap))
    }

    /// The later of two positions: a cursor never moves back (a replay at an earlier `now` leaves it).
    public static func later(_ a: CursorPosition, _ b: CursorPosition) -> CursorPosition {
        if a.value != b.value { return a.value > b.value ? a : b }
        // At the same instant, a completed read (no id) is past any partial one.
        guard let x = a.afterID else { return a }
        guard let y = b.afterID else { return b }
        return x >= y ? a : b
    }
}
