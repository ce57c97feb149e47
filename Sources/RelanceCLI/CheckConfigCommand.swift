import ArgumentParser
import RelanceConfig
import RelanceDelivery

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file like `nginx -t`: print the effective config, or every error and exit 78.")

    @Argument(help: "The config file.")
    var file: String

    @Flag(name: .long, help: "Also connect to the store and check that the contract's tables and columns are there.")
    var connect = false

    func run() throws {
        let config: Config
        do {
            config = try ConfigLoader.load(path: file)
        } catch {
            for e in error.errors { printError(e.description) }
            throw exConfig
        }
        // Templates are parsed here, as at start: a broken one never fails a send.
        if config.email.transport != .none {
            do {
                _ = try TemplateSet.load(overrides: config.email.templates)
            } catch {
                for p in error.problems { printError("\(file): email.templates: \(p)") }
                throw exConfig
            }
        }
        print(config.effectiveTOML(), terminator: "")
        if config.links.secret == nil {
            printError("\(file): note: links: no link secret here; at run time it comes from the systemd credential \(LinksConfig.credentialName)")
        }
        printError("\(file): configuration ok")
        if connect { try Wiring(config: config).checkStore(file: file) }
    }
}
