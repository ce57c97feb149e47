import Foundation
import RelanceConfig
import RelanceDelivery

/// The one validation that `check-config`, `run`, `tick` and a reload share, so that
/// `check-config` never passes what `run` rejects: the config file with what it names (URL
/// syntax and ports, secret files: ``ConfigLoader``), then every template, whatever
/// `email.transport` says, since SMS are worded by the templates too. Only opening the store is
/// left to the commands that use it.
enum ConfigCheck {
    /// Loads and checks the config at `path`; every problem is a ``ConfigError`` (FILE:LINE: key).
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigErrors) -> Config
    {
        let config = try ConfigLoader.load(path: path, environment: environment)
        do {
            _ = try TemplateSet.load(overrides: config.email.templates)
        } catch {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let line = KeyLocator(text: text).line(for: ["email", "templates"])
            throw ConfigErrors(error.problems.map {
                ConfigError(file: path, line: line, key: "email.templates", message: $0.description)
            })
        }
        return config
    }
}
