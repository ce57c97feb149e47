import Foundation

/// Tells the daemon that the platform committed something, so that a cycle starts
/// at once; polling stays the fallback. PostgreSQL: `LISTEN relance`, fed by the
/// optional trigger `relance schema --engine postgres` prints.
public protocol ChangeWatcher: AnyObject, Sendable {
    /// Waits up to `timeout` seconds; true when a change was signalled. Throws when
    /// the watch is lost (the caller makes a new watcher later).
    func waitForChange(timeout: TimeInterval) throws -> Bool
}

extension MessageStore {
    /// A watcher of commits on this store, or nil when the engine has none here.
    public func makeChangeWatcher() throws -> (any ChangeWatcher)? {
        try (self as? any ChangeWatching)?.changeWatcher()
    }
}

/// A store that can make a `ChangeWatcher`.
public protocol ChangeWatching {
    func changeWatcher() throws -> any ChangeWatcher
}

extension Contract {
    /// The `NOTIFY` channel relance listens on.
    public static let notifyChannel = "relance"

    /// The optional trigger waking relance on each commit touching `requests` or `messages`
    /// (PostgreSQL; one notification per statement, coalesced per transaction).
    public static let notifyTrigger = """
        -- Optional: wakes relance within a moment of a commit (relance LISTENs on "relance");
        -- without it relance polls every store.poll_interval.
        CREATE OR REPLACE FUNCTION relance_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('relance', TG_TABLE_NAME);
            RETURN NULL;
        END $$;
        CREATE TRIGGER relance_requests_notify AFTER INSERT OR UPDATE ON requests
            FOR EACH STATEMENT EXECUTE FUNCTION relance_notify();
        CREATE TRIGGER relance_messages_notify AFTER INSERT OR UPDATE ON messages
            FOR EACH STATEMENT EXECUTE FUNCTION relance_notify();

        """
}
