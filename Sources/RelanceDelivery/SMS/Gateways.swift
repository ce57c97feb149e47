import Foundation

/// What every HTTP gateway does with curl's answer before reading its own format.
enum HTTPOutcome {
    /// Network errors and timeouts: the gateway is unreachable (retried, and the transport paused
    /// if it goes on); nothing reached it, or we cannot know.
    static func network(_ f: CurlHTTP.Failure) -> SendOutcome { .transportFailure(f.description) }

    /// 429 waits for Retry-After; 5xx and 408 are temporary; other 4xx are permanent.
    static func byStatus(_ r: CurlHTTP.Response, gateway: String) -> SendOutcome? {
        switch r.status {
        case 429: return .temporary("\(gateway): HTTP 429 too many requests", after: RetryAfter.seconds(r.headers))
        case 408: return .temporary("\(gateway): HTTP 408 request timeout")
        case 500...599: return .temporary("\(gateway): HTTP \(r.status)", after: RetryAfter.seconds(r.headers))
        case 400...499: return .permanent("\(gateway): HTTP \(r.status)\(errorDetail(r.body))")
        default: return nil
        }
    }

    /// The gateway's own code and message, when its JSON error carries one (never the request).
    static func errorDetail(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return "" }
        var parts: [String] = []
        if let code = object["code"] { parts.append("code \(code)") }
        if let message = (object["message"] ?? object["error"] ?? object["title"]) as? String {
            parts.append(String(message.prefix(200)))
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ": ") + ")"
    }
}

/// Twilio's Messages API: form-encoded POST, Basic auth with the account SID.
public struct TwilioSMSTransport: SMSTransport {
    let http: CurlHTTP
    let baseURL: String
    let accountSID: String
    let token: String
    let from: String
    /// A 5xx may come after Twilio queued the message: retry at most this many times.
    let uncertainRetries: Int

    public init(http: CurlHTTP, baseURL: String = "https://api.twilio.com", accountSID: String, token: String,
                from: String, uncertainRetries: Int = 1) {
        self.http = http; self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountSID = accountSID; self.token = token; self.from = from; self.uncertainRetries = uncertainRetries
    }

    public func send(_ sms: SMSText, to number: String, outboxID: Int64) -> SendOutcome {
        let sid = accountSID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? accountSID
        let url = "\(baseURL)/2010-04-01/Accounts/\(sid)/Messages.json"
        let body = Data.form([("To", number), ("From", from), ("Body", sms.text)])
        switch http.post(url, body: body, headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
                         user: accountSID, password: token) {
        case .failure(let f):
            // A timeout after the request went out may have sent the message, like a 5xx.
            if f.code == 28 { return .uncertain("twilio: \(f.description)", retries: uncertainRetries) }
            return HTTPOutcome.network(f)
        case .success(let r):
            if r.status == 201 || r.status == 200 {
                let object = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]
                return .delivered(providerID: object?["sid"] as? String)
            }
            if (500...599).contains(r.status) {
                return .uncertain("twilio: HTTP \(r.status)", retries: uncertainRetries)
            }
            return HTTPOutcome.byStatus(r, gateway: "twilio") ?? .permanent("twilio: unexpected HTTP \(r.status)")
        }
    }
}

/// Vonage's SMS API: HTTP 200 carries a status per message, read from the body.
public struct VonageSMSTransport: SMSTransport {
    let http: CurlHTTP
    let baseURL: String
    let apiKey: String
    let apiSecret: String
    let from: String

    public init(http: CurlHTTP, baseURL: String = "https://rest.nexmo.com", apiKey: String, apiSecret: String, from: String) {
        self.http = http; self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey; self.apiSecret = apiSecret; self.from = from
    }

    /// Vonage's documented status codes that are worth trying again.
    static let temporaryStatuses: Set<String> = ["1", "5", "9", "10"]

    public func send(_ sms: SMSText, to number: String, outboxID: Int64) -> SendOutcome {
        var fields = [("api_key", apiKey), ("api_secret", apiSecret), ("from", from),
                      ("to", number.hasPrefix("+") ? String(number.dropFirst()) : number), ("text", sms.text)]
        if sms.encoding == .ucs2 { fields.append(("type", "unicode")) }
        fields.append(("client-ref", "relance-\(outboxID)"))
        switch http.post("\(baseURL)/sms/json", body: Data.form(fields),
                         headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"]) {
        case .failure(let f): return HTTPOutcome.network(f)
        case .success(let r):
            guard r.status == 200 else {
                return HTTPOutcome.byStatus(r, gateway: "vonage") ?? .permanent("vonage: unexpected HTTP \(r.status)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
                  let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
                return .uncertain("vonage: HTTP 200 without a readable status", retries: 0)
            }
            // A long text is sent as several parts: all must be accepted.
            for m in messages {
                let status = (m["status"] as? String) ?? (m["status"] as? Int).map(String.init) ?? "?"
                guard status != "0" else { continue }
                let text = ((m["error-text"] as? String).map { " \(String($0.prefix(200)))" }) ?? ""
                let error = "vonage: status \(status)\(text)"
                return Self.temporaryStatuses.contains(status) ? .temporary(error) : .permanent(error)
            }
            return .delivered(providerID: messages.compactMap { $0["message-id"] as? String }.joined(separator: ","))
        }
    }
}

/// Any other gateway: a JSON body from a template, POSTed to a URL, with an
/// optional bearer token. `{{to}}`, `{{from}}`, `{{text}}` and `{{id}}` become
/// JSON strings (quotes included).
public struct WebhookSMSTransport: SMSTransport {
    let http: CurlHTTP
    let url: String
    let token: String?
    let from: String
    let template: String

    public static let defaultTemplate = #"{"to": {{to}}, "from": {{from}}, "text": {{text}}, "id": {{id}}}"#

    public init(http: CurlHTTP, url: String, token: String?, from: String?, template: String = defaultTemplate) {
        self.http = http; self.url = url; self.token = token; self.from = from ?? ""; self.template = template
    }

    /// The body for one SMS; nil when the template does not give valid JSON.
    public static func body(template: String, to: String, from: String, text: String, id: String) -> Data? {
        func json(_ s: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        let text = template.replacingOccurrences(of: "{{to}}", with: json(to))
            .replacingOccurrences(of: "{{from}}", with: json(from))
            .replacingOccurrences(of: "{{text}}", with: json(text))
            .replacingOccurrences(of: "{{id}}", with: json(id))
        let data = Data(text.utf8)
        return (try? JSONSerialization.jsonObject(with: data)) == nil ? nil : data
    }

    public func send(_ sms: SMSText, to number: String, outboxID: Int64) -> SendOutcome {
        guard let body = Self.body(template: template, to: number, from: from, text: sms.text, id: "relance-\(outboxID)") else {
            return .permanent("webhook: the body template does not give valid JSON")
        }
        var headers = ["Content-Type: application/json", "Accept: application/json"]
        if let token { headers.append("Authorization: Bearer \(token)") }
        switch http.post(url, body: body, headers: headers) {
        case .failure(let f): return HTTPOutcome.network(f)
        case .success(let r):
            if (200...299).contains(r.status) {
                let object = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]
                return .delivered(providerID: (object?["id"] ?? object?["sid"] ?? object?["message_id"]).map { "\($0)" })
            }
            return HTTPOutcome.byStatus(r, gateway: "webhook") ?? .permanent("webhook: unexpected HTTP \(r.status)")
        }
    }
}

extension Data {
    /// `application/x-www-form-urlencoded`: every byte but unreserved ones
    /// percent-encoded, so a `+` stays a plus and accents arrive as UTF-8.
    static func form(_ fields: [(String, String)]) -> Data {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        return Data(fields.map { "\(enc($0.0))=\(enc($0.1))" }.joined(separator: "&").utf8)
    }
}
