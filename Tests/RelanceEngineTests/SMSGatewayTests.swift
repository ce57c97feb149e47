import Foundation
import RelanceCore
import RelanceDelivery
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// A loopback gateway (Tests/Peers/sms_gateway.py) speaking Twilio's, Vonage's and a
/// webhook's shapes, started and stopped (by PID) by each test.
final class SMSGateway {
    let process = Process()
    let port: Int
    let log: URL

    init(_ replies: [String] = []) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("relance-sms-\(UUID().uuidString).jsonl")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [root.appendingPathComponent("Peers/sms_gateway.py").path, log.path] + replies
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let p = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        port = p
    }

    deinit {
        // SIGKILL: a child spawned from a test thread inherits its blocked SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Every request the gateway received, in order.
    func received() throws -> [[String: Any]] {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func forms() throws -> [[String: String]] { try received().map { ($0["form"] as? [String: String]) ?? [:] } }
}

@Suite(.serialized) struct SMSGatewayTests {
    let t = StoreFixture.t
    static let sid = "AC0123456789abcdef0123456789abcdef"

    func twilio(_ g: SMSGateway, retries: Int = 1) -> TwilioSMSTransport {
        TwilioSMSTransport(http: CurlHTTP(), baseURL: g.url, accountSID: Self.sid, token: "twilio-token", from: "+33700000001",
                           uncertainRetries: retries)
    }

    func vonage(_ g: SMSGateway) -> VonageSMSTransport {
        VonageSMSTransport(http: CurlHTTP(), baseURL: g.url, apiKey: "key123", apiSecret: "vonage-secret", from: "Messagerie")
    }

    /// A store where one practitioner with SMS alerts got a new request at `created`,
    /// and the cycle at `now` has queued the alert.
    func queuedAlert(created: String = "2026-11-16T09:00:00Z", now: String = "2026-11-16T09:01:00Z",
                     phone: String = "+33612345678") throws -> StoreFixture {
        let f = try StoreFixture()
        try f.practitioner(1, email: nil, sms: 1, phone: phone)
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: created)
        _ = try Cycle(store: f.store, settings: .init(catchUp: 30 * 86_400)).run(now: t(now))
        return f
    }

    func dispatcher(_ f: StoreFixture, _ sms: any SMSTransport) -> Dispatcher {
        var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie", address: "no-reply@example.org"))
        settings.retryInitial = 60
        let links = SignInLink(secret: "test secret", baseURL: "https://messagerie.example.org", ttl: 72 * 3600)
        return Dispatcher(store: f.store, renderer: Renderer(links: links, templates: try! TemplateSet.load()), email: nil, sms: sms, settings: settings)
    }

    func row(_ f: StoreFixture) throws -> OutboxItem {
        try #require(try f.store.outbox(state: nil).first { $0.delivery.channel == .sms })
    }

    // MARK: Twilio

    @Test func twilioReceivesExactlyToFromAndBodyWithAccentsAndPlusIntact() throws {
        let g = try SMSGateway()
        let text = SMSText("Rappel : réponse reçue, 2+2=4 & 100 % « oui » €")
        let outcome = twilio(g).send(text, to: "+33612345678", outboxID: 7)
        guard case .delivered(let id) = outcome else { Issue.record("\(outcome)"); return }
        #expect(id?.hasPrefix("SM") == true)
        let request = try #require(try g.received().first)
        #expect(request["path"] as? String == "/2010-04-01/Accounts/\(Self.sid)/Messages.json")
        let form = try g.forms()[0]
        #expect(form == ["To": "+33612345678", "From": "+33700000001", "Body": text.text])
        let headers = try #require(request["headers"] as? [String: String])
        let basic = Data("\(Self.sid):twilio-token".utf8).base64EncodedString()
        #expect(headers["authorization"] == "Basic \(basic)")
        #expect(text.encoding == .ucs2)
    }

    @Test func oneConnectionCarriesRequestAfterRequest() throws {
        let g = try SMSGateway()
        let http = CurlHTTP()
        let gateway = TwilioSMSTransport(http: http, baseURL: g.url, accountSID: Self.sid, token: "twilio-token", from: "+33700000001")
        var opened: [Int] = []
        for id in 1...3 {
            guard case .delivered = gateway.send(SMSText("Rappel \(id)"), to: "+33612345678", outboxID: Int64(id)) else {
                Issue.record("not delivered"); return
            }
            opened.append(http.lastConnects)
        }
        #expect(opened == [1, 0, 0])
        #expect(try g.received().count == 3)
    }

    @Test func twilioDeliveredRowKeepsTheSid() throws {
        let g = try SMSGateway()
        let f = try queuedAlert()
        let report = try dispatcher(f, twilio(g)).drain(now: t("2026-11-16T09:01:00Z"))
        #expect(report.sent == 1)
        let item = try row(f)
        #expect(item.state == .sent && item.attempts == 1)
        let provider = try f.count("SELECT COUNT(*) FROM relance_outbox WHERE provider_id LIKE 'SM%'")
        #expect(provider == 1)
        let form = try #require(try g.forms().first)
        #expect(form["To"] == "+33612345678")
        #expect(form["Body"]?.hasPrefix("Nouvelle demande patient : https://messagerie.example.org/") == true)
        #expect(!(form["Body"] ?? "").contains("Zoé"), "no patient name in an SMS")
    }

    @Test(arguments: [("401", "HTTP 401"), ("400", "HTTP 400")])
    func twilioClientErrorsArePermanent(_ reply: String, _ expected: String) throws {
        let g = try SMSGateway([reply])
        let f = try queuedAlert()
        let report = try dispatcher(f, twilio(g)).drain(now: t("2026-11-16T09:01:00Z"))
        #expect(report.dead == 1)
        let item = try row(f)
        #expect(item.state == .dead && item.attempts == 1)
        #expect(item.lastError?.contains(expected) == true, "\(item.lastError ?? "")")
        #expect(!(item.lastError ?? "").contains("twilio-token"))
        // Nothing is tried again, however late.
        #expect(try dispatcher(f, twilio(g)).drain(now: t("2026-11-17T09:00:00Z")) == .init())
        #expect(try g.received().count == 1)
    }

    @Test(arguments: ["429:120", "429:date:120"])
    func tooManyRequestsWaitsForRetryAfterThenSends(_ reply: String) throws {
        let g = try SMSGateway([reply])
        let f = try queuedAlert()
        let d = dispatcher(f, twilio(g))
        #expect(try d.drain(now: t("2026-11-16T09:01:00Z")).retried == 1)
        let waiting = try row(f)
        #expect(waiting.state == .pending)
        // Retry-After, not the 60 s backoff: 120 s later (an HTTP date is read against the response's Date).
        let wait = waiting.notBefore.timeIntervalSince(t("2026-11-16T09:01:00Z"))
        #expect(wait >= 119 && wait <= 121, "\(wait)")
        #expect(try d.drain(now: t("2026-11-16T09:02:59Z")) == .init())
        #expect(try d.drain(now: t("2026-11-16T09:03:01Z")).sent == 1)
        #expect(try g.received().count == 2)
        #expect(try row(f).state == .sent)
    }

    @Test func twilio503TwiceThen201IsDeliveredOnceWhenTwoRetriesAreAllowed() throws {
        let g = try SMSGateway(["503", "503"])
        let f = try queuedAlert()
        let d = dispatcher(f, twilio(g, retries: 2))
        var now = t("2026-11-16T09:01:00Z")
        var sent = 0
        for _ in 0..<5 {
            sent += try d.drain(now: now).sent
            now = now.addingTimeInterval(3600)
        }
        #expect(sent == 1)
        #expect(try g.received().count == 3)
        let item = try row(f)
        #expect(item.state == .sent && item.attempts == 3)
    }

    @Test func twilio5xxIsRetriedOnlyOnceByDefaultBecauseItMayHaveBeenSent() throws {
        let g = try SMSGateway(["503", "503"])
        let f = try queuedAlert()
        let d = dispatcher(f, twilio(g))
        #expect(try d.drain(now: t("2026-11-16T09:01:00Z")).retried == 1)
        #expect(try row(f).lastError?.contains("may already be sent") == true)
        #expect(try d.drain(now: t("2026-11-16T10:01:00Z")).dead == 1)
        let item = try row(f)
        #expect(item.state == .dead && item.attempts == 2)
        #expect(item.lastError?.contains("may already have sent it") == true, "\(item.lastError ?? "")")
        #expect(try d.drain(now: t("2026-11-17T10:01:00Z")) == .init())
        #expect(try g.received().count == 2)
    }

    // MARK: Vonage

    @Test func vonage503TwiceThenAcceptedIsDeliveredOnce() throws {
        let g = try SMSGateway(["503", "503"])
        let f = try queuedAlert()
        let d = dispatcher(f, vonage(g))
        var now = t("2026-11-16T09:01:00Z")
        var sent = 0
        for _ in 0..<5 {
            sent += try d.drain(now: now).sent
            now = now.addingTimeInterval(3600)
        }
        #expect(sent == 1)
        #expect(try g.received().count == 3)
        #expect(try row(f).state == .sent)
    }

    @Test func vonageThrottledInsideA200IsRetriedThenSent() throws {
        let g = try SMSGateway(["vonage:1"])
        let f = try queuedAlert()
        let d = dispatcher(f, vonage(g))
        let first = try d.drain(now: t("2026-11-16T09:01:00Z"))
        #expect(first.retried == 1 && first.sent == 0, "HTTP 200 with status 1 is not a success")
        #expect(try row(f).lastError?.contains("status 1") == true)
        #expect(try d.drain(now: t("2026-11-16T10:01:00Z")).sent == 1)
        #expect(try g.received().count == 2)
    }

    @Test func vonageRefusalInsideA200IsPermanent() throws {
        let g = try SMSGateway(["vonage:4"])
        let f = try queuedAlert()
        #expect(try dispatcher(f, vonage(g)).drain(now: t("2026-11-16T09:01:00Z")).dead == 1)
        #expect(try row(f).lastError?.contains("status 4") == true)
    }

    @Test func vonageReceivesItsFieldsAndUnicodeWhenAccentsNeedIt() throws {
        let g = try SMSGateway()
        let text = SMSText("Vous avez reçu une réponse : https://messagerie.example.org/l/x+y")
        guard case .delivered = vonage(g).send(text, to: "+33612345678", outboxID: 9) else { Issue.record("not delivered"); return }
        let form = try g.forms()[0]
        #expect(form["api_key"] == "key123" && form["api_secret"] == "vonage-secret")
        #expect(form["from"] == "Messagerie" && form["to"] == "33612345678")
        #expect(form["text"] == text.text)
        #expect(form["type"] == "unicode")
        let plain = SMSText("Rappel : une demande vous attend")
        _ = vonage(g).send(plain, to: "+33612345678", outboxID: 10)
        #expect(try g.forms()[1]["type"] == nil)
    }

    // MARK: Webhook, numbers, network

    @Test func webhookPostsTheTemplateWithABearerToken() throws {
        let g = try SMSGateway()
        let hook = WebhookSMSTransport(http: CurlHTTP(), url: g.url + "/send", token: "hook-token", from: "Cabinet",
                                       template: #"{"recipient": {{to}}, "message": {"body": {{text}}, "ref": {{id}}}}"#)
        let text = SMSText("« Réponse » reçue \"vite\" \\ 2+2")
        guard case .delivered(let id) = hook.send(text, to: "+33612345678", outboxID: 11) else { Issue.record("not delivered"); return }
        #expect(id == "W000001")
        let request = try #require(try g.received().first)
        #expect((request["headers"] as? [String: String])?["authorization"] == "Bearer hook-token")
        let json = try #require(request["json"] as? [String: Any])
        #expect(json["recipient"] as? String == "+33612345678")
        let message = try #require(json["message"] as? [String: Any])
        #expect(message["body"] as? String == text.text)
        #expect(message["ref"] as? String == "relance-11")
    }

    @Test func aNumberThatIsNotE164GetsNoSMSAndOneReason() throws {
        let g = try SMSGateway()
        let f = try queuedAlert(phone: "06 12 34 56 78")
        let report = try dispatcher(f, twilio(g)).drain(now: t("2026-11-16T09:01:00Z"))
        #expect(report.skipped == 1)
        let item = try row(f)
        #expect(item.state == .skipped)
        #expect(item.lastError?.contains("E.164") == true)
        #expect(try g.received().isEmpty)
    }

    @Test func aGatewayThatIsDownIsATemporaryFailure() throws {
        let f = try queuedAlert()
        // A port nobody listens on: take one from a gateway, then stop it.
        var port = 0
        do { let g = try SMSGateway(); port = g.port }
        let down = TwilioSMSTransport(http: CurlHTTP(), baseURL: "http://127.0.0.1:\(port)", accountSID: Self.sid,
                                      token: "t", from: "+33700000001")
        #expect(try dispatcher(f, down).drain(now: t("2026-11-16T09:01:00Z")).retried == 1)
        let error = try row(f).lastError ?? ""
        #expect(error.contains("curl error 7"), "\(error)")
        let g = try SMSGateway()
        #expect(try dispatcher(f, twilio(g)).drain(now: t("2026-11-16T10:01:00Z")).sent == 1)
    }

    // MARK: Quiet hours, end to end

    /// 22:00 Paris queues the SMS; 07:59 still waits; 08:00 sends — on an ordinary
    /// night and across both DST changes (UTC offsets shift under the local hours).
    @Test(arguments: [
        ("2026-11-16T21:00:00Z", "2026-11-17T06:59:00Z", "2026-11-17T07:00:00Z"),  // CET
        ("2026-10-24T20:00:00Z", "2026-10-25T06:59:00Z", "2026-10-25T07:00:00Z"),  // night of 25 Oct: CEST → CET
        ("2026-03-28T21:00:00Z", "2026-03-29T05:59:00Z", "2026-03-29T06:00:00Z"),  // night of 29 Mar: CET → CEST
    ])
    func quietHoursHoldSMSUntilEightLocal(_ evening: String, _ before: String, _ eight: String) throws {
        let g = try SMSGateway()
        let f = try queuedAlert(created: evening, now: evening)
        let d = dispatcher(f, twilio(g))
        #expect(try d.drain(now: t(evening)) == .init())
        #expect(Timestamp.format(try row(f).notBefore) == eight)
        #expect(try d.drain(now: t(before)) == .init())
        #expect(try g.received().isEmpty)
        #expect(try d.drain(now: t(eight)).sent == 1)
        #expect(try g.received().count == 1)
    }
}

@Suite struct SMSTextTests {
    @Test func gsm7AndUCS2Segments() {
        #expect(SMSText(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSText(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSText(String(repeating: "a", count: 306)).segments == 2)
        #expect(SMSText(String(repeating: "a", count: 307)).segments == 3)
        // é è à ù are GSM-7; € costs two septets; ç and ê force UCS-2.
        #expect(SMSText("éèàù").encoding == .gsm7)
        #expect(SMSText(String(repeating: "€", count: 80)).units == 160)
        #expect(SMSText(String(repeating: "€", count: 81)).segments == 2)
        #expect(SMSText("reçu").encoding == .ucs2)
        #expect(SMSText(String(repeating: "ê", count: 70)).segments == 1)
        #expect(SMSText(String(repeating: "ê", count: 71)).segments == 2)
        #expect(SMSText(String(repeating: "ê", count: 135)).segments == 3)
    }

    @Test func fittingShortensTheWordsNeverTheLink() {
        let link = "https://messagerie.example.org/connexion?t=" + String(repeating: "x", count: 90)
        let long = String(repeating: "Votre demande attend une réponse depuis trois jours ouvrés. ", count: 6)
        let fitted = SMSText.fit(long, link: link, maxSegments: 2)
        #expect(fitted.segments <= 2)
        #expect(fitted.text.hasSuffix(" " + link))
        #expect(fitted.text.contains("... https://"))
        #expect(fitted.encoding == .gsm7)
        #expect(fitted.text.count > link.count + 100, "as many words as fit are kept")
        let accented = SMSText.fit("Vous avez reçu une réponse. " + long, link: link, maxSegments: 3)
        #expect(accented.segments <= 3 && accented.encoding == .ucs2 && accented.text.contains("… https://"))
        let short = SMSText.fit(rendered: "Rappel : une demande vous attend \(link)", maxSegments: 3)
        #expect(short.text == "Rappel : une demande vous attend \(link)")
        #expect(SMSText.fit("Merci d’avoir écrit", link: nil, maxSegments: 1).text == "Merci d'avoir écrit")
    }

    @Test func e164() {
        #expect(E164.isValid("+33612345678"))
        #expect(E164.isValid("+590690123456"))
        #expect(!E164.isValid("0612345678"))
        #expect(!E164.isValid("+33 6 12 34 56 78"))
        #expect(!E164.isValid("+0612345678"))
        #expect(!E164.isValid("+3361234567890123"))
        // The bounds and the odd cases, against the regular expression it replaced.
        for number in ["+1234567", "+12345678", "+123456789012345", "+1234567890123456", "+123456", "+", "", "++33612345678",
                       "+33612345678 ", " +33612345678", "+3361234567a", "+٣٣٦١٢٣٤٥٦٧٨", "+33612345678\u{301}", "+３３612345678",
                       "+33\n612345678", "33612345678+"] {
            #expect(E164.isValid(number) == (number.wholeMatch(of: /\+[1-9][0-9]{6,14}/) != nil), "\(Array(number.unicodeScalars))")
        }
    }
}
