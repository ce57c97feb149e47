import Foundation
import Testing
import RelanceCore

@Suite("Timestamp")
struct TimestampTests {
    @Test("parses the store format as UTC", arguments: [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2026-05-18T14:00:00Z", 1_779_112_800.0),
        ("2024-02-29T23:59:59Z", 1_709_251_199.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parses(text: String, seconds: Double) {
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: seconds))
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test("is strict about the store format", arguments: [
        "", "2026-05-18", "2026-05-18T14:00:00", "2026-05-18T14:00Z", "2026-05-18 14:00:00Z",
        "2026-05-18T14:00:00+00:00", "2026-05-18T14:00:00.000Z", "2026-05-18T24:00:00Z",
        "2026-05-18T14:60:00Z", "2026-05-18T14:00:60Z", "2026-02-30T14:00:00Z", "2026-05-18t14:00:00z",
        "2026-05-18T1a:00:00Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("format drops fractional seconds (rounds down, also before 1970)")
    func formatFloors() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 59.999)) == "1970-01-01T00:00:59Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    @Test("lenient parsing for the command line", arguments: [
        ("2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z"),
        ("2026-12-01T09:00Z", "2026-12-01T09:00:00Z"),
        ("2026-12-01 09:00:00+01:00", "2026-12-01T08:00:00Z"),
        ("2026-12-01T10:00:00+01:00", "2026-12-01T09:00:00Z"),
        ("2026-12-01", "2026-12-01T00:00:00Z"),
    ])
    func lenient(text: String, expected: String) {
        #expect(Timestamp.parseLenient(text) == ts(expected))
    }

    @Test("lenient parsing still refuses nonsense", arguments: ["tomorrow", "2026-13-01", "12/01/2026", ""])
    func lenientRejects(text: String) {
        #expect(Timestamp.parseLenient(text) == nil)
    }
}
