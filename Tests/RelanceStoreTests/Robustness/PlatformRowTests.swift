import Foundation
import RelanceCore
@testable import RelanceStore
import RelanceTestSupport
import Testing

/// Each value kind against each check: a typed value or a problem naming the column, never the value.
@Suite struct PlatformRowTests {
    static let columns = RowDecoder.Columns(["c"])
    func row(_ v: PlatformValue) -> PlatformRow { PlatformRow(values: [v], columns: Self.columns) }

    static let secret = "Zoé Secrète"
    static let values: [PlatformValue] = [
        .null, .integer(42), .integer(-1), .integer(.max), .real(1.5), .text(""), .text(secret),
        .text("2026-11-16T09:00:00Z"), .text("2026-13-45T10:00:00Z"), .blob(Data([0xC3, 0x28, 0xFF])),
        .blob(Data("texte".utf8)),
    ]

    @Test(arguments: values) func noCheckTrapsOrLeaksTheValue(_ v: PlatformValue) {
        let r = row(v)
        var problems: [Problem] = []
        func note<T>(_ f: () throws -> T) {
            do { _ = try f() } catch { if let p = error as? Problem { problems.append(p) } }
        }
        note { try r.int64("c") }
        note { try r.optionalInt64("c") }
        note { try r.text("c") }
        note { try r.optionalText("c") }
        note { try r.optionalDouble("c", within: -90...90) }
        note { try r.bool("c", default: false) }
        note { try r.timestamp("c") }
        note { try r.optionalTimestamp("c") }
        note { try r.date("c") }
        for p in problems {
            #expect(p.column == "c")
            #expect(!p.reason.contains(Self.secret) && !p.reason.contains("2026") && !p.reason.contains("texte"))
        }
    }

    @Test func typedValuesComeThrough() throws {
        #expect(try row(.integer(7)).int64("c") == 7)
        #expect(try row(.text("abc")).text("c") == "abc")
        #expect(try row(.blob(Data("abc".utf8))).text("c") == "abc")
        #expect(try row(.integer(3)).optionalDouble("c", within: -90...90) == 3)
        #expect(try row(.null).bool("c", default: true))
        #expect(try row(.text("2026-11-16T09:00:00Z")).timestamp("c") == StoreFixture.t("2026-11-16T09:00:00Z"))
    }

    @Test func mismatchesAreProblems() {
        #expect(throws: Problem.self) { try row(.text("12")).int64("c") }
        #expect(throws: Problem.self) { try row(.integer(12)).text("c") }
        #expect(throws: Problem.self) { try row(.blob(Data([0xFF]))).text("c") }
        #expect(throws: Problem.self) { try row(.real(91)).optionalDouble("c", within: -90...90) }
        #expect(throws: Problem.self) { try row(.integer(2)).bool("c", default: false) }
        #expect(throws: Problem.self) { try row(.integer(1_763_283_600)).timestamp("c") }
        #expect(throws: Problem.self) { try row(.text("2026-11-16T10:00:00+01:00")).timestamp("c") }
        #expect(throws: Problem.self) { try row(.text("2026-13-45T10:00:00Z")).timestamp("c") }
    }

    @Test func theCursorResumesWhereTheLastCycleStopped() {
        let now = StoreFixture.t("2026-11-16T09:00:00Z")
        // First start: catch-up.
        #expect(CursorPosition.window(stored: nil, now: now, catchUp: 3600) == .since(now.addingTimeInterval(-3600)))
        // After an outage of any length: the last cycle, less the overlap.
        let tenDaysAgo = now.addingTimeInterval(-10 * 86_400)
        #expect(CursorPosition.window(stored: CursorPosition(value: tenDaysAgo), now: now, catchUp: 3600)
                == .since(tenDaysAgo.addingTimeInterval(-CursorPosition.overlap)))
        // A cycle that stopped at its limit: exactly after its last row.
        #expect(CursorPosition.window(stored: CursorPosition(value: tenDaysAgo, afterID: 9), now: now, catchUp: 3600)
                == .after(tenDaysAgo, id: 9))
        // A replay before the cursor: catch-up from the replayed now.
        #expect(CursorPosition.window(stored: CursorPosition(value: now), now: tenDaysAgo, catchUp: 3600)
                == .since(tenDaysAgo.addingTimeInterval(-3600)))
        // Never backwards.
        let a = CursorPosition(value: now, afterID: 5), b = CursorPosition(value: now)
        #expect(CursorPosition.later(a, b) == b && CursorPosition.later(b, a) == b)
        #expect(CursorPosition.later(a, CursorPosition(value: now, afterID: 3)) == a)
        #expect(CursorPosition.later(CursorPosition(value: tenDaysAgo), a) == a)
    }
}

