import Crypto
import Foundation
import RelanceCore

/// Signed sign-in links: `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`
/// where payload is `v1|<recipient kind>|<recipient id>|<request id>|<expiry, Unix seconds>`.
/// The platform verifies them with the same secret (README shows a worked example).
public struct SignInLink: Sendable {
    let secretBytes: Data
    /// Made once: every email signs at least one link.
    nonisolated(unsafe) let secret: SymmetricKey  // immutable; swift-crypto does not mark it Sendable
    public let baseURL: String
    public let ttl: TimeInterval

    public init(secret: String, baseURL: String, ttl: TimeInterval) {
        self.secretBytes = Data(secret.utf8)
        self.secret = SymmetricKey(data: Data(secret.utf8))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.ttl = ttl
    }

    public struct Claims: Sendable, Equatable {
        public var recipientKind: Recipient.Kind
        public var recipientID: Int64
        public var requestID: Int64
        public var expires: Date
    }


    public func token(for c: Claims) -> String {
        let payload = "v1|\(c.recipientKind.rawValue)|\(c.recipientID)|\(c.requestID)|\(Int(c.expires.timeIntervalSince1970))"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret)
        return Self.base64url(Data(payload.utf8)) + "." + Self.base64url(Data(mac))
    }

    /// The link opening `requestID` for this recipient, valid `ttl` after `issuedAt`.
    public func url(recipient: Recipient, requestID: Int64, issuedAt: Date, extra: String = "") -> String {
        let t = token(for: Claims(recipientKind: recipient.kind, recipientID: recipient.id, requestID: requestID,
                                  expires: issuedAt.addingTimeInterval(ttl)))
        return "\(baseURL)/connexion?jeton=\(t)\(extra)"
    }

    public enum Verdict: Sendable, Equatable {
        case valid(Claims)
        case expired(Claims)
        case forged
        case malformed
    }

    public func verify(_ token: String, now: Date) -> Verdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // Only the canonical encoding is accepted: base64 leaves spare bits in
        // the last character, which must not give a token several spellings.
        guard parts.count == 2, let payload = Self.unbase64url(String(parts[0])),
              let mac = Self.unbase64url(String(parts[1])),
              Self.base64url(payload) == parts[0], Self.base64url(mac) == parts[1] else { return .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: secret) else { return .forged }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|").map(String.init)
        guard fields.count == 5, fields[0] == "v1", let kind = Recipient.Kind(rawValue: fields[1]),
              let rid = Int64(fields[2]), let req = Int64(fields[3]), let exp = Int(fields[4]) else { return .malformed }
        let claims = Claims(recipientKind: kind, recipientID: rid, requestID: req,
                            expires: Date(timeIntervalSince1970: TimeInterval(exp)))
        return now < claims.expires ? .valid(claims) : .expired(claims)
    }

    static func base64url(_ d: Data) -> String {
        // Byte by byte: Foundation's replacingOccurrences costs more than the HMAC.
        var out: [UInt8] = []
        for b in d.base64EncodedString().utf8 {
            switch b {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unbase64url(_ s: String) -> Data? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t)
    }
}
