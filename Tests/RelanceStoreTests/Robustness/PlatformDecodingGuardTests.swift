import Foundation
import Testing

/// The CI check of issue 10: on the paths that read platform data, no construct
/// that traps on a bad value. GRDB's typed fetches and subscripts
/// (`row["email"] as String`, `String.fetchOne`) trap or throw on a mismatched
/// type and dump the row; platform values go through `PlatformRow` only.
@Suite struct PlatformDecodingGuardTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The files that read the platform's tables.
    static let platformFiles = [
        "Sources/RelanceStore/PlatformValue.swift", "Sources/RelanceStore/Rows.swift",
        "Sources/RelanceStore/Store+PlatformRows.swift", "Sources/RelanceStore/Store+Cycle.swift",
        "Sources/RelanceStore/Store+Snapshot.swift", "Sources/RelanceStore/Store+Explain.swift",
        "Sources/RelanceStore/Store+Nearby.swift", "Sources/RelanceStore/Store+Status.swift",
        "Sources/RelanceStore/CycleSnapshot.swift", "Sources/RelanceStore/CursorPosition.swift",
    ]

    /// Forbidden constructs, with why.
    static let forbidden: [(pattern: String, why: String)] = [
        (#"try!"#, "try! traps"),
        (#"\bas!"#, "as! traps"),
        (#"\b(fatalError|precondition|preconditionFailure)\("#, "traps"),
        (#"[\w\)\]]!(?!=)"#, "a force unwrap traps"),
        (#"\bRow\.fetch"#, "GRDB rows invite typed subscripts that trap: use platformRows"),
        (#"\b(String|Int|Int64|Int32|Double|Bool|Data|Date)\.fetch"#, "a typed fetch fails on a mismatched value: use platformRows"),
        (#"\b(row|raw|r|d|\$0|\$1)\["#, "a row subscript: use PlatformRow's checks"),
    ]

    /// Comments and string literals removed: only code is checked.
    static func code(_ text: String) -> String {
        var s = text.replacingOccurrences(of: #"(?s)""".*?""""#, with: "\"\"", options: .regularExpression)
        s = s.replacingOccurrences(of: #""(\\.|[^"\\\n])*""#, with: "\"\"", options: .regularExpression)
        s = s.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
        return s
    }

    static func violations(in text: String, file: String) -> [String] {
        var found: [String] = []
        for (n, line) in code(text).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for rule in forbidden {
                if file.hasSuffix("Store+PlatformRows.swift"), rule.pattern.contains("Row\\.fetch") { continue }
                if line.range(of: rule.pattern, options: .regularExpression) != nil {
                    found.append("\(file):\(n + 1): \(rule.why): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return found
    }

    @Test func platformReadingPathsHaveNoTrappingConstruct() throws {
        var found: [String] = []
        for file in Self.platformFiles {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            found += Self.violations(in: text, file: file)
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// The check itself catches what it must.
    @Test(arguments: [
        #"let v: String = row["email"]"#, "let x = try! decode(row)", "let p = practices[id]!",
        #"let n = try String.fetchOne(db, sql: "SELECT 1")"#, "for row in try Row.fetchAll(db, sql: q) {}",
        "fatalError(\"no\")", "let a = b as! Int",
    ])
    func theCheckCatches(_ line: String) {
        #expect(!Self.violations(in: line, file: "x.swift").isEmpty)
    }

    @Test(arguments: [#"if a != b { }"#, "guard !done else { return }", #"let s = "wow!""#, "// try! in a comment"])
    func theCheckLetsThrough(_ line: String) {
        #expect(Self.violations(in: line, file: "x.swift").isEmpty)
    }
}
