import Foundation
import RelanceCore
import RelanceStore

/// The words of one delivery: an email's subject, text and HTML, or an SMS.
public struct Rendered: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
    public var sms: String
}

/// Renders outbox rows with the templates of their rule and the recipient's
/// locale (fr by default, en).
///
/// Privacy: the variables carry no message body, procedure or patient name;
/// only rule 8's template gets the full text, which the practitioner asked
/// for. Links are signed per recipient.
public struct Renderer: Sendable {
    public let links: SignInLink
    public let templates: TemplateSet

    public init(links: SignInLink, templates: TemplateSet) { self.links = links; self.templates = templates }

    public func render(_ item: OutboxItem, fullText: String? = nil) -> Rendered {
        render(item, fullText: fullText, parts: TemplateSet.Part.allCases)
    }

    /// Renders only `parts` (the others are empty): an email needs no SMS text, an SMS no HTML.
    public func render(_ item: OutboxItem, fullText: String? = nil, parts: [TemplateSet.Part]) -> Rendered {
        let v = variables(item, fullText: fullText)
        let locale = item.delivery.recipient.locale
        func part(_ p: TemplateSet.Part) -> String { parts.contains(p) ? templates.render(item.rule, locale: locale, p, v) : "" }
        return Rendered(subject: part(.subject), text: part(.text), html: part(.html), sms: part(.sms))
    }

    /// What a template can use (README lists them).
    func variables(_ item: OutboxItem, fullText: String?) -> [String: Any] {
        let r = item.delivery.recipient
        let requestID = item.requestID ?? 0
        var v: [String: Any] = [
            "name": r.displayName,
            "link": links.url(recipient: r, requestID: requestID, issuedAt: item.decidedAt),
            "link_expiry": LocalDate.dateTime(item.decidedAt.addingTimeInterval(links.ttl), timezone: r.timezone, locale: r.locale),
            "requests_link": links.baseURL + "/demandes",
            "count": item.content.count ?? 0,
            "first_request": item.reason != "new_message",
            "refused": item.reason == "refused",
            // Message alerts: alerts of this request held back (coalesced) since the previous one.
            "coalesced": (item.content.heldBack ?? 0) > 0,
            "earlier_messages": item.content.heldBack ?? 0,
            "closure_end": item.content.closureEndsOn.flatMap { CivilDate(iso: $0) }.map { LocalDate.day($0, locale: r.locale) } ?? "?",
        ]
        if let due = item.content.dueAt {
            v["due_date"] = LocalDate.dateTime(due, timezone: r.timezone, locale: r.locale)
        }
        if let practitioner = item.content.practitionerName { v["practitioner"] = practitioner }
        v["nearby"] = (item.content.nearby ?? []).map { option -> [String: Any] in
            var o: [String: Any] = [
                "name": option.displayName,
                "distance": String(format: "%.1f", option.distanceKm).replacingOccurrences(of: ".", with: r.locale == "en" ? "." : ","),
                "link": links.url(recipient: r, requestID: requestID, issuedAt: item.decidedAt, proposing: option.practitionerID),
            ]
            if let specialty = option.specialty { o["specialty"] = specialty }
            return o
        }
        if item.rule == .fullTextForward, let fullText {
            v["full_text"] = fullText
            v["full_text_html"] = Self.escapeHTML(fullText).replacingOccurrences(of: "\n", with: "<br>")
        }
        return v
    }

    static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Values of every variable, for checking templates at start.
    nonisolated(unsafe) static let sampleVariables: [String: Any] = [
        "name": "Dr Exemple", "link": "https://app.example.org/connexion?jeton=x", "link_expiry": "lundi 1er juin 2026 à 9h00",
        "requests_link": "https://app.example.org/demandes", "count": 4, "first_request": true, "refused": false,
        "coalesced": true, "earlier_messages": 3,
        "closure_end": "lundi 1er juin 2026", "due_date": "lundi 1er juin 2026 à 9h00", "practitioner": "Dr Exemple",
        "nearby": [["name": "Dr Proche", "specialty": "Kinésithérapie", "distance": "1,2", "link": "https://app.example.org/connexion?jeton=y"]],
        "full_text": "…", "full_text_html": "…",
    ]
}
