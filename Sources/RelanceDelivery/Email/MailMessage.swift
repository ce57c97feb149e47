import Foundation

/// An RFC 5322 message, multipart/alternative (text + HTML), UTF-8
/// quoted-printable bodies, RFC 2047 encoded-word headers.
///
/// Nothing user-controlled can inject a header or a boundary: CR and LF are
/// removed from every header value, and quoted-printable output can never
/// contain the boundary (it always holds "=_", which QP writes as "=3D_").
public struct MailMessage: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var date: Date
    /// Without angle brackets: `relance.42.3f9a@example.org`.
    public var messageID: String
    public var text: String
    public var html: String
    public var extraHeaders: [(String, String)] = []

    public init(from: Mailbox, to: Mailbox, subject: String, date: Date, messageID: String, text: String, html: String) {
        self.from = from; self.to = to; self.subject = subject; self.date = date
        self.messageID = messageID; self.text = text; self.html = html
    }

    /// The bytes SMTP sends after DATA (CRLF line ends, no dot-stuffing).
    public func rendered() -> String {
        let boundary = "=_relance_alt_" + MailMessage.sanitize(messageID).filter { $0.isLetter || $0.isNumber }.prefix(40)
        var lines: [String] = [
            "Date: \(Self.rfc5322Date(date))",
            "From: \(from.header())",
            "To: \(to.header())",
            "Message-ID: <\(Self.sanitize(messageID))>",
            Header.fold(name: "Subject", value: Header.encode(Self.sanitize(subject))),
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        for (name, value) in extraHeaders {
            lines.append(Header.fold(name: Self.sanitize(name), value: Header.encode(Self.sanitize(value))))
        }
        lines += [
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "This is a MIME message in text and HTML.",
            "--\(boundary)",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            QuotedPrintable.encode(html),
            "--\(boundary)--",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    /// Header values never carry CR, LF or other control characters.
    static func sanitize(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        return String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
    }

    /// `Mon, 18 May 2026 09:00:00 +0000`, in UTC (formatted by hand: a DateFormatter per message costs more than the rest of the message).
    static func rfc5322Date(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) +0000"
    }
}

/// A display name and an address: `Dr Hélène Lefèvre <h.lefevre@example.fr>`.
public struct Mailbox: Sendable, Equatable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name.map(MailMessage.sanitize)
        self.address = MailMessage.sanitize(address).filter { $0 != " " && $0 != "<" && $0 != ">" }
    }

    /// Parses `Name <addr>` or a bare address.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let open = t.lastIndex(of: "<"), t.hasSuffix(">") {
            let name = t[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let addr = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            guard addr.contains("@") else { return nil }
            self.init(name: name.isEmpty ? nil : name, address: addr)
        } else {
            guard t.contains("@"), !t.contains(" ") else { return nil }
            self.init(name: nil, address: t)
        }
    }

    public var domain: String { address.split(separator: "@").last.map(String.init) ?? "localhost" }

    func header() -> String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return "\(Header.encodedWords(name).joined(separator: "\r\n ")) <\(address)>"
    }
}

/// RFC 2047 encoded-words and header folding.
enum Header {
    /// ASCII text as is; anything else as UTF-8 B encoded-words of at most 75 characters.
    static func encode(_ value: String) -> String {
        value.unicodeScalars.allSatisfy({ $0.isASCII }) ? value : encodedWords(value).joined(separator: " ")
    }

    /// Splits on character boundaries so that no word cuts a UTF-8 sequence:
    /// at most 45 bytes per word, 60 base64 characters, 72 with the delimiters.
    static func encodedWords(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in value {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words
    }

    /// `Name: value`, folded at spaces so lines stay under 78 characters where possible.
    static func fold(name: String, value: String) -> String {
        var lines: [String] = []
        var current = "\(name):"
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if current.count + 1 + word.count > 76, current != "\(name):" {
                lines.append(current)
                current = " \(word)"
            } else {
                current += " \(word)"
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }
}

/// Quoted-printable (RFC 2045) over UTF-8, CRLF line ends, lines ≤ 76 characters.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        var line: [UInt8] = []
        func flush() {
            var width = 0
            for (i, b) in line.enumerated() {
                let last = i == line.count - 1
                let plain = (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !last)
                let size = plain ? 1 : 3
                if width + size > 75 {
                    out.append(61); out.append(13); out.append(10)  // soft line break "=\r\n"
                    width = 0
                }
                if plain {
                    out.append(b)
                } else {
                    out.append(61); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
                }
                width += size
            }
            line.removeAll(keepingCapacity: true)
        }
        var previousCR = false
        for b in text.utf8 {
            switch b {
            case 13:  // CR, CRLF and LF all end a line
                flush(); out.append(13); out.append(10); previousCR = true
            case 10:
                if !previousCR { flush(); out.append(13); out.append(10) }
                previousCR = false
            default:
                line.append(b); previousCR = false
            }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }
}
