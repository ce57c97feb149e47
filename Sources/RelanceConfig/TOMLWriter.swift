/// Builds TOML text line by line, with values escaped as TOML requires.
struct TOMLWriter {
    private(set) var text = ""

    /// `# text`
    mutating func comment(_ comment: String) {
        text += "# \(comment)\n"
    }

    /// A blank line (except at the start) and `[name]`.
    mutating func table(_ name: String) {
        if !text.isEmpty { text += "\n" }
        text += "[\(name)]\n"
    }

    mutating func set(_ key: String, _ value: String, note: String? = nil) {
        line(key, Self.quoted(value), note: note)
    }

    mutating func set(_ key: String, _ value: Int) {
        line(key, String(value), note: nil)
    }

    mutating func set(_ key: String, _ value: Double) {
        line(key, value.isFinite ? String(value) : "nan", note: nil)
    }

    mutating func set(_ key: String, _ value: Bool) {
        line(key, value ? "true" : "false", note: nil)
    }

    /// The value when present; otherwise a commented-out `# key = (not set)`.
    mutating func set(_ key: String, optional value: String?) {
        if let value { set(key, value) } else { comment("\(key) = (not set)") }
    }

    private mutating func line(_ key: String, _ literal: String, note: String?) {
        text += "\(key) = \(literal)" + (note.map { "  # \($0)" } ?? "") + "\n"
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
