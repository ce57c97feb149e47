import Foundation
import RelanceCore

/// `[calendar]`: public holidays and the time zone used when a practitioner has none.
public struct CalendarConfig: Sendable, Equatable {
    /// `region` [france]: `"france"` or `"alsace-moselle"` (adds Good Friday and 26 December).
    public var region: HolidayRegion
    /// `default_timezone` ["Europe/Paris"]: an IANA time zone identifier.
    public var defaultTimezone: String

    public init(region: HolidayRegion = .france, defaultTimezone: String = "Europe/Paris") {
        self.region = region
        self.defaultTimezone = defaultTimezone
    }
}

extension CalendarConfig {
    static func read(_ r: inout TableReader) -> CalendarConfig {
        var c = CalendarConfig()
        c.region = r.choice("region", default: c.region)
        if let zone = r.string("default_timezone") {
            if !zone.isEmpty, TimeZone(identifier: zone) != nil {
                c.defaultTimezone = zone
            } else {
                var message = "\"\(zone)\" is not a known time zone; write an IANA identifier such as \"Europe/Paris\""
                if let guess = Suggestions.closest(to: zone, in: TimeZone.knownTimeZoneIdentifiers) {
                    message = "\"\(zone)\" is not a known time zone; did you mean \"\(guess)\"?"
                }
                r.report("default_timezone", message)
            }
        }
        r.finish()
        return c
    }
}
