import Foundation
import RelanceCore
import Testing
@testable import RelanceStore

/// The hand-built content JSON reads back as what was written, and matches Foundation's encoder.
@Suite struct ContentJSONTests {
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { d in
            let text = try d.singleValueContainer().decode(String.self)
            return try Timestamp.parse(text) ?? { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: text)) }()
        }
        return d
    }()

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return e
    }()

    static let cases: [DecisionContent] = [
        DecisionContent(),
        DecisionContent(count: 12),
        DecisionContent(dueAt: Timestamp.parse("2026-05-18T14:00:00Z")),
        DecisionContent(closureEndsOn: "2027-01-02", practitionerName: "Dr Hélène Lévêque"),
        DecisionContent(practitionerName: "Cabinet \"Les Tilleuls\" \\ Saint-Étienne\n\tbis\u{1}\u{2028}"),
        DecisionContent(nearby: [
            NearbyOption(practitionerID: 7, displayName: "Dr Zoé Müller", specialty: "dentiste", distanceKm: 1.25),
            NearbyOption(practitionerID: 9, displayName: "Cabinet d’Orthodontie", specialty: nil, distanceKm: 12),
            NearbyOption(practitionerID: 11, displayName: "Dr 😀", specialty: "kinésithérapeute", distanceKm: 0.1 + 0.2),
        ]),
    ]

    @Test(arguments: cases)
    func readsBackEqual(_ content: DecisionContent) throws {
        let text = ContentJSON.encode(content)
        #expect(try Self.decoder.decode(DecisionContent.self, from: Data(text.utf8)) == content, "\(text)")
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test(arguments: cases.filter { ($0.nearby ?? []).allSatisfy { $0.distanceKm == 12 || $0.distanceKm == 1.25 } })
    func matchesFoundationByteForByte(_ content: DecisionContent) throws {
        let foundation = String(decoding: try Self.encoder.encode(content), as: UTF8.self)
        // Foundation writes U+2028 raw and control characters as \u00XX; both are valid JSON.
        if content.practitionerName?.contains("\u{1}") == true { return }
        #expect(ContentJSON.encode(content) == foundation)
    }
}
