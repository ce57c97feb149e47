import ArgumentParser
import Logging
import RelanceConfig
import RelanceSystemd
import ServiceLifecycle

/// `relance run`: the daemon, for systemd `Type=notify`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: a poll cycle every poll_interval; SIGHUP reloads the config, SIGTERM stops.")

    @OptionGroup var config: ConfigOption

    func run() async throws {
        MemoryTrim.limitArenas()
        let config = try config.load()
        let logger = makeLogger(level: config.log.level)
        let wallClock: DaemonClock
        do {
            wallClock = try DaemonClock()
        } catch {
            logger.critical("cannot start: \(error)", metadata: ["error": "\(error)"])
            throw exConfig
        }
        let generation: Generation
        do {
            generation = try Generation.build(config, logger: logger)
        } catch let error as WiringError {
            logger.critical("\(config.file): \(error)", metadata: ["error": "\(error)"])
            throw exConfig
        } catch {
            logger.critical("cannot start: \(error)", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        var daemon = Daemon(configPath: config.file, first: generation, logger: logger, notifier: SystemdNotifier(),
                            watchdogPing: SystemdNotifier.watchdogPingInterval(), wallClock: wallClock)
        daemon.wakeSource = generation.wakeSource(logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
