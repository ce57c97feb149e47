import RelanceCore

/// The daemon's validated configuration, as loaded by ``ConfigLoader`` from a TOML file.
///
/// Every key has its default filled in; paths are absolute (relative paths in the file are
/// relative to the file's own directory); durations are in seconds; secrets were read from files
/// or systemd credentials. ``effectiveTOML()`` prints it back for `relance check-config`.
public struct Config: Sendable, Equatable {
    /// The config file's path, as given to the loader.
    public var file: String
    /// `[store]`: the platform's message store.
    public var store: StoreConfig
    /// `[links]`: signed sign-in links.
    public var links: LinksConfig
    /// `[email]`: how email goes out.
    public var email: EmailConfig
    /// `[sms]`: how SMS go out.
    public var sms: SMSConfig
    /// `[delivery]`: the outbox senders' pacing and retries.
    public var delivery: DeliveryConfig
    /// `[calendar]`: holidays and the default time zone.
    public var calendar: CalendarConfig
    /// `[log]`: verbosity.
    public var log: LogConfig
    /// `[metrics]`: the Prometheus textfile.
    public var metrics: MetricsConfig
    /// `[rules.*]` tunables, with `region` from `[calendar]`.
    public var policy: Policy

    public init(file: String, store: StoreConfig, links: LinksConfig, email: EmailConfig,
                sms: SMSConfig = SMSConfig(), delivery: DeliveryConfig = DeliveryConfig(),
                calendar: CalendarConfig = CalendarConfig(), log: LogConfig = LogConfig(),
                policy: Policy = Policy(), metrics: MetricsConfig = MetricsConfig()) {
        self.file = file
        self.store = store
        self.links = links
        self.email = email
        self.sms = sms
        self.delivery = delivery
        self.calendar = calendar
        self.log = log
        self.policy = policy
        self.metrics = metrics
    }
}
