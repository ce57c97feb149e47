import Foundation

/// SQLite as a `MessageStore`: the method bodies live in the `Store+*.swift` files.
extension SQLiteStore: MessageStore {
    public var engine: StoreEngine { .sqlite }

    /// One process writes a SQLite store, and its writes are serialised: nothing to lock.
    public func withRulePass<T>(_ body: () throws -> T) throws -> T { try body() }
}
