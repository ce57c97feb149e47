import GRDB

extension SQLiteStore {
    /// Between cycles: closes the pool's reader connections (their page caches
    /// go with them; a cycle reopens what it needs) and empties the writer's
    /// cache. What a daemon keeps while idle is then its code and a few
    /// hundred kilobytes of SQLite, not the pages of the last cycle.
    public func releaseMemory() {
        pool.releaseMemory()
    }
}
