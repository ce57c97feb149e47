import Foundation
import RelanceLoopback

/// A throwaway PostgreSQL cluster for the benchmark (as the tests': initdb as `postgres`
/// when root, pg_ctl on 127.0.0.1 on a free port, a private socket folder), with
/// fsync on: the figures are a durable store's. Stopped by `stop()`.
final class BenchCluster {
    let dir: String, port: Int, bin: String
    static let password = "bench-password"

    init() throws {
        let root = "/usr/lib/postgresql"
        let v = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted().last ?? 15
        bin = "\(root)/\(v)/bin"
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-pg-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir + "/sock", withIntermediateDirectories: true)
        try Self.password.write(toFile: dir + "/pwfile", atomically: true, encoding: .utf8)
        if geteuid() == 0 { try Self.run("/bin/chown", ["-R", "postgres:postgres", dir], asPostgres: false) }
        try Self.run(bin + "/initdb", ["-D", dir + "/data", "-U", "postgres", "--pwfile=" + dir + "/pwfile",
                                       "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
        port = freePort()
        let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories=\(dir)/sock "
            + "-c shared_buffers=256MB -c max_wal_size=4GB -c max_connections=50"
        try Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-l", dir + "/log", "-w", "-t", "60", "-o", options, "start"])
    }

    func url(_ db: String) -> String { "postgresql://postgres@127.0.0.1:\(port)/\(db)" }

    func stop() {
        _ = try? Self.run(bin + "/pg_ctl", ["-D", dir + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// psql as `postgres` over the private socket, `script` on stdin; returns its output.
    func psql(_ db: String, _ script: String) throws -> String {
        let file = dir + "/script-\(UUID().uuidString).sql"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        if geteuid() == 0 { _ = try? Self.run("/bin/chown", ["postgres", file], asPostgres: false) }
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try Self.run(bin + "/psql", ["-h", dir + "/sock", "-p", String(port), "-U", "postgres", "-d", db, "-X", "-q",
                                           "-v", "ON_ERROR_STOP=1", "-f", file])
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], asPostgres: Bool = true) throws -> String {
        let argv = asPostgres && geteuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + args : [tool] + args
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("relance-pg-bench-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else { throw BenchError("cannot run \(tool)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw BenchError("\(tool) failed: \(text.suffix(1000))") }
        return text
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func freePort() -> Int {
    guard let port = Loopback.freePort() else { print("relance-pg-bench: no free port on 127.0.0.1"); exit(1) }
    return port
}

func waitListening(_ port: Int) -> Bool { Loopback.waitListening(port) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
