import Logging
import RelanceSystemd
import Testing

@Suite struct JournalLogHandlerTests {
    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func priorities(_ level: Logger.Level, _ priority: Int) {
        #expect(JournalLogHandler.priority(level) == priority)
    }

    @Test(arguments: [
        ("rule", "RELANCE_RULE"), ("request_id", "RELANCE_REQUEST_ID"), ("outbox_id", "RELANCE_OUTBOX_ID"),
        ("practitioner_id", "RELANCE_PRACTITIONER_ID"), ("retry-at", "RELANCE_RETRY_AT"), ("é", "RELANCE__"),
    ])
    func fieldNames(_ key: String, _ field: String) {
        #expect(JournalLogHandler.fieldName(key) == field)
    }

    @Test func anEventBecomesItsMessageIDAndMetadataBecomesFields() {
        let fields = JournalLogHandler.fields(
            level: .warning, message: "deferred until 2026-12-01T10:00:00Z: 451 try later",
            metadata: ["event": "deferred", "outbox_id": "7", "channel": "email", "error": "451 try later"],
            identifier: "relance", file: "RelanceDelivery/Dispatcher.swift", function: "log(_:_:)", line: 42)
        #expect(fields == [
            "MESSAGE=deferred until 2026-12-01T10:00:00Z: 451 try later", "PRIORITY=4", "SYSLOG_IDENTIFIER=relance",
            "CODE_FILE=RelanceDelivery/Dispatcher.swift", "CODE_LINE=42", "CODE_FUNC=log(_:_:)",
            "RELANCE_CHANNEL=email", "RELANCE_ERROR=451 try later", "MESSAGE_ID=673a95cd660e4b4b8b2458dd418da3d6",
            "RELANCE_OUTBOX_ID=7",
        ])
    }

    @Test func anUnknownEventGetsNoMessageID() {
        let fields = JournalLogHandler.fields(level: .info, message: "m", metadata: ["event": "nope"],
                                              identifier: "relance", file: "f", function: "g", line: 1)
        #expect(!fields.contains { $0.hasPrefix("MESSAGE_ID=") || $0.hasPrefix("RELANCE_EVENT") })
    }

    @Test func messageIDsAreDistinct128BitHex() {
        let ids = JournalEvent.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() })
    }
}
