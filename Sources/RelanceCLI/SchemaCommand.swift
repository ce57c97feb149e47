import ArgumentParser
import RelanceStore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the store contract's DDL, with relance's own tables, for the platform's developers.")

    @Option(name: .long, help: "sqlite or postgres.")
    var engine: String = "sqlite"

    @Flag(name: .long, help: "Only the platform's tables, without relance's migrations.")
    var contractOnly = false

    func run() throws {
        guard let e = RelanceStore.StoreEngine(rawValue: engine) else {
            throw ValidationError("--engine \(engine): expected sqlite or postgres")
        }
        print(Contract.ddl(e))
        if e == .postgres { print(Contract.notifyTrigger) }
        guard !contractOnly else { return }
        print("-- relance's own tables: created and upgraded by relance itself at start.")
        for m in RelanceMigrations.all(e) {
            print("\n-- migration \(m.id)\n\(m.sql)")
        }
    }
}
