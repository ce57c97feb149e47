import RelanceCore

/// How email leaves the daemon.
public enum EmailTransport: String, Sendable, CaseIterable {
    /// libcurl SMTP to `url`.
    case smtp
    /// One `.eml` file per message in `spool` (the demo's default: no server needed).
    case file
    /// Email is not sent.
    case none
}

/// Encryption of the SMTP connection.
public enum EmailTLS: String, Sendable, CaseIterable {
    /// Plain connection upgraded with STARTTLS (required to succeed).
    case starttls
    /// TLS from the first byte (`smtps://`, usually port 465).
    case smtps
    /// No encryption (a relay on localhost only).
    case none
}

/// `[email]`: the email transport and its settings.
public struct EmailConfig: Sendable, Equatable {
    /// `transport` [smtp].
    public var transport: EmailTransport
    /// `url`: `smtp://host:port` or `smtps://host:port` (required for smtp).
    public var url: String?
    /// `tls` [starttls; smtps when `url` is `smtps://`].
    public var tls: EmailTLS
    /// `from` (required unless transport is none): `Name <address>` or a bare address.
    public var from: String
    /// `username` for SMTP AUTH.
    public var username: String?
    /// From `password_file`, else the systemd credential `smtp-password`.
    public var password: Secret?
    /// `spool`: folder of `.eml` files, absolute (required for file).
    public var spool: String?
    /// `ca_file`: CA bundle to verify the server with, absolute (must exist).
    public var caFile: String?
    /// `helo_name`: name sent in EHLO.
    public var heloName: String?
    /// `connect_timeout` in seconds [10s].
    public var connectTimeout: Int
    /// `timeout` in seconds [60s]: a whole SMTP transaction.
    public var timeout: Int
    /// `senders` [1], 1…16: concurrent SMTP connections.
    public var senders: Int
    /// `templates`: folder overriding the built-in templates, absolute (must exist).
    public var templates: String?
    /// `rate`: at most this many messages per second from this daemon (unset: no pacing).
    public var rate: Double?

    public init(transport: EmailTransport = .smtp, url: String? = nil, tls: EmailTLS = .starttls, from: String,
                username: String? = nil, password: Secret? = nil, spool: String? = nil, caFile: String? = nil,
                heloName: String? = nil, connectTimeout: Int = 10, timeout: Int = 60, senders: Int = 1,
                templates: String? = nil) {
        self.transport = transport
        self.url = url
        self.tls = tls
        self.from = from
        self.username = username
        self.password = password
        self.spool = spool
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.senders = senders
        self.templates = templates
    }
}

extension EmailConfig {
    /// The systemd credential holding the SMTP password.
    public static let credentialName = "smtp-password"

    static func read(_ r: inout TableReader) -> EmailConfig {
        var c = EmailConfig(from: "")
        c.transport = r.choice("transport", default: c.transport)
        c.url = r.url("url", schemes: ["smtp", "smtps"])
        let tlsWritten = r.has("tls")
        c.tls = r.choice("tls", default: c.tls)
        if let from = r.string("from") {
            if let problem = Mailbox.problem(from) { r.report("from", problem) } else { c.from = from }
        }
        c.username = r.singleLine("username")
        c.password = r.secret(fileKey: "password_file", credential: credentialName)
        c.spool = r.path("spool")
        c.caFile = r.path("ca_file", expecting: .existingFile)
        c.heloName = r.singleLine("helo_name")
        if let helo = c.heloName, helo.isEmpty || helo.contains(" ") {
            r.report("helo_name", "\"\(helo)\" is not a host name")
        }
        c.connectTimeout = r.seconds("connect_timeout", default: c.connectTimeout, range: 1...5 * Seconds.minute)
        c.timeout = r.seconds("timeout", default: c.timeout, range: 1...Seconds.hour)
        c.senders = r.int("senders", default: c.senders, range: 1...16)
        c.templates = r.path("templates", expecting: .existingDirectory)
        if r.has("rate") { c.rate = Optional(r.number("rate", default: 0, above: 0, upTo: 10_000)).flatMap { $0 > 0 ? $0 : nil } }

        if let url = c.url?.lowercased() {
            if url.hasPrefix("smtps://"), !tlsWritten {
                c.tls = .smtps
            } else if url.hasPrefix("smtps://"), c.tls != .smtps {
                r.report("tls", "an smtps:// url is TLS from the start: write tls = \"smtps\" or use an smtp:// url")
            } else if url.hasPrefix("smtp://"), c.tls == .smtps {
                r.report("tls", "tls = \"smtps\" needs an smtps:// url (usually port 465)")
            }
        }
        switch c.transport {
        case .smtp where !r.has("url"):
            r.reportMissing("url", "transport = \"smtp\" needs the server, e.g. url = \"smtp://relay.example.org:587\"")
        case .file where !r.has("spool"):
            r.reportMissing("spool", "transport = \"file\" needs a folder, e.g. spool = \"/var/spool/relance/email\"")
        default:
            break
        }
        if c.transport != .none, !r.has("from") {
            r.reportMissing("from", "write the sender, e.g. from = \"Messagerie <no-reply@example.org>\"")
        }
        r.finish()
        return c
    }
}
