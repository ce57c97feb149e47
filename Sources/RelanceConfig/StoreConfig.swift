import RelanceCore

/// The database engine holding the platform's tables.
public enum StoreEngine: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// `[store]`: where the platform's message store is and how often it is polled.
public struct StoreConfig: Sendable, Equatable {
    /// `engine`: `"sqlite"` (default) or `"postgres"`.
    public var engine: StoreEngine
    /// `path`: the SQLite file, absolute (required for sqlite).
    public var path: String?
    /// `url`: `postgres://` or `postgresql://` connection URL (required for postgres).
    public var url: String?
    /// `poll_interval` in seconds [30s], 1s…1h.
    public var pollInterval: Int
    /// `busy_timeout` in seconds [5s]: how long SQLite waits on a locked database.
    public var busyTimeout: Int
    /// `catch_up` in seconds [7 days]: on a first start (no cursor yet), how far back requests and
    /// messages are read. After an outage, reading resumes where the last cycle stopped, whatever its length.
    public var catchUp: Int
    /// `cycle_limit` [50000]: at most this many due requests and this many messages per cycle;
    /// the rest is taken by the next cycle, which then starts at once.
    public var cycleLimit: Int = 50_000
    /// `[store.retention]` `decisions` in seconds [400 days]: decisions and their outbox rows older than
    /// this are pruned, never while one of their rows is pending.
    public var retention: Int = 400 * 86_400
    /// `[store.retention]` `cycles` in seconds [30 days]: `relance_cycles` rows older than this are pruned.
    public var cycleRetention: Int = 30 * 86_400
    /// PostgreSQL's password: from `password_file`, else the systemd credential `store-password`;
    /// nil lets libpq find one (`~/.pgpass`, `PGPASSWORD`) or use another method (peer, certificate).
    public var password: Secret?

    /// The systemd credential holding the PostgreSQL password.
    public static let credentialName = "store-password"

    public init(engine: StoreEngine = .sqlite, path: String? = nil, url: String? = nil,
                pollInterval: Int = 30, busyTimeout: Int = 5, catchUp: Int = 604_800) {
        self.engine = engine
        self.path = path
        self.url = url
        self.pollInterval = pollInterval
        self.busyTimeout = busyTimeout
        self.catchUp = catchUp
    }
}

extension StoreConfig {
    static func read(_ r: inout TableReader) -> StoreConfig {
        var c = StoreConfig()
        c.engine = r.choice("engine", default: c.engine)
        c.path = r.path("path")
        c.url = r.postgresURL("url", secretHome: ("password_file", credentialName))
        c.pollInterval = r.seconds("poll_interval", default: c.pollInterval, range: 1...Seconds.hour)
        c.busyTimeout = r.seconds("busy_timeout", default: c.busyTimeout, range: 0...Seconds.hour)
        c.catchUp = r.seconds("catch_up", default: c.catchUp, range: 0...366 * Seconds.day)
        c.cycleLimit = r.int("cycle_limit", default: c.cycleLimit, range: 1...10_000_000)
        if r.has("retention") {
            var retention = r.table("retention")
            c.retention = retention.seconds("decisions", default: c.retention, range: Seconds.day...100 * 366 * Seconds.day)
            c.cycleRetention = retention.seconds("cycles", default: c.cycleRetention, range: Seconds.hour...100 * 366 * Seconds.day)
            retention.finish()
        }
        if c.engine == .postgres || r.has("password_file") {
            c.password = r.secret(fileKey: "password_file", credential: credentialName)
        }
        switch c.engine {
        case .sqlite where !r.has("path"):
            r.reportMissing("path", "engine = \"sqlite\" needs the database file, e.g. path = \"/var/lib/relance/store.sqlite\"")
        case .postgres where !r.has("url"):
            r.reportMissing("url", "engine = \"postgres\" needs a URL, e.g. url = \"postgresql://relance@127.0.0.1/messaging\"")
        default:
            break
        }
        r.finish()
        return c
    }
}
