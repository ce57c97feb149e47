import Foundation

/// Response statistics: refusals and requests handled outside the site count
/// as handled, as the platform counts them.
public struct ResponseStats: Sendable, Equatable {
    public var requests = 0
    public var handled = 0
    /// Median seconds from creation to the first answer (answer, refusal, handling outside).
    public var medianSecondsToAnswer: Double?
    /// Requests at least 48 h old not handled within 48 h.
    public var notHandledIn48h = 0
    /// Requests at least 48 h old (the denominator of the 48 h share).
    public var olderThan48h = 0

    public var responseRate: Double { requests == 0 ? 0 : Double(handled) / Double(requests) }
    public var shareNotHandledIn48h: Double { olderThan48h == 0 ? 0 : Double(notHandledIn48h) / Double(olderThan48h) }

    /// When `r` was first handled, if it was by `now`.
    public static func handledAt(_ r: Request, now: Date) -> Date? {
        let candidates: [Date?] = [
            r.answeredAt, r.refusedAt, r.closedAt,
            r.handledOutside != nil ? r.updatedAt : nil,
            r.status == .closed ? r.updatedAt : nil,
        ]
        return candidates.compactMap { $0 }.filter { $0 <= now && $0 >= r.createdAt }.min()
    }

    public static func compute(_ requests: [Request], now: Date) -> ResponseStats {
        var s = ResponseStats()
        var delays: [Double] = []
        for r in requests where r.createdAt <= now {
            s.requests += 1
            let at = handledAt(r, now: now)
            if let at {
                s.handled += 1
                delays.append(at.timeIntervalSince(r.createdAt))
            }
            if now.timeIntervalSince(r.createdAt) >= 48 * 3600 {
                s.olderThan48h += 1
                if at.map({ $0.timeIntervalSince(r.createdAt) > 48 * 3600 }) ?? true { s.notHandledIn48h += 1 }
            }
        }
        delays.sort()
        if !delays.isEmpty {
            let mid = delays.count / 2
            s.medianSecondsToAnswer = delays.count % 2 == 1 ? delays[mid] : (delays[mid - 1] + delays[mid]) / 2
        }
        return s
    }
}
