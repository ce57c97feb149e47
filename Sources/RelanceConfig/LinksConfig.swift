import Foundation
import RelanceCore

/// `[links]`: the signed sign-in links put in notifications.
public struct LinksConfig: Sendable, Equatable {
    /// `base_url` (required): `https://` root of the platform's web app (`http://` only on
    /// this machine, for tests), with no query and no fragment.
    public var baseURL: String
    /// The HMAC-SHA256 key: from `secret_file`, else the systemd credential `link-secret`;
    /// nil when neither exists (the daemon refuses to start, `check-config` accepts it).
    public var secret: Secret?
    /// `ttl` in seconds [72h], 1m…90 days: how long a link stays valid.
    public var ttl: Int

    public init(baseURL: String, secret: Secret? = nil, ttl: Int = 259_200) {
        self.baseURL = baseURL
        self.secret = secret
        self.ttl = ttl
    }
}

extension LinksConfig {
    /// The systemd credential holding the link secret.
    public static let credentialName = "link-secret"

    /// Why `url` makes links unsafe or broken, or nil: a token must not travel in clear, and
    /// `/connexion?jeton=` is appended to it, which a query or a fragment would break.
    static func baseURLProblem(_ url: String) -> String? {
        guard let c = URLComponents(string: url), let host = c.host else { return nil }
        if c.scheme?.lowercased() == "http", !URLCheck.isLoopback(host) {
            return "\"\(url)\" must be https://: sign-in tokens must not travel in clear (http:// is accepted only for localhost)"
        }
        if c.query != nil { return "\"\(url)\" must not have a query (?…): links append /connexion?jeton=… to it" }
        if c.fragment != nil { return "\"\(url)\" must not have a fragment (#…): links append /connexion?jeton=… to it" }
        return nil
    }

    /// A `secret_file` link secret shorter than this is refused: HMAC-SHA256 wants a key of 32 bytes
    /// or more. (systemd credentials are taken as they are.)
    public static let minimumSecretBytes = 32

    static func read(_ r: inout TableReader) -> LinksConfig {
        var c = LinksConfig(baseURL: "")
        if let url = r.url("base_url", schemes: ["https", "http"]) {
            if let problem = baseURLProblem(url) { r.report("base_url", problem) } else { c.baseURL = url }
        } else if !r.has("base_url") {
            r.reportMissing("base_url", "write the platform's address, e.g. base_url = \"https://app.example.org\"")
        }
        c.secret = r.secret(fileKey: "secret_file", credential: credentialName)
        if let secret = c.secret, secret.credential == nil, secret.value.utf8.count < minimumSecretBytes {
            r.report("secret_file", "the link secret (\(secret.source)) is \(secret.value.utf8.count) bytes; it must be at least "
                + "\(minimumSecretBytes): make one with `head -c 48 /dev/urandom | base64`")
            c.secret = nil
        }
        c.ttl = r.seconds("ttl", default: c.ttl, range: Seconds.minute...90 * Seconds.day)
        r.finish()
        return c
    }
}
