import Foundation
import RelanceCore
import Testing
@testable import RelanceDelivery

/// Templates are checked when loaded: a broken one is a config error at start, never at send time.
@Suite struct TemplateSetTests {
    let links = SignInLink(secret: "s", baseURL: "https://app.example.org", ttl: 3600)

    func folder(_ files: [String: String]) throws -> String {
        let dir = Scratch.folder("templates")
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    func problems(_ files: [String: String]) throws -> [TemplateSet.Problem] {
        let dir = try folder(files)
        do {
            _ = try TemplateSet.load(overrides: dir)
            return []
        } catch {
            return error.problems
        }
    }

    static let valid = """
        Notes for the reader: ignored.
        --- subject
        Rappel pour {{name}}
        --- text
        Texte {{name}}
        --- html
        {{> _html_head}}
        <p>{{name}}</p>
        {{> _html_end}}
        --- sms
        SMS {{link}}
        """

    @Test func everyRuleAndLocaleShipsAndParses() throws {
        let set = try TemplateSet.load()
        for rule in RuleName.allCases {
            for locale in TemplateSet.locales { #expect(set.entries[TemplateSet.name(rule, locale)]?.count == 4) }
        }
    }

    @Test func aFileInTheOverrideFolderReplacesItsNamesakeOnly() throws {
        let set = try TemplateSet.load(overrides: try folder(["reminder.fr.mustache": Self.valid]))
        let r = Renderer(links: links, templates: set)
        #expect(r.render(Items.item(1, .reminder)).subject == "Rappel pour Dr Hélène Lefèvre")
        #expect(r.render(Items.item(1, .reminder)).text == "Texte Dr Hélène Lefèvre")
        #expect(r.render(Items.item(1, .reminder, locale: "en")).subject == "Reminder: a request is waiting for your answer")
        #expect(r.render(Items.item(1, .digest, content: DecisionContent(count: 5))).subject == "5 demandes de patients attendent votre réponse")
        #expect(set.sources["reminder.fr"]?.hasSuffix("reminder.fr.mustache") == true)
    }

    @Test func anUnclosedSectionIsReportedWithFileAndLine() throws {
        let broken = Self.valid.replacingOccurrences(of: "Texte {{name}}", with: "Texte {{#name}} sans fin")
        let p = try problems(["reminder.fr.mustache": broken])
        #expect(p.count == 1)
        #expect(p.first?.file.hasSuffix("/reminder.fr.mustache") == true)
        #expect(p.first?.reason.contains("part text") == true)
        #expect(p.first?.reason.contains("never closed") == true)
    }

    @Test func aMissingPartIsReported() throws {
        let p = try problems(["digest.en.mustache": "--- subject\nx\n--- text\ny\n--- html\nz\n"])
        #expect(p.map(\.reason) == ["missing part --- sms"])
    }

    @Test func anUnknownPartOrFileIsReported() throws {
        let p = try problems(["digest.en.mustache": Self.valid.replacingOccurrences(of: "--- sms", with: "--- texto"),
                              "remider.fr.mustache": Self.valid])
        #expect(p.count == 2)
        #expect(p.contains { $0.file.hasSuffix("digest.en.mustache") && $0.reason.contains("unknown part \"texto\"") })
        #expect(p.contains { $0.file.hasSuffix("remider.fr.mustache") && $0.reason.contains("not a template relance uses") })
    }

    @Test func aSubjectOnTwoLinesOrAMissingPartialIsReported() throws {
        let twoLines = Self.valid.replacingOccurrences(of: "Rappel pour {{name}}", with: "Rappel\npour {{name}}")
        let noPartial = Self.valid.replacingOccurrences(of: "{{> _html_end}}", with: "{{> _html_foot}}")
        let p = try problems(["reminder.fr.mustache": twoLines, "reminder.en.mustache": noPartial])
        #expect(p.contains { $0.file.hasSuffix("reminder.fr.mustache") && $0.reason.contains("one non-empty line") })
        #expect(p.contains { $0.file.hasSuffix("reminder.en.mustache") && $0.reason.contains("_html_foot") })
    }
}
