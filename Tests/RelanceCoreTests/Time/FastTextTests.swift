import Foundation
@testable import RelanceCore
import Testing

/// The cycle's hot paths write and read timestamps and trim values by hand (issue 13); these
/// compare them with the Foundation-based forms they replaced, over many values.
@Suite struct FastTextTests {
    /// A fixed-seed generator: the same values on every run.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// The formatting `Timestamp.format` used before: through `CivilDate`'s text.
    func reference(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let rest = t - day * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(CivilDate(daysSinceEpoch: day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    @Test func timestampsFormatAsBeforeAndReadBack() {
        var rng = LCG(state: 13)
        // Year 0 to 9999, then a few beyond (the slow path), fractional seconds included.
        for _ in 0..<50_000 {
            let seconds = Double(rng.next(315_537_897_600) - 62_167_219_200) + Double(rng.next(1000)) / 1000
            let date = Date(timeIntervalSince1970: seconds)
            let text = Timestamp.format(date)
            #expect(text == reference(date))
            #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
            #expect(Timestamp.parse(Substring(text)) == Timestamp.parse(text))
        }
        for seconds in [-62_167_219_201.0, 253_402_300_800, 400_000_000_000] {
            #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == reference(Date(timeIntervalSince1970: seconds)))
        }
    }

    @Test func nonEmptyTrimsAsCharacterSetWhitespaces() {
        let pieces = [" ", "\t", "\u{00A0}", "\u{3000}", "\u{2009}", "\n", "\r", "\u{1}", "a", "é", "Dr", "@", "👩‍⚕️", "\u{200B}"]
        var rng = LCG(state: 7)
        #expect(Optional<String>.none.nonEmpty == nil)
        for _ in 0..<20_000 {
            let value = (0..<rng.next(6)).map { _ in pieces[rng.next(pieces.count)] }.joined()
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            #expect(Optional(value).nonEmpty == (trimmed.isEmpty ? nil : trimmed), "\(Array(value.unicodeScalars))")
        }
    }
}
