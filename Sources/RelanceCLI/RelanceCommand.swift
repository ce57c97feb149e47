import ArgumentParser

/// `relance`: the daemon's command line.
public struct RelanceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "relance",
        abstract: "Makes sure no patient request is lost: alerts, digests, reminders and nearby proposals.",
        version: "0.1.0",
        subcommands: [RunCommand.self, StatusCommand.self, TickCommand.self, ExplainCommand.self, OutboxCommand.self, StatsCommand.self,
                      CheckConfigCommand.self, SchemaCommand.self, DemoCommand.self, LinkCommand.self])

    public init() {}

    /// Parses the command line and runs the command, awaiting `relance run`.
    /// (From main.swift, `await main()` resolves to the synchronous overload.)
    public static func start() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// sysexits.h's EX_CONFIG: systemd's RestartPreventExitStatus=78 stops restart loops on a bad config.
let exConfig = ExitCode(78)
