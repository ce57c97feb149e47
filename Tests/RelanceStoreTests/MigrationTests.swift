import Foundation
import GRDB
import Testing
import RelanceStore
import RelanceTestSupport

@Suite struct MigrationTests {
    @Test func freshStoreHasEveryMigration() throws {
        let f = try StoreFixture()
        #expect(try f.store.appliedMigrations() == RelanceMigrations.all(.sqlite).map(\.id))
        #expect(try f.store.pool.read { try $0.tableExists("relance_outbox") })
        let mode = try f.store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func olderStoreIsUpgradedAndKeepsItsRows() throws {
        let first = RelanceMigrations.all(.sqlite)[0].id
        let f = try StoreFixture(migrateUpTo: first)
        #expect(try f.store.appliedMigrations() == [first])
        #expect(try f.count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'relance_requests_created'") == 0)
        try f.sql("""
            INSERT INTO relance_decisions (key, rule, decided_at, content) VALUES ('reminder:request:1', 'reminder', '2026-01-05T10:00:00Z', '{}')
            """)
        let upgraded = try SQLiteStore(path: f.path)
        #expect(try upgraded.appliedMigrations() == RelanceMigrations.all(.sqlite).map(\.id))
        #expect(try f.count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'relance_requests_created'") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM relance_decisions") == 1)
    }

    @Test func storeWithoutTheContractIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-empty-\(UUID().uuidString).sqlite")
        TemporaryFolders.remove(atExit: dir)
        #expect(throws: SQLiteStore.OpenError.self) { try SQLiteStore(path: dir.path) }
        #expect(!FileManager.default.fileExists(atPath: dir.path), "opening a missing store must not create it")
        try Data().write(to: dir)
        #expect(throws: SQLiteStore.OpenError.self) { try SQLiteStore(path: dir.path) }
    }

    @Test func postgresDialectKeepsEveryTableAndColumn() {
        let lite = Contract.ddl(.sqlite), pg = Contract.ddl(.postgres)
        for table in Contract.tables {
            #expect(lite.contains("CREATE TABLE \(table) ("))
            #expect(pg.contains("CREATE TABLE \(table) ("))
        }
        #expect(pg.contains("TIMESTAMPTZ") && pg.contains("BOOLEAN NOT NULL DEFAULT TRUE") && !pg.contains("GLOB"))
        #expect(RelanceMigrations.all(.postgres).map(\.id) == RelanceMigrations.all(.sqlite).map(\.id))
    }
}
