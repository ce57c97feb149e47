import Testing
@testable import RelanceConfig

@Suite struct KeyLocatorTests {
    let text = """
        # comment [not.a.table]
        top = 1
        [store]
        path = "a # not a comment"   # comment
        "quoted.key" = 2
        'literal' = 3
        [ rules . digest ]
        threshold = 4
        dotted.inner.key = 5
        multi = \"\"\"
        [fake]
        fake = 1
        \"\"\"
        after_multi = [
          1, # ] bracket in comment
          "]", [2, 3],
          { x = 1 },
        ]
        after_array = 6
        inline = { a = 1, b = { c = 2 } }
        [[products]]
        name = "x"
        [a.b.c]
        """
    var locator: KeyLocator { KeyLocator(text: text) }

    @Test func findsKeysAndTables() {
        #expect(locator.line(of: ["top"]) == 2)
        #expect(locator.line(of: ["store"]) == 3)
        #expect(locator.line(of: ["store", "path"]) == 4)
        #expect(locator.line(of: ["store", "quoted.key"]) == 5)
        #expect(locator.line(of: ["store", "literal"]) == 6)
        #expect(locator.line(of: ["rules", "digest"]) == 7)
        #expect(locator.line(of: ["rules"]) == 7)
        #expect(locator.line(of: ["rules", "digest", "threshold"]) == 8)
        #expect(locator.line(of: ["rules", "digest", "dotted", "inner", "key"]) == 9)
        #expect(locator.line(of: ["rules", "digest", "dotted"]) == 9)
        #expect(locator.line(of: ["rules", "digest", "multi"]) == 10)
        #expect(locator.line(of: ["rules", "digest", "after_multi"]) == 14)
        #expect(locator.line(of: ["rules", "digest", "after_array"]) == 19)
        #expect(locator.line(of: ["rules", "digest", "inline", "b", "c"]) == 20)
        #expect(locator.line(of: ["products", "name"]) == 22)
        #expect(locator.line(of: ["a", "b", "c"]) == 23)
        #expect(locator.line(of: ["a"]) == 23)
    }

    @Test func ignoresWhatIsInsideStringsAndComments() {
        #expect(locator.line(of: ["fake"]) == nil)
        #expect(locator.line(of: ["rules", "digest", "fake"]) == nil)
        #expect(locator.line(of: ["not"]) == nil)
    }

    @Test func missingKeysFallBackToTheirTableThenLineOne() {
        #expect(locator.line(for: "store.url") == 3)
        #expect(locator.line(for: "rules.reminder.after") == 7)
        #expect(locator.line(for: "links.base_url") == 1)
    }
}
