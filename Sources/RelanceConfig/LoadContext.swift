/// What every section reader shares while one config file is loaded: where the file is, how to
/// locate keys in it, the environment, and the errors found so far.
final class LoadContext {
    let file: String
    let locator: KeyLocator
    /// Absolute directory of the config file; relative paths are resolved against it.
    let baseDirectory: String
    let environment: [String: String]
    private(set) var errors: [ConfigError] = []
    private var missingTables: Set<[String]> = []

    init(file: String, text: String, environment: [String: String]) {
        self.file = file
        self.locator = KeyLocator(text: text)
        self.baseDirectory = PathResolution.directory(ofConfigFile: file)
        self.environment = environment
    }

    /// Records an error at `path`, on the line of the key or of its nearest table.
    func report(_ path: [String], _ message: String) {
        errors.append(ConfigError(file: file, line: locator.line(for: path),
                                  key: path.joined(separator: "."), message: TextChecks.oneLine(message)))
    }

    /// Records that a required table is absent, once per table.
    func reportMissingTable(_ path: [String]) {
        guard missingTables.insert(path).inserted else { return }
        let header = path.joined(separator: ".")
        report(path, "missing required table [\(header)]")
    }

    /// A path from the config made absolute against the config file's directory.
    func resolve(_ path: String) -> String {
        PathResolution.absolute(path, relativeTo: baseDirectory)
    }

    /// The errors in line order (stable for errors on the same line).
    var sortedErrors: [ConfigError] {
        errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}
