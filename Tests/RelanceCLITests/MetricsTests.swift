import Foundation
import Testing

/// `metrics.textfile`: the Prometheus text file `relance run` rewrites after each cycle,
/// checked by promtool (Debian's prometheus); the example alerting rules too.
@Suite(.serialized) struct MetricsTests {
    static let promtool = "/usr/bin/promtool"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "promtool (Debian prometheus) is installed by scripts/install-deps.sh"))
    func theDaemonWritesAFilePromtoolAccepts() throws {
        // catch_up 1 day: decisions and deliveries to count, at any instant.
        let (dir, config) = try DaemonFixture.make(catchUp: "1 days", extra: "\n[metrics]\ntextfile = \"metrics/relance.prom\"\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("metrics")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notify = try NotifySocket(in: dir)
        let daemon = try DaemonProcess(config: config, environment: ["NOTIFY_SOCKET": notify.path], watchdogPID: false, in: dir)
        defer { daemon.kill9() }
        #expect(notify.waitFor(timeout: 20) { $0.hasPrefix("STATUS=cycle ") } != nil, "\(daemon.stderr)")
        // Delivery drains beside the cycles: the cycle after the first sends counts them.
        let file = folder.appendingPathComponent("relance.prom")
        var text = ""
        let end = Date().addingTimeInterval(30)
        repeat {
            usleep(200_000)
            text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        } while Date() < end && !(Self.samples(text)["relance_deliveries_total{channel=\"email\",outcome=\"sent\"}"].map { $0 > 0 } ?? false
                                  && Self.samples(text)["relance_cycles_total{result=\"success\"}"].map { $0 >= 2 } ?? false)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit(timeout: 5) == 0, "\(daemon.stderr)")
        let check = try Self.promtool(["check", "metrics"], stdin: text)
        #expect(check.status == 0, "promtool check metrics:\n\(check.output)\n\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["relance.prom"], "no temporary file left")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o644, "readable by node_exporter: \(String(mode ?? 0, radix: 8))")

        let samples = Self.samples(text)
        let decided = samples.filter { $0.key.hasPrefix("relance_decisions_total{") }.values.reduce(0, +)
        #expect(decided > 0, "\(text)")
        #expect(samples["relance_decisions_total{rule=\"reminder\"}"] != nil, "every rule, even at 0")
        #expect(samples["relance_deliveries_total{channel=\"email\",outcome=\"sent\"}"].map { $0 > 0 } == true, "\(text)")
        #expect(samples["relance_deliveries_total{channel=\"sms\",outcome=\"dead\"}"] != nil)
        #expect(samples["relance_cycles_total{result=\"success\"}"].map { $0 >= 2 } == true)
        for state in ["pending", "deferred", "dead"] { #expect(samples["relance_outbox_rows{state=\"\(state)\"}"] != nil, "\(state)") }
        #expect(samples["relance_outbox_oldest_pending_age_seconds"].map { $0 >= 0 } == true)
        #expect(samples["relance_cycle_duration_seconds"].map { $0 > 0 } == true)
        // The daemon's clock (TestInstant) stamps the last success.
        let last = try #require(samples["relance_last_success_timestamp_seconds"])
        #expect(abs(last - TestInstant.now.timeIntervalSince1970) < 60, "\(last)")
    }

    @Test func aTextfileNotEndingInPromIsAConfigError() throws {
        let dir = try Relance.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Relance.writeConfig(in: dir, extra: "\n[metrics]\ntextfile = \"relance.txt\"\n")
        let r = try Relance.run(["check-config", config.path])
        #expect(r.status == 78, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("metrics.textfile:") && r.stderr.contains("must end in .prom"), "\(r.stderr)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "promtool (Debian prometheus)"))
    func theExampleAlertingRulesPass() throws {
        let rules = Relance.root.appendingPathComponent("Config/prometheus-alerts.yml").path
        let r = try Self.promtool(["check", "rules", rules])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("SUCCESS: 3 rules found"), "\(r.output)")
    }

    /// `name{labels} value` lines, by `name{labels}`.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }

    static func promtool(_ args: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtool)
        p.arguments = args
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
