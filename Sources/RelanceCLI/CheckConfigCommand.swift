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
            // The validation run, tick and a reload use, minus opening the store.
            config = try ConfigCheck.load(path: file)
        } catch {
            for e in error.errors { printError(e.description) }
            throw exConfig
        }
        print(config.effectiveTOML(), terminator: "")
        if config.links.secret == nil {
            printError("\(file): note: links: no link secret here; at run time it comes from the systemd credential \(LinksConfig.credentialName)")
        }
        printError("\(file): configuration ok")
        if connect { try Wiring(config: config).checkStore(file: file) }
    }
}
