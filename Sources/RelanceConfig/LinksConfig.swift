import RelanceCore

/// `[links]`: the signed sign-in links put in notifications.
public struct LinksConfig: Sendable, Equatable {
    /// `base_url` (required): `http://` or `https://` root of the platform's web app.
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

    static func read(_ r: inout TableReader) -> LinksConfig {
        var c = LinksConfig(baseURL: "")
        if let url = r.url("base_url", schemes: ["https", "http"]) {
            c.baseURL = url
        } else if !r.has("base_url") {
            r.reportMissing("base_url", "write the platform's address, e.g. base_url = \"https://app.example.org\"")
        }
        c.secret = r.secret(fileKey: "secret_file", credential: credentialName)
        c.ttl = r.seconds("ttl", default: c.ttl, range: Seconds.minute...90 * Seconds.day)
        r.finish()
        return c
    }
}
