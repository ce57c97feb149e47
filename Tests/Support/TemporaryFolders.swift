import Foundation
import Synchronization

/// Temporary folders for tests, removed when the test process exits: a suite run leaves none behind,
/// whatever its tests do with the copies they hold.
public enum TemporaryFolders {
    private static let made = Mutex<[URL]>([])
    private static let registered: Bool = {
        atexit { TemporaryFolders.removeAll() }
        return true
    }()

    /// A fresh folder `/tmp/relance-PREFIX-UUID`, removed at exit.
    public static func make(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relance-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        remove(atExit: url)
        return url
    }

    /// Removes `url` (a folder or a file) when the process exits.
    public static func remove(atExit url: URL) {
        _ = registered
        made.withLock { $0.append(url) }
    }

    static func removeAll() {
        for url in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}
