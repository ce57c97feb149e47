import Foundation
import GRDB
import RelanceStore
import Testing

/// Issue 11, finding 8: what relance changes in the platform's SQLite store is said, once.
@Suite struct StoreChangesTests {
    @Test func theFirstStartLogsTheSwitchToWALAndTheIndexesOnce() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A store as the platform makes it: its tables, a rollback journal, no relance_* index.
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("store.sqlite").path)
        try queue.write { db in try db.execute(sql: Contract.ddl(.sqlite)) }
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try queue.close()
        let config = try Relance.writeConfig(in: dir)

        let first = try Relance.run(["tick", "--config", config.path, "--now", "2026-05-18T09:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("relance is switching the store from journal_mode delete to WAL"), "\(first.stderr)")
        #expect(first.stderr.contains("relance is adding 12 indexes to the platform's tables: relance_requests_created,"), "\(first.stderr)")

        let second = try Relance.run(["tick", "--config", config.path, "--now", "2026-05-18T09:01:00Z"])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("relance is"), "\(second.stderr)")
    }
}
