/// `[metrics]`: figures for Prometheus, through node_exporter's textfile collector.
public struct MetricsConfig: Sendable, Equatable {
    /// `textfile` [none]: a `*.prom` file `relance run` rewrites atomically after each cycle;
    /// relance opens no listening socket.
    public var textfile: String?

    public init(textfile: String? = nil) {
        self.textfile = textfile
    }
}

extension MetricsConfig {
    static func read(_ r: inout TableReader) -> MetricsConfig {
        var c = MetricsConfig()
        c.textfile = r.path("textfile")
        if let file = c.textfile, !file.hasSuffix(".prom") {
            r.report("textfile", "\(file) must end in .prom: node_exporter's textfile collector reads only *.prom files")
        }
        r.finish()
        return c
    }
}
