import Foundation
import Synchronization

/// A practitioner with the people who handle their requests and their calendar.
public struct Practice: Sendable {
    public var practitioner: Practitioner
    public var assistants: [Assistant]
    public var calendar: BusinessCalendar

    public init(practitioner: Practitioner, assistants: [Assistant] = [], closures: [Closure] = [],
                region: HolidayRegion = .france) {
        self.practitioner = practitioner
        self.assistants = assistants
        let zone = Zones.named(practitioner.timezone)
        self.calendar = BusinessCalendar(timeZone: zone, region: region, closures: closures.map(\.days))
    }

    /// The practitioner and each assistant by email; the practitioner by SMS too when asked.
    public func audience(sms: Bool) -> [Delivery] {
        let p = practitioner
        let me = Recipient(kind: .practitioner, id: p.id, displayName: p.displayName,
                           locale: p.locale, timezone: p.timezone)
        var out: [Delivery] = []
        if let email = p.email.nonEmpty { out.append(Delivery(channel: .email, address: email, recipient: me)) }
        if sms, p.smsAlerts, let phone = p.phone.nonEmpty {
            out.append(Delivery(channel: .sms, address: phone, recipient: me))
        }
        for a in assistants {
            guard let email = a.email.nonEmpty else { continue }
            let r = Recipient(kind: .assistant, id: a.id, displayName: a.displayName,
                              locale: p.locale, timezone: p.timezone)
            out.append(Delivery(channel: .email, address: email, recipient: r))
        }
        return out
    }

    /// The practitioner alone, by email.
    public var ownerByEmail: [Delivery] { audience(sms: false).filter { $0.recipient.kind == .practitioner } }
}

extension Patient {
    /// The patient by email (when opted in) and by SMS (when opted in and `sms` is asked).
    public func audience(sms: Bool, timezone: String) -> [Delivery] {
        let me = Recipient(kind: .patient, id: id, displayName: displayName, locale: locale, timezone: timezone)
        var out: [Delivery] = []
        if emailOptIn, let email = email.nonEmpty { out.append(Delivery(channel: .email, address: email, recipient: me)) }
        if sms, smsOptIn, let phone = phone.nonEmpty { out.append(Delivery(channel: .sms, address: phone, recipient: me)) }
        return out
    }
}

extension Optional where Wrapped == String {
    /// Trimmed of `CharacterSet.whitespaces` (tab, Unicode space separators, U+200B…);
    /// nil when nothing is left. Most values have nothing to trim and are returned as they are.
    var nonEmpty: String? {
        guard let s = self, let first = s.utf8.first, let last = s.utf8.last else { return nil }
        // ASCII and no space or control character at either end: nothing to trim.
        if first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return s }
        let blanks = CharacterSet.whitespaces
        let scalars = s.unicodeScalars
        guard let from = scalars.firstIndex(where: { !blanks.contains($0) }), let to = scalars.lastIndex(where: { !blanks.contains($0) })
        else { return nil }
        return String(scalars[from...to])
    }
}

/// Time zones by IANA name, loaded once: Foundation reads tzdata from disk on each lookup.
public enum Zones {
    private static let cache = Mutex<[String: TimeZone]>([:])
    public static let paris = TimeZone(identifier: "Europe/Paris")!

    /// The zone named `identifier`, or Europe/Paris when the name is unknown.
    public static func named(_ identifier: String) -> TimeZone {
        cache.withLock { zones in
            if let z = zones[identifier] { return z }
            let z = TimeZone(identifier: identifier) ?? paris
            zones[identifier] = z
            return z
        }
    }
}
