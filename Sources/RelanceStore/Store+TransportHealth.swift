import Foundation
import GRDB
import RelanceCore

/// A transport the dispatcher paused because it kept failing (its circuit breaker is open).
public struct TransportHealth: Sendable, Equatable {
    /// `email` or `sms`.
    public var transport: String
    /// The first failure of the current run of failures.
    public var failingSince: Date
    public var lastError: String
    /// No row goes to this transport before then.
    public var pausedUntil: Date

    public init(transport: String, failingSince: Date, lastError: String, pausedUntil: Date) {
        self.transport = transport; self.failingSince = failingSince; self.lastError = lastError; self.pausedUntil = pausedUntil
    }
}

extension SQLiteStore {
    /// Records that `health.transport` is failing, or (nil) that `transport` works again.
    public func setTransportHealth(_ transport: String, _ health: TransportHealth?, at now: Date) throws {
        try pool.write { db in
            if let h = health {
                try db.execute(sql: """
                    INSERT INTO relance_transport_health (transport, failing_since, last_error, paused_until, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (transport) DO UPDATE SET failing_since = excluded.failing_since,
                        last_error = excluded.last_error, paused_until = excluded.paused_until, updated_at = excluded.updated_at
                    """, arguments: [transport, Timestamp.format(h.failingSince), h.lastError, Timestamp.format(h.pausedUntil),
                                     Timestamp.format(now)])
            } else {
                try db.execute(sql: "DELETE FROM relance_transport_health WHERE transport = ?", arguments: [transport])
            }
        }
    }

    /// The transports failing now, for `relance status`.
    public func failingTransports() throws -> [TransportHealth] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM relance_transport_health ORDER BY transport").compactMap { row in
                guard let transport = try? row.decode(String.self, forColumn: "transport"),
                      let since = (try? row.decode(String.self, forColumn: "failing_since")).flatMap(Timestamp.parse),
                      let until = (try? row.decode(String.self, forColumn: "paused_until")).flatMap(Timestamp.parse) else { return nil }
                return TransportHealth(transport: transport, failingSince: since,
                                       lastError: (try? row.decode(String.self, forColumn: "last_error")) ?? "", pausedUntil: until)
            }
        }
    }
}
