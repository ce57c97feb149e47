import ArgumentParser
import Foundation
import RelancePostgres
import RelanceStore

extension Wiring {
    /// `check-config --connect`: the store is reachable and holds the contract's tables and
    /// columns; what is missing is named. Changes nothing (no migration, no file created).
    /// Exit 69 (EX_UNAVAILABLE) when unreachable, 65 (EX_DATAERR) when the contract is incomplete.
    func checkStore(file: String) throws {
        let missing: [String]
        let location: String
        do {
            switch config.store.engine {
            case .sqlite:
                let path = config.store.path ?? ""
                location = path
                guard FileManager.default.fileExists(atPath: path) else {
                    printError("\(file): store.path: \(path): no such file")
                    throw ExitCode(69)
                }
                missing = try SQLiteStore.missingContract(path: path)
            case .postgres:
                let store = try PostgresStore(url: config.store.url ?? "", password: config.store.password?.value, migrate: false)
                location = store.location
                missing = try store.missingContract()
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("\(file): store: cannot reach the store: \(error)")
            throw ExitCode(69)
        }
        guard missing.isEmpty else {
            printError("\(file): store: \(location) lacks what the contract needs: \(missing.joined(separator: ", ")); see `relance schema`")
            throw ExitCode(65)
        }
        printError("\(file): store \(location) reachable, the contract's tables and columns are there")
    }
}
