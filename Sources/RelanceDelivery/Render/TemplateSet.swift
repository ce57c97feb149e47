import Foundation
import Mustache
import RelanceCore

/// The words of every email and SMS, as mustache templates.
///
/// One file per rule and locale (`reminder.fr.mustache`), in four parts, each
/// introduced by a line `--- subject`, `--- text`, `--- html` or `--- sms`;
/// lines before the first part are notes for the reader. Files whose names
/// start with `_` are partials for the HTML parts (`{{> _html_head}}`).
/// The built-in set ships in `Config/templates/`; the folder named by
/// `email.templates` replaces any of its files.
///
/// Everything is parsed at start: a missing or broken template is a config
/// error then (`check-config` reports it), never a failure at send time.
public struct TemplateSet: Sendable {
    public static let locales = ["fr", "en"]
    public enum Part: String, CaseIterable, Sendable { case subject, text, html, sms }

    /// A template file that cannot be used, and why.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    let entries: [String: [Part: MustacheTemplate]]
    let library: MustacheLibrary
    /// Where each template was read from, by name.
    public let sources: [String: String]

    /// The name of a rule's template in a locale: `reminder.fr`.
    static func name(_ rule: RuleName, _ locale: String) -> String { "\(rule.rawValue).\(locale)" }

    /// Loads the built-in templates, each replaced by its namesake in `overrides` when there is one.
    public static func load(overrides: String? = nil) throws(LoadError) -> TemplateSet {
        var problems: [Problem] = []
        var files: [String: String] = [:]  // name → path
        if let builtIn = builtInFolder() {
            for (name, path) in mustacheFiles(in: builtIn) { files[name] = path }
        } else if overrides == nil {
            problems.append(Problem(file: "Config/templates", reason: "the built-in templates are not installed beside relance (PREFIX/share/relance/templates for PREFIX/bin/relance); set email.templates to a folder holding them"))
        }
        let expected = Set(RuleName.allCases.flatMap { rule in locales.map { name(rule, $0) } })
        if let overrides {
            let found = mustacheFiles(in: overrides)
            if found.isEmpty, !FileManager.default.fileExists(atPath: overrides) {
                problems.append(Problem(file: overrides, reason: "no such folder (email.templates)"))
            }
            for (name, path) in found {
                if !name.hasPrefix("_"), !expected.contains(name), files[name] == nil {
                    problems.append(Problem(file: path, reason: "not a template relance uses: expected RULE.LOCALE.mustache with RULE one of \(RuleName.allCases.map(\.rawValue).joined(separator: ", ")) and LOCALE one of \(locales.joined(separator: ", "))"))
                }
                files[name] = path
            }
        }
        var library = MustacheLibrary()
        var entries: [String: [Part: MustacheTemplate]] = [:]
        for (name, path) in files.sorted(by: { $0.key < $1.key }) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append(Problem(file: path, reason: "cannot be read as UTF-8 text"))
                continue
            }
            if name.hasPrefix("_") {
                switch parse(text, html: true, firstLine: 1) {
                case .success(let t): library.register(t, named: name)
                case .failure(let reason): problems.append(Problem(file: path, reason: reason.description))
                }
            } else if expected.contains(name) {
                switch parseParts(text) {
                case .success(let parts): entries[name] = parts
                case .failure(let reason): problems.append(Problem(file: path, reason: reason.description))
                }
            }
        }
        for name in expected.sorted() where files[name] == nil {
            problems.append(Problem(file: "\(name).mustache", reason: "missing: no built-in template and none in email.templates"))
        }
        let set = TemplateSet(entries: entries, library: library, sources: files)
        if problems.isEmpty { problems = set.trialRender() }
        guard problems.isEmpty else { throw LoadError(problems: problems) }
        return set
    }

    /// Renders one part; `locale` falls back to French.
    func render(_ rule: RuleName, locale: String, _ part: Part, _ variables: [String: Any]) -> String {
        let name = Self.name(rule, Self.locales.contains(locale) ? locale : "fr")
        return entries[name]?[part]?.render(variables, library: library) ?? ""
    }

    /// Every template rendered once with sample values: a subject must be one non-empty line,
    /// and every partial an HTML part names must exist.
    func trialRender() -> [Problem] {
        var problems: [Problem] = []
        for (name, parts) in entries.sorted(by: { $0.key < $1.key }) {
            let file = sources[name] ?? name
            let subject = parts[.subject]?.render(Renderer.sampleVariables, library: library) ?? ""
            if subject.trimmingCharacters(in: .whitespaces).isEmpty || subject.contains("\n") {
                problems.append(Problem(file: file, reason: "--- subject must render to one non-empty line"))
            }
            if let html = parts[.html]?.description {
                for partial in Self.partialNames(html) where library.getTemplate(named: partial) == nil {
                    problems.append(Problem(file: file, reason: "--- html names the partial \(partial), which is not in the templates (expected \(partial).mustache)"))
                }
            }
        }
        return problems
    }

    static func partialNames(_ text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{>") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            names.append(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func parseParts(_ text: String) -> Result<[Part: MustacheTemplate], Reason> {
        var parts: [Part: MustacheTemplate] = [:]
        var current: (part: Part, line: Int, lines: [String])?
        func close() -> Reason? {
            guard let c = current else { return nil }
            switch parse(c.lines.joined(separator: "\n"), html: c.part == .html, firstLine: c.line + 1) {
            case .success(let t): parts[c.part] = t; return nil
            case .failure(let reason): return "part \(c.part.rawValue): \(reason)"
            }
        }
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            guard line.hasPrefix("--- ") else { current?.lines.append(String(line)); continue }
            let label = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
            guard let part = Part(rawValue: label) else {
                return .failure("line \(i + 1): unknown part \"\(label)\"; the parts are --- subject, --- text, --- html, --- sms")
            }
            if parts[part] != nil || current?.part == part { return .failure("line \(i + 1): part \(label) appears twice") }
            if let problem = close() { return .failure(problem) }
            current = (part, i + 1, [])
        }
        if lines.last == "" { current?.lines.removeLast() }  // the file's final newline
        if let problem = close() { return .failure(problem) }
        let missing = Part.allCases.filter { parts[$0] == nil }
        guard missing.isEmpty else {
            return .failure("missing part\(missing.count > 1 ? "s" : "") \(missing.map { "--- \($0.rawValue)" }.joined(separator: ", "))")
        }
        return .success(parts)
    }

    /// Parses one part: HTML parts escape variables for HTML, the others not at all.
    static func parse(_ text: String, html: Bool, firstLine: Int) -> Result<MustacheTemplate, Reason> {
        do {
            return .success(try MustacheTemplate(string: html ? text : "{{% CONTENT_TYPE: TEXT}}" + text))
        } catch let error as MustacheTemplate.ParserError {
            let line = firstLine + error.context.lineNumber - 1
            return .failure("line \(line): \(reason(error.error)): \(error.context.line.trimmingCharacters(in: .whitespaces))")
        } catch {
            return .failure("mustache syntax error (\(error))")
        }
    }

    /// Why a template does not parse, in words.
    struct Reason: Error, CustomStringConvertible, ExpressibleByStringInterpolation {
        let description: String
        init(stringLiteral value: String) { description = value }
        init(stringInterpolation: DefaultStringInterpolation) { description = String(stringInterpolation: stringInterpolation) }
    }

    static func reason(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "a section is closed with another name than it was opened with"
        case .unfinishedName?: return "a tag is not closed with }}"
        case .expectedSectionEnd?: return "a section is never closed ({{/name}} missing)"
        default: return "mustache syntax error (\(error))"
        }
    }

    /// `*.mustache` files of a folder, by name without the extension.
    static func mustacheFiles(in folder: String) -> [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var files: [String: String] = [:]
        for n in names where n.hasSuffix(".mustache") {
            files[String(n.dropLast(".mustache".count))] = (folder as NSString).appendingPathComponent(n)
        }
        return files
    }

    /// The built-in templates: SwiftPM's resource bundle beside the executable
    /// (or the test bundle), else an installed copy in `PREFIX/share/relance/templates`
    /// for the executable's `PREFIX/bin` (`make install`, the Debian package).
    static func builtInFolder() -> String? {
        let bundleName = "relance_RelanceDelivery.resources"
        var candidates = [Bundle.main.bundleURL.appendingPathComponent(bundleName).path]
        // argv[0] is a bare name when relance is found on PATH: /proc/self/exe names the file itself.
        for executable in [CommandLine.arguments.first ?? "", "/proc/self/exe"] {
            let bin = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(bin.appendingPathComponent(bundleName).path)
            candidates.append(bin.deletingLastPathComponent().appendingPathComponent("share/relance/templates").path)
        }
        candidates += ["/usr/share/relance/templates", "/usr/local/share/relance/templates"]
        return candidates.first { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("reminder.fr.mustache")) }
    }
}
