import Crypto
import Foundation
import RelanceCore

/// Signed sign-in links: `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`
/// where payload is `v1|<recipient kind>|<recipient id>|<request id>|<expiry, Unix seconds>`,
/// followed by `|<practitioner id>` on a nearby proposal's link: every parameter of a link is
/// inside the MAC, and the URL carries nothing else (`BASE/connexion?jeton=TOKEN`).
/// The platform verifies them with the same secret (README shows worked examples).
public struct SignInLink: Sendable {
    let secretBytes: Data
    /// Made once: every email signs at least one link.
    nonisolated(unsafe) let secret: SymmetricKey  // immutable; swift-crypto does not mark it Sendable
    public let baseURL: String
    public let ttl: TimeInterval

    /// The latest expiry a token may carry: 9999-12-31T23:59:59Z. Beyond, a token is malformed
    /// (a date that far cannot be printed, and no link lives that long).
    public static let maxExpiry: Int64 = 253_402_300_799

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
        /// The practitioner a nearby proposal offers (the sixth field); nil on other links.
        public var proposedPractitionerID: Int64? = nil
    }

    static func payload(_ c: Claims) -> String {
        var payload = "v1|\(c.recipientKind.rawValue)|\(c.recipientID)|\(c.requestID)|\(Int64(c.expires.timeIntervalSince1970.rounded(.down)))"
        if let proposed = c.proposedPractitionerID { payload += "|\(proposed)" }
        return payload
    }

    public func token(for c: Claims) -> String {
        signed(Self.payload(c))
    }

    /// `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`.
    func signed(_ payload: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret)
        return Self.base64url(Data(payload.utf8)) + "." + Self.base64url(Data(mac))
    }

    /// The link opening `requestID` for this recipient, valid `ttl` after `issuedAt`; `proposing`
    /// names the practitioner a nearby proposal offers, signed inside the token.
    public func url(recipient: Recipient, requestID: Int64, issuedAt: Date, proposing: Int64? = nil) -> String {
        let t = token(for: Claims(recipientKind: recipient.kind, recipientID: recipient.id, requestID: requestID,
                                  expires: issuedAt.addingTimeInterval(ttl), proposedPractitionerID: proposing))
        return "\(baseURL)/connexion?jeton=\(t)"
    }

    public enum Verdict: Sendable, Equatable {
        case valid(Claims)
        case expired(Claims)
        case forged
        case malformed
    }

    /// Checks a token: its spelling, its MAC (in constant time), then its fields, parsed strictly
    /// (ids and expiry are digits only, without sign or leading zero; the expiry at most
    /// ``maxExpiry``). Never traps, whatever the input.
    public func verify(_ token: String, now: Date) -> Verdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // Only the canonical encoding is accepted: base64 leaves spare bits in
        // the last character, which must not give a token several spellings.
        guard parts.count == 2, let payload = Self.unbase64url(String(parts[0])),
              let mac = Self.unbase64url(String(parts[1])),
              Self.base64url(payload) == parts[0], Self.base64url(mac) == parts[1] else { return .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: secret) else { return .forged }
        guard let claims = Self.claims(payload) else { return .malformed }
        return now < claims.expires ? .valid(claims) : .expired(claims)
    }

    /// The claims of a payload, or nil when any field is not in its one canonical spelling.
    static func claims(_ payload: Data) -> Claims? {
        guard let text = String(data: payload, encoding: .utf8) else { return nil }
        let fields = text.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 5 || fields.count == 6, fields[0] == "v1", let kind = Recipient.Kind(rawValue: String(fields[1])),
              let rid = canonicalNumber(fields[2]), let req = canonicalNumber(fields[3]),
              let exp = canonicalNumber(fields[4]), exp <= maxExpiry else { return nil }
        var claims = Claims(recipientKind: kind, recipientID: rid, requestID: req,
                            expires: Date(timeIntervalSince1970: TimeInterval(exp)))
        if fields.count == 6 {
            guard let proposed = canonicalNumber(fields[5]) else { return nil }
            claims.proposedPractitionerID = proposed
        }
        return claims
    }

    /// A non-negative decimal with no sign, no leading zero (`0` itself apart) and no other character.
    static func canonicalNumber(_ s: Substring) -> Int64? {
        let bytes = s.utf8
        guard let first = bytes.first, bytes.count <= 19,
              bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              first != UInt8(ascii: "0") || bytes.count == 1 else { return nil }
        return Int64(s)
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
