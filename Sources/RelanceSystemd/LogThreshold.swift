import Logging
import Synchronization

/// The level below which entries are dropped, shared by every handler so a
/// reload (SIGHUP) can change it after `LoggingSystem.bootstrap`, which runs once.
public final class LogThreshold: Sendable {
    private let value: Mutex<Logger.Level>

    public init(_ level: Logger.Level) { value = Mutex(level) }

    public var level: Logger.Level {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
