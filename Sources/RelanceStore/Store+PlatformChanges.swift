import Foundation
import GRDB

extension SQLiteStore {
    /// What opening the SQLite file at `path` will change in the platform's own store, read
    /// (read-only) before opening it, so that the daemon can say so once, at its first start:
    /// the switch from a rollback journal to WAL (kept in the file, for good) and the
    /// `relance_*` indexes added to the platform's tables. Empty when there is nothing to change
    /// or the file cannot be read (opening it then reports why).
    public static func platformChanges(path: String) -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return [] }
        defer { try? queue.close() }
        let wanted = platformIndexNames
        return (try? queue.read { db -> [String] in
            var changes: [String] = []
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() ?? "?"
            if mode != "wal" {
                changes.append("switching the store from journal_mode \(mode) to WAL, which SQLite keeps in the file for good "
                    + "(readers no longer block the writer; the -wal and -shm files appear beside it)")
            }
            let existing = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
            let missing = wanted.filter { !existing.contains($0) }
            if !missing.isEmpty {
                changes.append("adding \(missing.count) indexes to the platform's tables: \(missing.joined(separator: ", "))")
            }
            return changes
        }) ?? []
    }

    /// The `relance_*` indexes that relance's migrations create on the platform's tables
    /// (v2's, and v3's partial indexes of rows with unreadable timestamps).
    static var platformIndexNames: [String] {
        let sql = RelanceMigrations.all(.sqlite).map(\.sql).joined(separator: "\n")
        return sql.components(separatedBy: "CREATE INDEX IF NOT EXISTS ").dropFirst().compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
    }
}
