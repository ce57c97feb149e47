import Foundation
import GRDB

/// Notices the platform's commits to a SQLite store, cheaply enough to be asked
/// every 50–100 ms.
///
/// `PRAGMA data_version` on a kept read-only connection changes only when
/// another connection commits (a few microseconds per check, no transaction
/// held, so checkpoints are never blocked). relance's own cycles commit too,
/// so a changed version is confirmed by a fingerprint of what the platform
/// writes: the newest request and message ids and the newest `updated_at`,
/// three index lookups. Other changes (practitioners, closures, a deferred
/// message becoming visible) wait for `poll_interval`, as before.
public final class CommitWatch: @unchecked Sendable {
    private let connection: DatabaseQueue
    private var version: Int64?
    private var fingerprint: [DatabaseValue] = []

    public init(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.label = "relance.commit-watch"
        config.prepareDatabase { db in
            // A handful of index pages at most: keep this connection's cache small.
            try db.execute(sql: "PRAGMA cache_size = 16")
        }
        connection = try DatabaseQueue(path: path, configuration: config)
        _ = try platformCommitted()
    }

    /// True when the platform committed new requests, messages or request changes since the last call.
    /// Not thread-safe: one caller at a time.
    public func platformCommitted() throws -> Bool {
        try connection.inDatabase { db in
            let now = try Int64.fetchOne(db, sql: "PRAGMA data_version")
            guard now != version else { return false }
            version = now
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT MAX(id) FROM requests), (SELECT MAX(updated_at) FROM requests),
                       (SELECT MAX(id) FROM messages)
                """)
            let seen = row.map { Array($0.databaseValues) } ?? []
            guard seen != fingerprint else { return false }
            let first = fingerprint.isEmpty
            fingerprint = seen
            return !first
        }
    }
}
