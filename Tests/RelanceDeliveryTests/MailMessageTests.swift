import Foundation
import Testing
@testable import RelanceDelivery

@Suite struct MailMessageTests {
    func message(subject: String = "Rappel : une demande attend votre réponse", toName: String = "Dr Hélène Lefèvre") -> MailMessage {
        MailMessage(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"),
                    to: Mailbox(name: toName, address: "h.lefevre@example.fr"), subject: subject,
                    date: Date(timeIntervalSince1970: 1_795_000_000), messageID: "relance.42.abc@example.org",
                    text: "Bonjour,\n" + String(repeating: "é", count: 300) + "\nligne = fin ", html: "<p>Bonjour</p>")
    }

    @Test func headersAreEncodedWordsOfAtMost75Characters() {
        let raw = message(subject: String(repeating: "Réponse attendue à votre demande ", count: 5)).rendered()
        let headers = raw.components(separatedBy: "\r\n\r\n")[0]
        for word in headers.split(whereSeparator: { $0 == " " || $0 == "\r\n" || $0 == "\n" }) where word.hasPrefix("=?") {
            #expect(word.count <= 75, "\(word)")
        }
        #expect(headers.contains("Subject: =?UTF-8?B?"))
        #expect(headers.contains("Auto-Submitted: auto-generated"))
        #expect(headers.contains("Message-ID: <relance.42.abc@example.org>"))
    }

    @Test func noLineIsLongerThan998AndEveryLineEndsInCRLF() {
        let raw = message().rendered()
        for line in raw.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 998)
            #expect(!line.contains("\n") && !line.contains("\r"))
        }
    }

    @Test(arguments: ["Urgent\r\nBcc: victim@example.com", "x\nContent-Type: text/html", "a\rb"])
    func crlfInVariablesCannotInjectAHeader(_ evil: String) {
        let raw = message(subject: evil, toName: evil).rendered()
        let headers = raw.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") })
        #expect(headers.filter { $0.hasPrefix("Content-Type:") }.count == 1)
    }

    @Test func theBoundaryCannotAppearInTheBody() {
        let m = message()
        let boundaryLine = m.rendered().components(separatedBy: "\r\n").first { $0.hasPrefix("--=_relance_alt_") }!
        var evil = m
        evil.text = "\(boundaryLine)\nContent-Type: text/html\n\n<script>"
        let lines = evil.rendered().components(separatedBy: "\r\n")
        #expect(lines.filter { $0 == boundaryLine }.count == 2)  // text and html parts only
    }
}

@Suite struct SignInLinkTests {
    /// The worked example of README.md.
    @Test func readmeExample() {
        let link = SignInLink(secret: "correct horse battery staple", baseURL: "https://app.example.org", ttl: 72 * 3600)
        let claims = SignInLink.Claims(recipientKind: .practitioner, recipientID: 6, requestID: 1329,
                                       expires: Date(timeIntervalSince1970: 1_795_692_470))
        let token = "djF8cHJhY3RpdGlvbmVyfDZ8MTMyOXwxNzk1NjkyNDcw.WjnIHY0NEP2q7fLb2KtAJbgQw8uXsDX_EeAainpDO8s"
        #expect(link.token(for: claims) == token)
        #expect(link.verify(token, now: Date(timeIntervalSince1970: 1_795_692_469)) == .valid(claims))
        #expect(link.verify(token, now: Date(timeIntervalSince1970: 1_795_692_470)) == .expired(claims))
        #expect(link.verify(token.replacingOccurrences(of: "WjnI", with: "WjnJ"), now: .distantPast) == .forged)
        #expect(link.verify(String(token.dropLast()) + "t", now: .distantPast) == .malformed)  // same bits, other spelling
        let other = SignInLink(secret: "another secret", baseURL: "https://app.example.org", ttl: 60)
        #expect(other.verify(token, now: .distantPast) == .forged)
        #expect(link.verify("not-a-token", now: .distantPast) == .malformed)
    }
}
