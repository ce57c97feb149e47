import Foundation
import RelancePostgres
import RelanceTestSupport
import Testing

/// `check-config` needs no database; `check-config --connect` reaches it and names what the contract lacks.
@Suite struct CheckConnectTests {
    func config(url: String, passwordFile: String, in dir: URL) throws -> URL {
        let config = try Relance.writeConfig(in: dir)
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "path = \"store.sqlite\"", with: """
            engine = "postgres"
            url = "\(url)"
            password_file = "\(passwordFile)"
            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test func connectChecksReachabilityAndTheContract() throws {
        let cluster = try PostgresCluster.get()
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = try cluster.createDatabase()
        let empty = try config(url: cluster.url(name), passwordFile: cluster.passwordFile, in: dir)
        // Without --connect, no database is needed.
        #expect(try Relance.run(["check-config", empty.path]).status == 0)
        let lacking = try Relance.run(["check-config", "--connect", empty.path])
        #expect(lacking.status == 65 && lacking.stderr.contains("table requests"), "\(lacking.stderr)")
        let db = try PostgresStore(url: cluster.url(name), password: PostgresCluster.password, migrate: false)
        _ = try PostgresStore.create(url: cluster.url(name), password: PostgresCluster.password)
        try db.execute("ALTER TABLE messages DROP COLUMN deliver_at")
        let column = try Relance.run(["check-config", "--connect", empty.path])
        #expect(column.status == 65 && column.stderr.contains("messages.deliver_at") && !column.stderr.contains("table requests"),
                "\(column.stderr)")
        try db.execute("ALTER TABLE messages ADD COLUMN deliver_at TIMESTAMPTZ")
        let ok = try Relance.run(["check-config", "--connect", empty.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        // Nobody listening there: unreachable, and the password never printed.
        let down = try config(url: "postgresql://postgres@127.0.0.1:1/\(name)?connect_timeout=2", passwordFile: cluster.passwordFile, in: dir)
        let unreachable = try Relance.run(["check-config", "--connect", down.path])
        #expect(unreachable.status == 69 && unreachable.stderr.contains("cannot reach"), "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains(PostgresCluster.password))
    }

    @Test func aPasswordInTheURLExits78AndIsNeverPrinted() throws {
        let path = Relance.root.appendingPathComponent("Tests/RelanceConfigTests/Fixtures/broken/postgres-url-password.toml").path
        let r = try Relance.run(["check-config", "--connect", path])
        #expect(r.status == 78)
        #expect(r.stderr.contains("\(path):7: store.url:"), "\(r.stderr)")
        #expect(!r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"))
    }
}
