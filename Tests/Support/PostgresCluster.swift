import Foundation
import RelanceLoopback
import RelancePostgres

/// A throwaway PostgreSQL cluster for the test run: `initdb` into a temporary
/// folder (as the `postgres` user when run as root), `pg_ctl start` on 127.0.0.1
/// on a free port with a private socket folder and `fsync=off`; stopped by
/// `pg_ctl stop` when the test process exits. TCP connections need a password
/// (scram-sha-256), so the store's password path is exercised by every test.
public final class PostgresCluster: Sendable {
    public let dir: String
    public let port: Int
    public let bin: String
    public static let password = "relance-test-password"

    /// The one cluster of this test process, started on first use.
    public static let shared: Result<PostgresCluster, any Error> = Result { try PostgresCluster(shared: true) }

    /// A cluster of its own, for a test that stops or restarts it; the test calls `stop()`.
    public static func makePrivate() throws -> PostgresCluster { try PostgresCluster(shared: false) }

    public static func get() throws -> PostgresCluster { try shared.get() }

    private init(shared: Bool) throws {
        bin = try Self.findBin()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir + "/sock", withIntermediateDirectories: true)
        try Self.password.write(toFile: dir + "/pwfile", atomically: true, encoding: .utf8)
        try Self.run("/bin/chown", ["-R", "postgres:postgres", dir], asPostgres: false, allowFailure: geteuid() != 0)
        try Self.run(bin + "/initdb", ["-D", dir + "/data", "-U", "postgres", "--pwfile=" + dir + "/pwfile",
                                       "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                                       "--no-sync", "--no-instructions"])
        // The configs' copy: the test process's own, readable by its owner only (relance refuses others).
        try Self.password.write(toFile: dir + "/password", atomically: true, encoding: .utf8)
        chmod(dir + "/password", 0o600)
        port = try Self.freePort()
        try startServer()
        if shared {
            Self.started.withLock { $0 = (bin, dir) }
            atexit { PostgresCluster.stopAtExit() }
        }
    }

    static let started = LockedBox<(String, String)?>(nil)

    /// Stops the cluster and removes its folder (at the test process's exit).
    static func stopAtExit() {
        guard let (bin, dir) = started.withLock({ $0 }) else { return }
        try? run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "immediate", "-w", "stop"], allowFailure: true)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A file holding the password, for configs' `store.password_file`.
    public var passwordFile: String { dir + "/password" }

    /// The superuser's URL to `database` (the password goes apart).
    public func url(_ database: String = "postgres", user: String = "postgres") -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// A new empty database.
    public func createDatabase() throws -> String {
        let name = "relance_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try PostgresStore(url: url(), password: Self.password, migrate: false)
        defer { admin.disconnect() }
        _ = try admin.rows("CREATE DATABASE \(name)")
        return name
    }

    /// `pg_ctl stop` (fast: connections are cut), for the tests of a lost connection.
    public func stopServer() throws {
        try Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "fast", "-w", "stop"])
    }

    /// `pg_ctl start` again, on the same port.
    public func startServer() throws {
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(dir)/sock "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        try Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-l", dir + "/log", "-w", "-t", "60", "-o", options, "start"])
    }

    /// Stops the server (if running) and removes its folder.
    public func destroy() {
        _ = try? Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "immediate", "-w", "stop"], allowFailure: true)
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func findBin() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let v = versions.compactMap(Int.init).sorted().last, FileManager.default.fileExists(atPath: "\(root)/\(v)/bin/initdb") else {
            throw ClusterError(message: "no PostgreSQL server under \(root): run scripts/install-deps.sh (package postgresql)")
        }
        return "\(root)/\(v)/bin"
    }

    static func freePort() throws -> Int {
        guard let port = Loopback.freePort() else { throw ClusterError(message: "no free port") }
        return port
    }

    /// Runs a PostgreSQL program, as `postgres` when we are root (initdb refuses root).
    /// posix_spawn and waitpid: the server that pg_ctl starts outlives it, and must hold no pipe of ours.
    @discardableResult
    static func run(_ tool: String, _ args: [String], asPostgres: Bool = true, allowFailure: Bool = false) throws -> String {
        let argv = asPostgres && geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + args : [tool] + args
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("relance-pg-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard spawned == 0 else { throw ClusterError(message: "cannot run \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if exited != 0 && !allowFailure {
            throw ClusterError(message: "\(tool) \(args.joined(separator: " ")) failed (\(exited)): \(text)")
        }
        return text
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}

/// A value behind a lock.
final class LockedBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
}
