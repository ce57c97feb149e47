import Foundation
import RelanceCore
import TOMLKit

/// Reads a TOML config file into a validated ``Config``.
///
/// Loading never stops at the first problem: every error of the file (syntax apart, which stops
/// parsing) is collected with its line and key, and all are thrown together, so one run of
/// `relance check-config` shows everything to fix.
public enum ConfigLoader {
    /// Reads, parses and validates the file at `path`; collects every error and throws them together.
    ///
    /// - Parameter environment: where `CREDENTIALS_DIRECTORY` (systemd credentials) is looked up.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigErrors) -> Config
    {
        let bytes: [UInt8]
        switch RawFile.bytes(atPath: path, maxBytes: 1024 * 1024) {
        case .success(let b): bytes = b
        case .failure(let error):
            throw ConfigErrors([ConfigError(file: path, line: 1, key: "(file)", message: "cannot read config: \(error.reason)")])
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw ConfigErrors([ConfigError(file: path, line: 1, key: "(file)", message: "config is not valid UTF-8 text")])
        }
        return try parse(text: text, file: path, environment: environment)
    }

    /// Parses and validates `text` as if read from `file` (which names errors and anchors relative paths).
    public static func parse(text: String, file: String, environment: [String: String]) throws(ConfigErrors) -> Config {
        // toml++ asserts (aborts, or assumes in a release build) on a header such as `[=`: refused here first.
        if let line = KeyLocator(text: text).malformedHeaderLine {
            throw ConfigErrors([ConfigError(file: file, line: line, key: "(syntax)",
                                            message: "a table header must start with its name, as in [store]")])
        }
        let document: [String: TOMLNode]
        do {
            document = TOMLNode.entries(of: try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw ConfigErrors([ConfigError(file: file, line: max(1, error.source.begin.line), key: "(syntax)",
                                            message: error.description)])
        } catch {
            throw ConfigErrors([ConfigError(file: file, line: 1, key: "(syntax)", message: "\(error)")])
        }

        let context = LoadContext(file: file, text: text, environment: environment)
        var root = TableReader(path: [], entries: document, context: context)

        var storeTable = root.table("store")
        let store = StoreConfig.read(&storeTable)
        var linksTable = root.table("links")
        let links = LinksConfig.read(&linksTable)
        var emailTable = root.table("email")
        let email = EmailConfig.read(&emailTable)
        var smsTable = root.table("sms")
        let sms = SMSConfig.read(&smsTable)
        var deliveryTable = root.table("delivery")
        let delivery = DeliveryConfig.read(&deliveryTable)
        var calendarTable = root.table("calendar")
        let calendar = CalendarConfig.read(&calendarTable)
        var logTable = root.table("log")
        let log = LogConfig.read(&logTable)
        var metricsTable = root.table("metrics")
        let metrics = MetricsConfig.read(&metricsTable)
        var policy = Policy()
        policy.region = calendar.region
        var rulesTable = root.table("rules")
        RulesSection.read(&rulesTable, into: &policy)
        root.finish(children: .tables)

        let errors = context.sortedErrors
        guard errors.isEmpty else { throw ConfigErrors(errors) }
        return Config(file: file, store: store, links: links, email: email, sms: sms, delivery: delivery,
                      calendar: calendar, log: log, policy: policy, metrics: metrics)
    }
}
