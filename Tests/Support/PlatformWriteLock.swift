import Foundation
import GRDB

/// The platform holding SQLite's write lock on its own connection and thread,
/// as a long transaction of its own would, until `release()`.
public final class PlatformWriteLock: @unchecked Sendable {
    let path: String
    let locked = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)

    public init(path: String) { self.path = path }

    public func hold() throws {
        Thread.detachNewThread { [self] in
            defer { finished.signal() }
            guard let platform = try? DatabaseQueue(path: path) else { locked.signal(); return }
            try? platform.inTransaction(.immediate) { db in
                try db.execute(sql: "UPDATE requests SET updated_at = updated_at")
                locked.signal()
                done.wait()
                return .rollback
            }
        }
        locked.wait()
    }

    public func release() {
        done.signal()
        finished.wait()
    }
}
