import RelanceTestSupport
import Foundation
import PropertyBased
import Testing
@testable import RelanceDelivery

/// Issue 11, finding 9: RFC 2047 headers and quoted-printable over random Unicode.
/// No crash, round trips hold, and no CR or LF reaches a header except as folding.
@Suite struct MailPropertyTests {
    static let cases = 10_000

    /// Folding is CRLF followed by a space; any other CR or LF would start a new header.
    static func onlyFoldingBreaks(_ header: String) -> Bool {
        let b = Array(header.utf8)
        for (i, byte) in b.enumerated() {
            if byte == 13 { guard i + 2 < b.count, b[i + 1] == 10, b[i + 2] == 32 else { return false } }
            if byte == 10 { guard i > 0, b[i - 1] == 13 else { return false } }
            if byte < 32 && byte != 13 && byte != 10 || byte == 127 { return false }
        }
        return true
    }

    /// RFC 2047 B encoded-words decoded and concatenated (the space between two is not text).
    static func decodeWords(_ value: String) -> String? {
        var bytes: [UInt8] = []
        for word in value.split(separator: " ") {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), word.count <= 75,
                  let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes += data
        }
        return String(validating: bytes, as: UTF8.self)  // nil if a word cut a UTF-8 sequence
    }

    static func unfold(_ header: String) -> String {
        String(decoding: Array(header.utf8).split(separator: 13, omittingEmptySubsequences: false).enumerated()
            .flatMap { i, part in i == 0 ? Array(part) : Array(part.dropFirst()) }, as: UTF8.self)  // drop CR and its LF
    }

    @Test func subjectsOfAnyTextStayOneHeaderAndDecodeBack() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...60)) { text in
            let header = Header.fold(name: "Subject", value: Header.encode(MailMessage.sanitize(text)))
            #expect(Self.onlyFoldingBreaks(header), "\(header.debugDescription)")
            let value = String(Self.unfold(header).dropFirst("Subject: ".count))
            let sanitized = MailMessage.sanitize(text)
            if sanitized.unicodeScalars.allSatisfy(\.isASCII) {
                #expect(value == sanitized)
            } else {
                #expect(Self.decodeWords(value) == sanitized, "\(header.debugDescription)")
            }
        }
    }

    @Test func displayNamesOfAnyTextStayInTheirHeader() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...40)) { name in
            let header = "To: " + Mailbox(name: name, address: "a@example.org").header()
            #expect(Self.onlyFoldingBreaks(header), "\(header.debugDescription)")
            let unfolded = Self.unfold(header)
            #expect(unfolded.hasSuffix(" <a@example.org>"), "\(header.debugDescription)")
            let shown = String(unfolded.dropFirst(4).dropLast(" <a@example.org>".count))
            let sanitized = MailMessage.sanitize(name)
            if sanitized.isEmpty {
                #expect(unfolded == "To: <a@example.org>")
            } else if sanitized.unicodeScalars.allSatisfy(\.isASCII) {
                var unquoted = "", escaped = false
                for c in shown.dropFirst().dropLast() {
                    if escaped || c != "\\" { unquoted.append(c); escaped = false } else { escaped = true }
                }
                #expect(shown.first == "\"" && shown.last == "\"" && unquoted == sanitized, "\(shown)")
            } else {
                #expect(Self.decodeWords(shown) == sanitized, "\(header.debugDescription)")
            }
        }
    }

    /// RFC 2045 §6.7 decoding, written for the test.
    static func decodeQP(_ encoded: String) -> [UInt8]? {
        var out: [UInt8] = []
        let b = Array(encoded.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            default: nil
            }
        }
        while i < b.count {
            if b[i] == 61 {  // "="
                if i + 2 < b.count, b[i + 1] == 13, b[i + 2] == 10 { i += 3; continue }  // soft break
                guard i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// Text with every line end (CRLF, CR, LF) as CRLF, as QP writes it.
    static func crlf(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var previousCR = false
        for byte in text.utf8 {
            if byte == 13 { out += [13, 10]; previousCR = true; continue }
            if byte == 10 { if !previousCR { out += [13, 10] }; previousCR = false; continue }
            out.append(byte)
            previousCR = false
        }
        return out
    }

    @Test func quotedPrintableRoundTripsInShortPrintableLines() async {
        await propertyCheck(count: Self.cases, input: RandomText.string(of: 0...120)) { text in
            let encoded = QuotedPrintable.encode(text)
            #expect(Self.decodeQP(encoded) == Self.crlf(text))
            for line in encoded.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 76, "\(line)")
                #expect(line.utf8.allSatisfy { ($0 >= 33 && $0 <= 126) || $0 == 32 || $0 == 9 }, "\(line.debugDescription)")
                #expect(line.last != " " && line.last != "\t", "a line ending in white space: \(line.debugDescription)")
            }
        }
    }
}
