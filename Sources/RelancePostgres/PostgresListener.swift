import Foundation
import Glibc
import RelanceStore

/// `LISTEN relance` on a connection of its own (never the cycle's).
public final class PostgresListener: ChangeWatcher, @unchecked Sendable {
    let connection: PGConnection
    let lock = NSLock()

    init(url: String, password: String?) throws {
        do {
            connection = try PGConnection(url: url, password: password, applicationName: "relance-listen")
            try connection.exec("LISTEN \(Contract.notifyChannel)")
        } catch let error as PostgresError {
            throw StoreUnavailable(location: PostgresStore.redacted(url), reason: error.message)
        }
    }

    public func waitForChange(timeout: TimeInterval) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        do {
            if try !connection.notifications().isEmpty { return true }
            var pfd = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(0, min(timeout, 3600)) * 1000))
            guard ready > 0 else { return false }
            if pfd.revents & Int16(POLLHUP | POLLERR) != 0 {
                throw PostgresError(sqlState: nil, message: "the listening connection closed", connectionLost: true)
            }
            return try !connection.notifications().isEmpty
        } catch let error as PostgresError {
            throw StoreUnavailable(location: "listener", reason: error.message)
        }
    }
}

extension PostgresStore: ChangeWatching {
    public func changeWatcher() throws -> any ChangeWatcher { try PostgresListener(url: url, password: password) }
}
