import ArgumentParser

/// `relance`: the daemon's command line.
public struct RelanceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "relance",
        abstract: "Makes sure no patient request is lost: alerts, digests, reminders and nearby proposals.",
        version: "0.1.0",
        subcommands: [TickCommand.self, ExplainCommand.self, OutboxCommand.self, StatsCommand.self,
                      CheckConfigCommand.self, SchemaCommand.self, DemoCommand.self, LinkCommand.self])

    public init() {}
}

/// sysexits.h's EX_CONFIG: systemd's RestartPreventExitStatus=78 stops restart loops on a bad config.
let exConfig = ExitCode(78)
