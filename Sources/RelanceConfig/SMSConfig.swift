import Foundation
import RelanceCore

/// How SMS leave the daemon.
public enum SMSTransport: String, Sendable, CaseIterable {
    /// SMS are not sent.
    case none
    /// One `.json` file per message in `spool`.
    case file
    /// Twilio-style form API (`account_sid`, token).
    case twilio
    /// Vonage SMS API (`api_key`, token as the API secret).
    case vonage
    /// A generic JSON webhook at `base_url` (token as a bearer token, when set).
    case webhook
}

/// `[sms]`: the SMS transport and its settings.
public struct SMSConfig: Sendable, Equatable {
    /// `transport` [none].
    public var transport: SMSTransport
    /// `quiet_hours` ["20:00-08:00"]: local hours during which SMS wait; nil when disabled
    /// (`"none"` or `""`).
    public var quietHours: QuietHours?
    /// `spool`: folder of `.json` files, absolute (required for file).
    public var spool: String?
    /// `from`: sender number (E.164) or alphanumeric sender ID (required for twilio and vonage).
    public var from: String?
    /// `base_url`: API root overriding the gateway's default (required for webhook).
    public var baseURL: String?
    /// `account_sid` (required for twilio).
    public var accountSID: String?
    /// `api_key` (required for vonage).
    public var apiKey: String?
    /// From `token_file`, else the systemd credential `sms-token`.
    public var token: Secret?
    /// `max_segments` [3], 1…10: longer texts are shortened.
    public var maxSegments: Int
    /// `uncertain_retries` [1], 0…5: retries after a failure that may already have sent
    /// the message (a Twilio 5xx, a timeout once the request left).
    public var uncertainRetries: Int = 1
    /// `body_template` (webhook): the JSON body, with `{{to}}`, `{{from}}`, `{{text}}`
    /// and `{{id}}` replaced by JSON strings; nil for the built-in one.
    public var bodyTemplate: String?
    /// `rate`: at most this many SMS per second from this daemon (unset: no pacing).
    public var rate: Double?

    public init(transport: SMSTransport = .none, quietHours: QuietHours? = .default, spool: String? = nil,
                from: String? = nil, baseURL: String? = nil, accountSID: String? = nil, apiKey: String? = nil,
                token: Secret? = nil, maxSegments: Int = 3) {
        self.transport = transport
        self.quietHours = quietHours
        self.spool = spool
        self.from = from
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.apiKey = apiKey
        self.token = token
        self.maxSegments = maxSegments
    }
}

extension SMSConfig {
    /// Why a webhook body template is unusable, or nil: it must give a JSON object
    /// once its placeholders are replaced, and carry `{{to}}` and `{{text}}`.
    static func templateProblem(_ template: String) -> String? {
        for needed in ["{{to}}", "{{text}}"] where !template.contains(needed) {
            return "the template never uses \(needed)"
        }
        var probe = template
        for name in ["to", "from", "text", "id"] { probe = probe.replacingOccurrences(of: "{{\(name)}}", with: "\"x\"") }
        guard (try? JSONSerialization.jsonObject(with: Data(probe.utf8))) is [String: Any] else {
            return "not a JSON object once {{to}}, {{from}}, {{text}} and {{id}} are replaced by strings (write them without quotes)"
        }
        return nil
    }

    /// The systemd credential holding the gateway token.
    public static let credentialName = "sms-token"

    static func read(_ r: inout TableReader) -> SMSConfig {
        var c = SMSConfig()
        c.transport = r.choice("transport", default: c.transport)
        if let text = r.string("quiet_hours") {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.lowercased() == "none" {
                c.quietHours = nil
            } else if let hours = QuietHours(trimmed) {
                c.quietHours = hours
            } else {
                r.report("quiet_hours", "\"\(text)\" is not a quiet-hours window: write \"HH:MM-HH:MM\" with "
                    + "different start and end, such as \"20:00-08:00\", or \"none\"")
            }
        }
        c.spool = r.path("spool")
        c.from = r.singleLine("from")
        c.baseURL = r.url("base_url", schemes: ["https", "http"])
        c.accountSID = r.singleLine("account_sid")
        c.apiKey = r.singleLine("api_key")
        c.token = r.secret(fileKey: "token_file", credential: credentialName)
        c.maxSegments = r.int("max_segments", default: c.maxSegments, range: 1...10)
        c.uncertainRetries = r.int("uncertain_retries", default: c.uncertainRetries, range: 0...5)
        if r.has("rate") { c.rate = Optional(r.number("rate", default: 0, above: 0, upTo: 10_000)).flatMap { $0 > 0 ? $0 : nil } }
        if let template = r.string("body_template") {
            if let problem = Self.templateProblem(template) { r.report("body_template", problem) } else { c.bodyTemplate = template }
        }

        let needs: [(SMSTransport, String, String)] = [
            (.file, "spool", "transport = \"file\" needs a folder, e.g. spool = \"/var/spool/relance/sms\""),
            (.twilio, "account_sid", "transport = \"twilio\" needs the account SID"),
            (.twilio, "from", "transport = \"twilio\" needs the sender number, e.g. from = \"+33123456789\""),
            (.vonage, "api_key", "transport = \"vonage\" needs the API key"),
            (.vonage, "from", "transport = \"vonage\" needs the sender, e.g. from = \"Messagerie\""),
            (.webhook, "base_url", "transport = \"webhook\" needs the endpoint, e.g. base_url = \"https://sms.example.org/send\""),
        ]
        for (transport, key, detail) in needs where c.transport == transport && !r.has(key) {
            r.reportMissing(key, detail)
        }
        r.finish()
        return c
    }
}
