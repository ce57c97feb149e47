/// Finds the line of each key in TOML text, since TOMLKit reports no positions for values.
///
/// It scans the raw text once and records the first line of every key path it sees: table
/// headers `[a]`, `[a.b]` and `[[a]]`, `key = value`, quoted keys (`"a.b" = 1` is one key),
/// dotted keys (`a.b = 1`), and keys of inline tables; comments, multi-line strings and
/// multi-line arrays are skipped. It is tolerant rather than strict: the text has already been
/// parsed by TOMLKit when errors are located.
public struct KeyLocator: Sendable {
    private var lines: [[String]: Int] = [:]
    /// The first line whose table header does not start with a key (`[=`, `[ #`, `[\r`): the
    /// TOML parser asserts on those instead of reporting them, so the loader reports them first.
    public private(set) var malformedHeaderLine: Int?

    /// Scans `text`.
    public init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        lines = scanner.lines
        malformedHeaderLine = scanner.malformedHeaderLine
    }

    /// The 1-based line where `path` is defined, or nil when the text does not define it.
    public func line(of path: [String]) -> Int? {
        lines[path]
    }

    /// The line to report for `path`: its own line, else that of its nearest defined table
    /// (so a missing key points at its table header), else 1.
    public func line(for path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return 1
    }

    /// ``line(for:)`` with a dotted path such as `rules.digest.threshold` (no quoted keys).
    public func line(for dottedPath: String) -> Int {
        line(for: dottedPath.split(separator: ".").map(String.init))
    }
}

/// The byte-level scanner behind ``KeyLocator``.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lines: [[String]: Int] = [:]
    var malformedHeaderLine: Int?

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    private mutating func record(_ path: [String], line: Int) {
        guard !path.isEmpty else { return }
        for length in 1...path.count where lines[Array(path.prefix(length))] == nil {
            lines[Array(path.prefix(length))] = line
        }
    }

    mutating func scanDocument() {
        var table: [String] = []
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte order mark, as the parser skips it
        while true {
            skipBlanks(newlines: true)
            guard let c = current else { return }
            let startLine = line
            let before = index
            if c == UInt8(ascii: "[") {
                let isArrayOfTables = peek(1) == UInt8(ascii: "[")
                advance()
                if isArrayOfTables { advance() }
                skipBlanks(newlines: false)
                if let c = current, !isBareKeyByte(c), c != UInt8(ascii: "\""), c != UInt8(ascii: "'"), c != UInt8(ascii: "]"),
                   malformedHeaderLine == nil {
                    malformedHeaderLine = startLine
                }
                if let key = scanKey() {
                    table = key
                    record(key, line: startLine)
                }
            } else if let key = scanKey() {
                skipBlanks(newlines: false)
                if current == UInt8(ascii: "=") {
                    advance()
                    skipBlanks(newlines: false)
                    record(table + key, line: startLine)
                    skipValue(recordingUnder: table + key)
                }
            }
            skipToEndOfLine()
            if index == before, current != nil { advance() }
        }
    }

    /// Spaces and tabs; with `newlines`, also line breaks and comments.
    private mutating func skipBlanks(newlines: Bool) {
        while let c = current {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): advance()
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                guard newlines else { return }
                advance()
            case UInt8(ascii: "#"):
                guard newlines else { return }
                skipToEndOfLine()
            default: return
            }
        }
    }

    /// Up to (not past) the next line break, ignoring whatever is there (a comment, the end of a header).
    private mutating func skipToEndOfLine() {
        while let c = current, c != UInt8(ascii: "\n") { advance() }
    }

    /// A possibly dotted key: `a`, `"a.b"`, `a . "b" . c`.
    private mutating func scanKey() -> [String]? {
        var parts: [String] = []
        while true {
            guard let part = scanSimpleKey() else { return parts.isEmpty ? nil : parts }
            parts.append(part)
            skipBlanks(newlines: false)
            guard current == UInt8(ascii: ".") else { return parts }
            advance()
            skipBlanks(newlines: false)
        }
    }

    private mutating func scanSimpleKey() -> String? {
        guard let c = current else { return nil }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            return scanSingleLineString(quote: c)
        }
        let start = index
        while let c = current, isBareKeyByte(c) { advance() }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    private func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    /// A `"basic"` (with escapes) or `'literal'` string on one line; returns its content, escapes
    /// kept as written (good enough for keys).
    private mutating func scanSingleLineString(quote: UInt8) -> String {
        advance()
        let start = index
        while let c = current, c != quote, c != UInt8(ascii: "\n") {
            if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), peek(1) != nil, peek(1) != UInt8(ascii: "\n") {
                advance()
            }
            advance()
        }
        let content = String(decoding: bytes[start..<index], as: UTF8.self)
        if current == quote { advance() }
        return content
    }

    /// Skips one value; keys of inline tables are recorded under `prefix` when given.
    private mutating func skipValue(recordingUnder prefix: [String]?) {
        guard let c = current else { return }
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            if peek(1) == c, peek(2) == c {
                skipMultilineString(quote: c)
            } else {
                _ = scanSingleLineString(quote: c)
            }
        case UInt8(ascii: "["):
            advance()
            while let c = current, c != UInt8(ascii: "]") {
                let before = index
                skipBlanks(newlines: true)
                if current == UInt8(ascii: ",") { advance(); continue }
                if current == UInt8(ascii: "]") { break }
                skipValue(recordingUnder: nil)
                if index == before { advance() }
            }
            if current == UInt8(ascii: "]") { advance() }
        case UInt8(ascii: "{"):
            advance()
            while let c = current, c != UInt8(ascii: "}") {
                let before = index
                skipBlanks(newlines: true)
                if current == UInt8(ascii: ",") { advance(); continue }
                if current == UInt8(ascii: "}") { break }
                let keyLine = line
                if let key = scanKey() {
                    skipBlanks(newlines: false)
                    if current == UInt8(ascii: "=") { advance() }
                    skipBlanks(newlines: false)
                    if let prefix { record(prefix + key, line: keyLine) }
                    skipValue(recordingUnder: prefix.map { $0 + key })
                }
                if index == before { advance() }
            }
            if current == UInt8(ascii: "}") { advance() }
        default:
            // A number, boolean or date: up to a delimiter.
            while let c = current, !isValueDelimiter(c) { advance() }
        }
    }

    private func isValueDelimiter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
            UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"):
            true
        default: false
        }
    }

    /// `"""…"""` or `'''…'''`, possibly over several lines.
    private mutating func skipMultilineString(quote: UInt8) {
        advance(); advance(); advance()
        while let c = current {
            if c == quote, peek(1) == quote, peek(2) == quote {
                advance(); advance(); advance()
                // Up to two more quotes may close the string: `""""` ends with a quote in the content.
                while current == quote { advance() }
                return
            }
            if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), peek(1) != nil { advance() }
            advance()
        }
    }
}
