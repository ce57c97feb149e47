import Foundation
import Logging
import RelanceConfig
import RelanceSystemd

/// The process's one log threshold: every handler reads it, so `run` can change it on reload.
let logThreshold = LogThreshold(.info)

/// Bootstraps logging once per process: structured journald entries when systemd
/// connected our stderr to the journal (`JOURNAL_STREAM`), readable single lines on stderr otherwise.
func makeLogger(level: LogLevel) -> Logger {
    logThreshold.level = Logger.Level(level)
    let journal = JournalStream.isStandardErrorConnected(environment: ProcessInfo.processInfo.environment)
    LoggingSystem.bootstrap { label in
        journal ? JournalLogHandler(threshold: logThreshold) as any LogHandler
            : StderrLogHandler(label: label, threshold: logThreshold)
    }
    return Logger(label: "relance")
}

extension Logger.Level {
    init(_ level: LogLevel) {
        switch level {
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        }
    }
}

/// swift-log's stderr lines (timestamp, level, message, metadata), at the shared threshold.
struct StderrLogHandler: LogHandler {
    var inner: StreamLogHandler
    let threshold: LogThreshold

    init(label: String, threshold: LogThreshold) {
        inner = StreamLogHandler.standardError(label: label)
        inner.logLevel = .trace
        self.threshold = threshold
    }

    var logLevel: Logger.Level {
        get { threshold.level }
        set { threshold.level = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) { inner.log(event: event) }
}
