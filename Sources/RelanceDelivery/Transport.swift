import Foundation
import RelanceCore

/// How a send went, as the transport classifies it (Alertmanager's `retry bool, error`).
public enum SendOutcome: Sendable, Equatable {
    case delivered(providerID: String?)
    /// A temporary failure: try again later (SMTP 4xx, HTTP 429/5xx, network).
    /// `after`, when the peer said (Retry-After), is the earliest next try.
    case temporary(String, after: TimeInterval? = nil)
    /// A permanent failure: never retried (SMTP 5xx, HTTP 4xx).
    case permanent(String)
    /// The gateway failed after it may have sent the message (a Twilio 5xx, a timeout
    /// after the request left): retried at most `retries` times, so a doubt never
    /// turns into a flood of duplicates.
    case uncertain(String, retries: Int)
    /// The transport itself failed, not this message: it cannot be reached, timed out, or the
    /// relay refused the sender, the login or relaying. The row is retried without blame, and
    /// the transport is paused after a few of these in a row (the dispatcher's circuit breaker).
    case transportFailure(String)
}

/// Sends rendered email.
public protocol EmailTransport: Sendable {
    /// True when the connection is encrypted end to end (required for rule 8's full text).
    var isEncrypted: Bool { get }
    func send(_ message: MailMessage, outboxID: Int64) -> SendOutcome
}

/// Sends an SMS (its text already measured and fitted to the allowed segments).
public protocol SMSTransport: Sendable {
    func send(_ sms: SMSText, to number: String, outboxID: Int64) -> SendOutcome
}

/// The `.eml` file transport: exactly the bytes SMTP would send, one file per outbox row.
public struct FileEmailTransport: EmailTransport {
    let spool: Spool
    public init(folder: String) { spool = Spool(folder: folder) }
    public var isEncrypted: Bool { true }  // local disk, no network

    public func send(_ message: MailMessage, outboxID: Int64) -> SendOutcome {
        spool.write("\(outboxID).eml", Data(message.rendered().utf8))
    }
}

/// The `.json` file transport for SMS.
public struct FileSMSTransport: SMSTransport {
    let spool: Spool
    let from: String?
    public init(folder: String, from: String?) { spool = Spool(folder: folder); self.from = from }

    public func send(_ sms: SMSText, to number: String, outboxID: Int64) -> SendOutcome {
        let object: [String: String] = ["to": number, "from": from ?? "relance", "text": sms.text, "outbox_id": String(outboxID),
                                        "encoding": sms.encoding.rawValue, "segments": String(sms.segments)]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else {
            return .permanent("cannot encode SMS")
        }
        return spool.write("\(outboxID).json", data)
    }
}
