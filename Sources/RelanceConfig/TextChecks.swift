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

    /// `a, b and c` (or `a, b or c`).
    static func list(_ items: [String], or: Bool) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + (or ? " or " : " and ") + items.last!
    }
}
