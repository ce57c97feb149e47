import CCurl
import Foundation

/// Classifies one SMTP attempt: by the server's reply code and the command it
/// answered first, then by curl's error.
///
/// Whose fault decides what happens to the row: a refusal of *this recipient*
/// (RCPT 5xx, a 5xx after the message) is final; one of the relay or the
/// sender — greeting, EHLO, login (530, 535), MAIL FROM, "5.7.1 relay denied" —
/// or no answer at all is a `transportFailure`: the row is retried, the
/// transport paused. The server's words are read for "relay" but never copied
/// into the error (they may hold the address): only codes are.
enum SMTPFailure {
    /// The command a failure answered, from curl's error text.
    enum Stage: Equatable {
        case connection, sender, recipient, data, message
    }

    static func stage(curl code: UInt32, detail: String) -> Stage {
        if detail.hasPrefix("MAIL failed") { return .sender }
        if detail.hasPrefix("RCPT failed") { return .recipient }
        if detail.hasPrefix("DATA failed") { return .data }
        // The reply after the message's end has no text of curl's own: error 8, "Weird server reply".
        if code == CURLE_WEIRD_SERVER_REPLY.rawValue, !detail.hasPrefix("Got unexpected") { return .message }
        return .connection
    }

    /// `said`: the server's last reply line (for its enhanced status code and the word "relay").
    static func classify(curl code: UInt32, reply: Int, detail: String, said: String = "", server: String) -> SendOutcome {
        if code == CURLE_OK.rawValue { return .delivered(providerID: nil) }
        let stage = stage(curl: code, detail: detail)
        let enhanced = enhancedCode(said)
        let curlText = "curl \(code): \(detail)"
        let replyText = "SMTP \(reply)\(enhanced.map { " \($0)" } ?? "") from \(server)"
        if code == CURLE_LOGIN_DENIED.rawValue || [530, 534, 535, 538].contains(reply) {
            return .transportFailure("\(replyText): the relay refused the login (check email.username and the password file) [\(curlText)]")
        }
        if (400..<600).contains(reply) {
            let relayDenied = said.lowercased().contains("relay") || enhanced == "5.7.1"
            switch stage {
            case .sender:
                return .transportFailure("\(replyText): the relay refused the sender (check email.from and what the relay allows) [\(curlText)]")
            case .recipient where relayDenied:
                return .transportFailure("\(replyText): the relay denies relaying (check its rules for relance's address) [\(curlText)]")
            case .recipient, .data, .message:
                return reply >= 500 ? .permanent("\(replyText), permanent [\(curlText)]")
                    : .temporary("\(replyText), temporary [\(curlText)]")
            case .connection:
                return .transportFailure("\(replyText): the relay refused the connection [\(curlText)]")
            }
        }
        switch code {
        case CURLE_USE_SSL_FAILED.rawValue:
            return .transportFailure("\(server) does not offer STARTTLS, which tls = \"starttls\" requires; nothing was sent [\(curlText)]")
        case CURLE_PEER_FAILED_VERIFICATION.rawValue, CURLE_SSL_CACERT_BADFILE.rawValue:
            return .transportFailure("cannot verify the TLS certificate of \(server) (check email.ca_file) [\(curlText)]")
        case CURLE_URL_MALFORMAT.rawValue, CURLE_UNSUPPORTED_PROTOCOL.rawValue:
            return .transportFailure("bad email.url [\(curlText)]")
        case CURLE_OPERATION_TIMEDOUT.rawValue:
            return .transportFailure("\(server) did not answer in time (email.timeout) [\(curlText)]")
        default:
            return .transportFailure("cannot deliver through \(server) [\(curlText)]")
        }
    }

    /// The RFC 3463 enhanced status code of a reply line ("550 5.7.1 …" gives "5.7.1"), if any.
    static func enhancedCode(_ line: String) -> String? {
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count >= 2 else { return nil }
        let parts = words[1].split(separator: ".")
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        return String(words[1])
    }
}
