/// Reads the keys of one TOML table with the types and ranges the config expects.
///
/// Every getter records the key as known (whether or not the file sets it) and reports a wrong
/// type or value to the ``LoadContext``, returning the default so that reading goes on and every
/// error of the file is collected. ``finish(children:)`` then reports the keys nobody asked for.
struct TableReader {
    /// The table's path, such as `["rules", "digest"]`; empty for the document itself.
    let path: [String]
    /// The table's entries; nil when the file has no such table.
    let entries: [String: TOMLNode]?
    let context: LoadContext
    /// Whether the file sets this table to something else than a table (already reported).
    let isMistyped: Bool
    /// Where a secret of this table belongs instead of inline: the `*_file` key and the systemd
    /// credential name.
    var secretHome: (fileKey: String, credential: String)?
    private(set) var knownKeys: [String] = []

    init(path: [String], entries: [String: TOMLNode]?, context: LoadContext, isMistyped: Bool = false) {
        self.path = path
        self.entries = entries
        self.context = context
        self.isMistyped = isMistyped
    }

    /// Whether the file has this table.
    var isPresent: Bool { entries != nil }

    /// `[store]`, or "the file" for the document.
    var header: String { path.isEmpty ? "the file" : "[\(path.joined(separator: "."))]" }

    func report(_ key: String, _ message: String) {
        context.report(path + [key], message)
    }

    /// Reports that a required key is absent (or its whole table, when the table is absent).
    func reportMissing(_ key: String, _ detail: String = "") {
        if isPresent {
            report(key, "missing required key" + (detail.isEmpty ? "" : "; \(detail)"))
        } else if !isMistyped {
            context.reportMissingTable(path)
        }
    }

    /// Whether the file sets `key`.
    func has(_ key: String) -> Bool { entries?[key] != nil }

    /// The raw value of `key`, marking it known.
    mutating func value(_ key: String) -> TOMLNode? {
        if !knownKeys.contains(key) { knownKeys.append(key) }
        return entries?[key]
    }

    /// A sub-table; reports a value of another type and reads it as absent.
    mutating func table(_ key: String) -> TableReader {
        switch value(key) {
        case nil:
            return TableReader(path: path + [key], entries: nil, context: context)
        case .table(let entries):
            return TableReader(path: path + [key], entries: entries, context: context)
        case let other?:
            report(key, "expected a table, found \(other.kindDescription)")
            return TableReader(path: path + [key], entries: nil, context: context, isMistyped: true)
        }
    }

    mutating func string(_ key: String) -> String? {
        guard let node = value(key) else { return nil }
        guard case .string(let s) = node else {
            report(key, "expected a string, found \(node.kindDescription)")
            return nil
        }
        return s
    }

    /// A string on one line with no control characters (values that end up in headers or logs).
    mutating func singleLine(_ key: String) -> String? {
        guard let s = string(key) else { return nil }
        if let problem = TextChecks.controlCharacterProblem(s) {
            report(key, problem)
            return nil
        }
        return s
    }

    mutating func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let node = value(key) else { return defaultValue }
        guard case .boolean(let b) = node else {
            report(key, "expected a boolean (true or false), found \(node.kindDescription)")
            return defaultValue
        }
        return b
    }

    mutating func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let node = value(key) else { return defaultValue }
        guard case .integer(let n) = node else {
            report(key, "expected an integer, found \(node.kindDescription)")
            return defaultValue
        }
        guard range.contains(n) else {
            report(key, "\(n) is out of range: \(key) must be between \(range.lowerBound) and \(range.upperBound)")
            return defaultValue
        }
        return n
    }

    /// An integer or floating-point number in `(above, upTo]`.
    mutating func number(_ key: String, default defaultValue: Double, above: Double, upTo: Double) -> Double {
        guard let node = value(key) else { return defaultValue }
        let x: Double
        switch node {
        case .integer(let n): x = Double(n)
        case .float(let f): x = f
        default:
            report(key, "expected a number, found \(node.kindDescription)")
            return defaultValue
        }
        guard x.isFinite, x > above, x <= upTo else {
            let shown = if case .integer(let n) = node { String(n) } else { String(x) }
            report(key, "\(shown) is out of range: \(key) must be more than \(Self.format(above)) and at most \(Self.format(upTo))")
            return defaultValue
        }
        return x
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    /// One of the raw values of `T`, such as `transport = "smtp"`.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: T) -> T
    where T.RawValue == String {
        guard let s = string(key) else { return defaultValue }
        if let value = T(rawValue: s) { return value }
        let names = T.allCases.map(\.rawValue)
        var message = "\"\(s)\" is not a valid \(key); expected \(TextChecks.list(names.map { "\"\($0)\"" }, or: true))"
        if let guess = Suggestions.closest(to: s, in: names) { message += "; did you mean \"\(guess)\"?" }
        report(key, message)
        return defaultValue
    }

    /// What the entries of a table are, for the wording of ``finish(children:)``.
    enum Children {
        /// Plain keys (`[store]`).
        case keys
        /// Tables (the document: `[store]`, `[links]`…).
        case tables
        /// Rules (`[rules]`: `[rules.digest]`…).
        case rules
    }

    /// Reports every key of the table that no getter asked for: inline secrets, unknown tables,
    /// unknown keys, with a suggestion when one is close.
    func finish(children: Children = .keys) {
        guard let entries else { return }
        let known = Set(knownKeys)
        let render: (String) -> String = { key in
            children == .keys ? "\"\(key)\"" : "[\((path + [key]).joined(separator: "."))]"
        }
        for key in entries.keys.sorted() where !known.contains(key) {
            let node = entries[key]!
            if Self.secretKeyNames.contains(key), !node.isTable {
                report(key, inlineSecretMessage())
                continue
            }
            var message = children == .rules ? "unknown rule" : node.isTable ? "unknown table" : "unknown key"
            if let guess = Suggestions.closest(to: key, in: knownKeys) {
                message += "; did you mean \(render(guess))?"
            } else if !knownKeys.isEmpty {
                message += "; \(header) accepts \(TextChecks.list(knownKeys.map(render), or: true))"
            }
            report(key, message)
        }
    }

    /// Names that hold secrets; written inline, they are an error wherever they appear.
    static let secretKeyNames: Set<String> = ["password", "secret", "token", "api_secret", "auth_token"]

    private func inlineSecretMessage() -> String {
        let head = "secrets must not be written in the config file"
        guard let home = secretHome else {
            return "\(head): put it in a file readable only by the service and name it with the matching *_file key, "
                + "or pass it as a systemd credential (LoadCredential=)"
        }
        return "\(head): put it in a file readable only by the service and set \(home.fileKey) = \"/path/to/file\", "
            + "or pass it as the systemd credential \(home.credential) "
            + "(LoadCredential=\(home.credential):/etc/relance/\(home.credential) in the unit)"
    }
}

extension TOMLNode {
    var isTable: Bool {
        if case .table = self { return true }
        return false
    }
}
