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
