/// Small text helpers shared by the section readers.
enum TextChecks {
    /// Why `s` cannot be a one-line value (CR/LF or other control characters), or nil.
    static func controlCharacterProblem(_ s: String) -> String? {
        if s.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            return "must be a single line: it contains a line break (CR/LF), which could inject headers"
        }
        if s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "must not contain control characters"
        }
        return nil
    }

    /// `s` with its control characters escaped (`\n`, `\u{7F}`), so that an error quoting a value
    /// stays one line: one error per line is what `check-config` promises.
    static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(u): out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}"
    }

    /// `a, b and c` (or `a, b or c`).
    static func list(_ items: [String], or: Bool) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + (or ? " or " : " and ") + items.last!
    }
}
