import RelanceCore

/// `[delivery]`: how the outbox is drained and retried.
public struct DeliveryConfig: Sendable, Equatable {
    /// `batch_size` [100], 1…10000: outbox rows claimed at once.
    public var batchSize: Int
    /// `retry_initial` in seconds [1m]: first backoff after a temporary failure.
    public var retryInitial: Int
    /// `retry_max` in seconds [1h]: the backoff's ceiling.
    public var retryMax: Int
    /// `lifetime` in seconds [2 days]: after this a message that still fails is given up.
    public var lifetime: Int
    /// `shutdown_grace` in seconds [20s], 0…10m: on SIGTERM, how long in-flight sends may take to finish.
    public var shutdownGrace: Int
    /// `lease` in seconds [5m], 5s…1h: how long a row taken for sending stays invisible to
    /// other senders; a crashed sender's few taken rows come back after it.
    public var lease: Int = 300

    public init(batchSize: Int = 100, retryInitial: Int = 60, retryMax: Int = 3600, lifetime: Int = 172_800,
                shutdownGrace: Int = 20) {
        self.batchSize = batchSize
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.lifetime = lifetime
        self.shutdownGrace = shutdownGrace
    }
}

extension DeliveryConfig {
    static func read(_ r: inout TableReader) -> DeliveryConfig {
        var c = DeliveryConfig()
        c.batchSize = r.int("batch_size", default: c.batchSize, range: 1...10_000)
        c.retryInitial = r.seconds("retry_initial", default: c.retryInitial, range: 1...Seconds.day)
        c.retryMax = r.seconds("retry_max", default: c.retryMax, range: 1...7 * Seconds.day)
        c.lifetime = r.seconds("lifetime", default: c.lifetime, range: Seconds.minute...30 * Seconds.day)
        c.shutdownGrace = r.seconds("shutdown_grace", default: c.shutdownGrace, range: 0...10 * Seconds.minute)
        c.lease = r.seconds("lease", default: c.lease, range: 5...Seconds.hour)
        if c.retryMax < c.retryInitial {
            r.report("retry_max", "\(DurationSpec.seconds(c.retryMax)) is shorter than retry_initial "
                + "(\(DurationSpec.seconds(c.retryInitial)))")
        }
        r.finish()
        return c
    }
}
