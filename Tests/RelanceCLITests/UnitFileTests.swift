import Foundation
import Testing

/// systemd/relance.service, checked by systemd-analyze offline (systemd need not be PID 1).
@Suite struct UnitFileTests {
    static let unit = Relance.root.appendingPathComponent("systemd/relance.service")

    /// A copy whose ExecStart is the relance just built, since verify checks that the binary exists.
    static func copy(editing edit: (String) -> String = { $0 }) throws -> (dir: URL, unit: URL) {
        let dir = try Relance.temporaryDirectory()
        let text = try String(contentsOf: unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/relance", with: Relance.binary.path)
        let url = dir.appendingPathComponent("relance.service")
        try edit(text).write(to: url, atomically: true, encoding: .utf8)
        return (dir, url)
    }

    static func analyze(_ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func verifyPrintsNothing() throws {
        let (dir, url) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.analyze(["verify", "--man=no", url.path])
        #expect(r.status == 0 && r.output.isEmpty, "\(r.output)")
    }

    /// verify exits 0 on an unknown key: only its output tells, as this typo shows.
    @Test func verifyReportsATypo() throws {
        let (dir, url) = try Self.copy { $0.replacingOccurrences(of: "NotifyAccess=", with: "NotifyAcess=") }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.analyze(["verify", "--man=no", url.path])
        #expect(r.output.contains("Unknown key 'NotifyAcess'"), "\(r.output)")
    }

    @Test func securityExposureAtMost1Point5() throws {
        let (dir, url) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.analyze(["security", "--offline=true", "--no-pager", url.path])
        let line = r.output.split(separator: "\n").first { $0.contains("Overall exposure level for relance.service:") }
        let value = line.flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Double($0) }
        let exposure = try #require(value, "\(r.output)")
        #expect(exposure <= 1.5, "\(r.output)")
    }

    @Test(arguments: [
        "Type=notify", "NotifyAccess=main", "WatchdogSec=", "Restart=on-failure",
        // 243: a credential is missing (step CREDENTIALS); restarting will not bring it.
        "RestartPreventExitStatus=78 243",
        // Swift's backtracer cannot start under MemoryDenyWriteExecute=: SIGABRT from the watchdog would hang.
        "Environment=SWIFT_BACKTRACE=enable=no",
        // libdispatch lowers its worker threads' priority; @resources alone would refuse it.
        "SystemCallFilter=setpriority", "LimitNICE=-4",
        "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes", "StateDirectory=relance", "LoadCredential=link-secret:",
        "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "SystemCallFilter=@system-service", "CapabilityBoundingSet=\n",
    ])
    func unitSays(_ directive: String) throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        #expect(text.contains("\n" + directive))
    }

    /// scripts/install.sh (what `make install` runs) with DESTDIR and PREFIX=/usr, as a package build would;
    /// the staged relance finds the staged templates and ticks with them.
    @Test func installLaysOutFilesUnderDestdir() throws {
        let dest = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dest) }
        let p = Process()
        p.executableURL = Relance.root.appendingPathComponent("scripts/install.sh")
        var env = ProcessInfo.processInfo.environment
        env["DESTDIR"] = dest.path; env["PREFIX"] = "/usr"; env["BIN"] = Relance.binary.path
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let templates = try FileManager.default.contentsOfDirectory(atPath: Relance.root.appendingPathComponent("Config/templates").path)
        #expect(templates.count > 10)
        for path in ["usr/bin/relance", "usr/lib/systemd/system/relance.service", "usr/lib/systemd/catalog/relance.catalog",
                     "etc/relance/relance.toml", "usr/share/doc/relance/README.md"] + templates.map({ "usr/share/relance/templates/\($0)" }) {
            #expect(FileManager.default.fileExists(atPath: dest.appendingPathComponent(path).path), "\(path)")
        }
        let unit = try String(contentsOf: dest.appendingPathComponent("usr/lib/systemd/system/relance.service"), encoding: .utf8)
        #expect(unit.contains("\nExecStart=/usr/bin/relance run --config /etc/relance/relance.toml\n"))
        #expect(unit.contains("\nDocumentation=file:///usr/share/doc/relance/README.md\n"))
        #expect(!unit.contains(dest.path))
        let catalog = try String(contentsOf: dest.appendingPathComponent("usr/lib/systemd/catalog/relance.catalog"), encoding: .utf8)
        let docs = Set(catalog.split(separator: "\n").filter { $0.hasPrefix("Documentation:") })
        #expect(docs == ["Documentation: file:///usr/share/doc/relance/README.md"], "\(docs)")

        // The staged binary, run by a bare name from PATH in an empty folder, renders with the staged templates.
        let work = dest.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let config = try Relance.writeConfig(in: work)
        let bin = dest.appendingPathComponent("usr/bin")
        let demo = try Relance.run(["demo", "--store", work.appendingPathComponent("store.sqlite").path, "--now", TickCommandTests.now])
        try #require(demo.status == 0, "\(demo.stderr)")
        let tick = Process()
        tick.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tick.arguments = ["PATH=\(bin.path):/usr/bin:/bin", "relance", "tick", "--config", config.path, "--now", TickCommandTests.now]
        tick.currentDirectoryURL = work
        let errors = Pipe()
        tick.standardOutput = FileHandle.nullDevice
        tick.standardError = errors
        try tick.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tick.waitUntilExit()
        #expect(tick.terminationStatus == 0, "\(stderr)")
        let emails = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("spool/email").path)) ?? []
        #expect(!emails.isEmpty)
    }
}
