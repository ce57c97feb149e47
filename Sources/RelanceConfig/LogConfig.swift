/// Log verbosity, with the journald priorities of the same names.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// `[log]`: what the daemon writes to journald.
public struct LogConfig: Sendable, Equatable {
    /// `level` [info]: entries below this level are dropped.
    public var level: LogLevel

    public init(level: LogLevel = .info) {
        self.level = level
    }
}

extension LogConfig {
    static func read(_ r: inout TableReader) -> LogConfig {
        var c = LogConfig()
        c.level = r.choice("level", default: c.level)
        r.finish()
        return c
    }
}
