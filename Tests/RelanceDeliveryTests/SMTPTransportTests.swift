import Foundation
import Testing
@testable import RelanceDelivery

/// SMTPTransport against a real SMTP server (aiosmtpd) on 127.0.0.1.
@Suite(.serialized) struct SMTPTransportTests {
    static let user = "relance", password = "s3cret-pass!"

    func message(_ n: Int, to: String = "h.lefevre@example.fr") -> MailMessage {
        MailMessage(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"),
                    to: Mailbox(name: "Dr Hélène Lefèvre", address: to), subject: "Rappel : une demande attend votre réponse",
                    date: Date(timeIntervalSince1970: 1_795_000_000), messageID: "relance.\(n).test@example.org",
                    text: "Bonjour,\n.\n.ligne qui commence par un point\nfin", html: "<p>Bonjour</p>")
    }

    func transport(_ peer: SMTPPeer, tls: SMTPTransport.TLS, auth: Bool = false, password: String = password) -> SMTPTransport {
        var s = SMTPTransport.Settings(url: "\(tls == .smtps ? "smtps" : "smtp")://127.0.0.1:\(peer.port)", tls: tls)
        s.heloName = "client.example"
        s.caFile = Scratch.certificate.cert
        s.connectTimeout = 5
        s.timeout = 10
        if auth { s.username = Self.user; s.password = password }
        return SMTPTransport(s)
    }

    var tlsArgs: [String] { ["--cert", Scratch.certificate.cert, "--key", Scratch.certificate.key] }
    var authArgs: [String] { ["--user", Self.user, "--password", Self.password] }

    @Test func plainDeliversThreeMessagesOverOneConnection() throws {
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let smtp = transport(peer, tls: .none)
        #expect(!smtp.isEncrypted)
        var connects: [Int] = []
        for n in 1...3 {
            let (outcome, c) = smtp.sendCountingConnections(message(n))
            #expect(outcome == .delivered(providerID: nil))
            connects.append(c)
        }
        #expect(connects == [1, 0, 0])  // CURLINFO_NUM_CONNECTS: the first send connects, the others reuse it
        let received = peer.received()
        #expect(received.count == 3)
        for eml in received {
            let meta = try peer.meta(eml)
            #expect(meta["connection"] as? Int == 1)
            #expect(meta["ehlo"] as? String == "client.example")
            #expect(meta["tls"] as? Bool == false)
            #expect(meta["mail_from"] as? String == "no-reply@example.org")
            #expect(meta["rcpt_tos"] as? [String] == ["h.lefevre@example.fr"])
        }
    }

    @Test func starttlsWithAuth() throws {
        let peer = try SMTPPeer(arguments: ["--tls", "starttls"] + tlsArgs + authArgs)
        defer { peer.stop() }
        let smtp = transport(peer, tls: .starttls, auth: true)
        #expect(smtp.isEncrypted)
        #expect(smtp.send(message(1), outboxID: 1) == .delivered(providerID: nil))
        #expect(smtp.send(message(2), outboxID: 2) == .delivered(providerID: nil))
        let received = peer.received()
        #expect(received.count == 2)
        for eml in received {
            let meta = try peer.meta(eml)
            #expect(meta["tls"] as? Bool == true)
            #expect(meta["login"] as? String == Self.user)
            #expect(meta["connection"] as? Int == 1)
        }
    }

    @Test func smtpsWithAuth() throws {
        let peer = try SMTPPeer(arguments: ["--tls", "smtps"] + tlsArgs + authArgs)
        defer { peer.stop() }
        let smtp = transport(peer, tls: .smtps, auth: true)
        #expect(smtp.send(message(1), outboxID: 1) == .delivered(providerID: nil))
        let meta = try peer.meta(try #require(peer.received().first))
        #expect(meta["tls"] as? Bool == true)
        #expect(meta["login"] as? String == Self.user)
    }

    /// A refused login is the relay's problem, not the recipient's: the transport is paused, no row dies (issue 10, case 13).
    @Test func aWrongPasswordIsARelayFailureWithAClearErrorThatHidesThePassword() throws {
        let peer = try SMTPPeer(arguments: ["--tls", "starttls"] + tlsArgs + authArgs)
        defer { peer.stop() }
        let outcome = transport(peer, tls: .starttls, auth: true, password: "wrong-password").send(message(1), outboxID: 1)
        guard case .transportFailure(let error) = outcome else { Issue.record("expected a transport failure, got \(outcome)"); return }
        #expect(error.contains("SMTP 535"))
        #expect(error.contains("password file"))
        #expect(!error.contains("wrong-password") && !error.contains(Self.password))
        #expect(peer.received().isEmpty)
    }

    @Test func aServerWithoutStarttlsGetsNothingWhenStarttlsIsRequired() throws {
        let peer = try SMTPPeer()  // plain only: no STARTTLS offered
        defer { peer.stop() }
        let outcome = transport(peer, tls: .starttls).send(message(1), outboxID: 1)
        guard case .transportFailure(let error) = outcome else { Issue.record("expected a transport failure, got \(outcome)"); return }
        #expect(error.contains("does not offer STARTTLS"))
        #expect(peer.received().isEmpty)
    }

    @Test func anUntrustedCertificateIsRefused() throws {
        let peer = try SMTPPeer(arguments: ["--tls", "starttls"] + tlsArgs)
        defer { peer.stop() }
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(peer.port)", tls: .starttls)
        s.caFile = "/etc/ssl/certs/ca-certificates.crt"  // the system roots do not know the test certificate
        let outcome = SMTPTransport(s).send(message(1), outboxID: 1)
        guard case .transportFailure(let error) = outcome else { Issue.record("expected a transport failure, got \(outcome)"); return }
        #expect(error.contains("certificate"))
        #expect(peer.received().isEmpty)
    }

    @Test func rcpt550IsPermanentAnd450Temporary() throws {
        let peer = try SMTPPeer(arguments: ["--rcpt-code", "450", "--rcpt-times", "1", "--rcpt-reject", "nobody@example.fr"])
        defer { peer.stop() }
        let smtp = transport(peer, tls: .none)
        guard case .temporary(let e450, _) = smtp.send(message(1), outboxID: 1) else { Issue.record("450 not temporary"); return }
        #expect(e450.contains("SMTP 450"))
        guard case .permanent(let e550) = smtp.send(message(2, to: "nobody@example.fr"), outboxID: 2) else {
            Issue.record("550 not permanent"); return
        }
        #expect(e550.contains("SMTP 550"))
        // The connection stays usable after refused recipients.
        #expect(smtp.send(message(3), outboxID: 3) == .delivered(providerID: nil))
        #expect(peer.received().count == 1)
    }

    @Test func data451IsTemporaryThoughCurlCallsItAWeirdReply() throws {
        let peer = try SMTPPeer(arguments: ["--data-code", "451", "--data-times", "1"])
        defer { peer.stop() }
        let smtp = transport(peer, tls: .none)
        let first = smtp.send(message(1), outboxID: 1)
        guard case .temporary(let error, _) = first else { Issue.record("expected temporary, got \(first)"); return }
        #expect(error.contains("SMTP 451"))
        #expect(error.contains("curl 8"))
        #expect(smtp.send(message(1), outboxID: 1) == .delivered(providerID: nil))
        #expect(peer.received().count == 1)
    }

    /// Retried, and counted by the transport's breaker: the relay is down, not the recipient.
    @Test func connectionRefusedIsATransportFailure() throws {
        let peer = try SMTPPeer()
        let port = peer.port
        peer.stop()
        var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port)", tls: .none)
        s.connectTimeout = 2
        guard case .transportFailure(let error) = SMTPTransport(s).send(message(1), outboxID: 1) else {
            Issue.record("expected a transport failure"); return
        }
        #expect(error.contains("127.0.0.1:\(port)"))
    }

    /// The `.eml` spool holds exactly the bytes the SMTP server received (after its dot-unstuffing).
    @Test func theFileTransportWritesTheBytesSMTPSends() throws {
        let peer = try SMTPPeer()
        defer { peer.stop() }
        let spool = Scratch.folder("spool")
        #expect(transport(peer, tls: .none).send(message(7), outboxID: 7) == .delivered(providerID: nil))
        #expect(FileEmailTransport(folder: spool.path).send(message(7), outboxID: 7) == .delivered(providerID: "7.eml"))
        let viaSMTP = try Data(contentsOf: try #require(peer.received().first))
        let viaFile = try Data(contentsOf: spool.appendingPathComponent("7.eml"))
        #expect(viaSMTP == viaFile)
    }
}
