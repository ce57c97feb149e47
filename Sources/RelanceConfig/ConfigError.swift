/// One problem found in a config file, located by file, line and dotted key.
///
/// Its description is the `nginx -t` style line that `relance check-config` prints:
/// `/etc/relance/relance.toml:12: rules.digest.threshold: expected an integer, found a string`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file as it was given to the loader.
    public var file: String
    /// The 1-based line of the key (or of its table header, or 1 when neither exists).
    public var line: Int
    /// The dotted key path, such as `store.path`; `(syntax)` for a TOML syntax error, `(file)` when
    /// the file itself cannot be read.
    public var key: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { "\(file):\(line): \(key): \(message)" }
}

/// Every problem found in a config file, in line order; thrown by ``ConfigLoader``.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
