import Foundation

/// SQLite as a `MessageStore`: the method bodies live in the `Store+*.swift` files.
extension SQLiteStore: MessageStore {
    public var engine: StoreEngine { .sqlite }

    /// One process writes a SQLite store, and its writes are serialised: nothing to lock.
    public func withRulePass<T>(_ body: () throws -> T) throws -> T { try body() }

    /// Reads the due rows then leases them (one writer per SQLite file: no race between the two).
    public func claimDue(now: Date, limit: Int, leaseUntil: Date) throws -> [OutboxItem] {
        let items = try dueOutbox(now: now, limit: limit)
        try lease(items.map(\.id), until: leaseUntil)
        return items
    }
}
