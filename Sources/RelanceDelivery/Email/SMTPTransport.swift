import CCurl
import Foundation

/// Email over SMTP with libcurl: STARTTLS (required), SMTPS or, when written
/// explicitly, no TLS; AUTH with a password from a secret; one connection per
/// sender, kept open and reused across messages.
///
/// Failures are classified by the server's reply code (CURLINFO_RESPONSE_CODE)
/// and the stage it answered, not by curl's error alone: a 451 after DATA comes
/// back from curl as error 8 "weird server reply", and must be retried; a refusal
/// of the sender, the login or relaying is the relay's, not the recipient's.
public final class SMTPTransport: EmailTransport, @unchecked Sendable {
    public enum TLS: String, Sendable { case starttls, smtps, none }

    public struct Settings: Sendable {
        /// `smtp://host:port` or `smtps://host:port`.
        public var url: String
        public var tls: TLS
        public var username: String?
        public var password: String?
        public var caFile: String?
        /// Sent in EHLO; the machine's host name when nil.
        public var heloName: String?
        public var connectTimeout = 10
        public var timeout = 60
        /// Connections used in parallel (each kept open).
        public var senders = 1

        public init(url: String, tls: TLS) { self.url = url; self.tls = tls }
    }

    public let settings: Settings
    /// `host:port`, for error strings (never credentials).
    let server: String
    let lock = NSLock()
    let available: DispatchSemaphore
    var idle: [SMTPConnection] = []

    public init(_ settings: Settings) {
        _ = Self.globalInit
        self.settings = settings
        self.server = Self.hostPort(settings.url)
        self.available = DispatchSemaphore(value: max(1, settings.senders))
    }

    public var isEncrypted: Bool { settings.tls != .none }

    public func send(_ message: MailMessage, outboxID: Int64) -> SendOutcome {
        let (outcome, _) = sendCountingConnections(message)
        return outcome
    }

    /// Sends and tells how many new connections it took (0 when one was reused).
    func sendCountingConnections(_ message: MailMessage) -> (SendOutcome, Int) {
        let bytes = Array(message.rendered().utf8)  // before taking a connection: it only carries bytes
        available.wait()
        defer { available.signal() }
        let connection = lock.withLock { idle.popLast() } ?? SMTPConnection(settings: settings, url: effectiveURL)
        let result = connection.send(bytes, from: message.from.address, to: message.to.address, server: server)
        // Only a connection whose last transaction ended cleanly is reused. After a timeout or
        // any error the server may still answer the old command: that late reply must never
        // be read as the next message's answer, so the connection is closed at once.
        if case .delivered = result.0 { lock.withLock { idle.append(connection) } } else { connection.abandon() }
        return result
    }

    /// The URL with the EHLO name as its path: that is where curl takes it from.
    var effectiveURL: String {
        var base = settings.url
        if let schemeEnd = base.range(of: "://"), let slash = base[schemeEnd.upperBound...].firstIndex(of: "/") {
            base = String(base[..<slash])
        }
        let helo = settings.heloName ?? Self.machineName()
        return "\(base)/\(helo)"
    }

    static func machineName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    static func hostPort(_ url: String) -> String {
        guard let r = url.range(of: "://") else { return url }
        let rest = url[r.upperBound...]
        return String(rest.split(separator: "/", maxSplits: 1).first ?? rest).split(separator: "@").last.map(String.init) ?? ""
    }

    static let globalInit: Void = CurlGlobal.initialize()
}

/// One libcurl easy handle: one SMTP connection, reused while the server keeps it.
final class SMTPConnection {
    let handle: UnsafeMutableRawPointer
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let lastReply = LastReply()

    init(settings: SMTPTransport.Settings, url: String) {
        handle = curl_easy_init()!
        let h = handle
        _ = relance_curl_setopt_string(h, CURLOPT_URL, url)
        _ = relance_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = relance_curl_setopt_long(h, CURLOPT_UPLOAD, 1)
        _ = relance_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, settings.connectTimeout)
        _ = relance_curl_setopt_long(h, CURLOPT_TIMEOUT, settings.timeout)
        _ = relance_curl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        // CURLUSESSL_ALL: STARTTLS must succeed, or nothing is sent.
        let sslMode = settings.tls == .none ? CURLUSESSL_NONE : CURLUSESSL_ALL
        _ = relance_curl_setopt_long(h, CURLOPT_USE_SSL, Int(sslMode.rawValue))
        if let ca = settings.caFile { _ = relance_curl_setopt_string(h, CURLOPT_CAINFO, ca) }
        if let user = settings.username {
            _ = relance_curl_setopt_string(h, CURLOPT_USERNAME, user)
            _ = relance_curl_setopt_string(h, CURLOPT_PASSWORD, settings.password ?? "")
            // Only over TLS (or tls = "none" written explicitly), and only these two mechanisms.
            _ = relance_curl_setopt_string(h, CURLOPT_LOGIN_OPTIONS, "AUTH=PLAIN;AUTH=LOGIN")
        }
        _ = relance_curl_setopt_callback(h, CURLOPT_READFUNCTION, { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            return Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue().read(into: buffer, max: size * count)
        })
        // curl hands every server reply line to the header callback: the last one says why a command failed.
        _ = relance_curl_setopt_callback(h, CURLOPT_HEADERFUNCTION, { buffer, size, count, userdata in
            guard let buffer, let userdata else { return size * count }
            let line = UnsafeRawBufferPointer(start: buffer, count: size * count)
            Unmanaged<LastReply>.fromOpaque(userdata).takeUnretainedValue().keep(line)
            return size * count
        })
        _ = relance_curl_setopt_pointer(h, CURLOPT_HEADERDATA, Unmanaged.passUnretained(lastReply).toOpaque())
    }

    deinit { curl_easy_cleanup(handle) }

    /// Closes the connection without a word: curl's polite QUIT would wait for a reply,
    /// and the reply it got could be the late answer to the command that timed out.
    func abandon() {
        var socket: curl_socket_t = -1
        if relance_curl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    func send(_ bytes: [UInt8], from: String, to: String, server: String) -> (SendOutcome, Int) {
        let upload = Upload(bytes)
        let h = handle
        let recipients = curl_slist_append(nil, "<\(to)>")
        defer {
            _ = relance_curl_setopt_slist(h, CURLOPT_MAIL_RCPT, nil)  // the handle must not keep a freed list
            curl_slist_free_all(recipients)
        }
        _ = relance_curl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = relance_curl_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients)
        _ = relance_curl_setopt_pointer(h, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
        errorBuffer[0] = 0
        lastReply.text = ""
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            _ = relance_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            defer { _ = relance_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, nil) }
            let code = withExtendedLifetime(upload) { curl_easy_perform(h) }
            return code
        }
        var reply = 0, connects = 0
        _ = relance_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &reply)
        _ = relance_curl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        _ = relance_curl_setopt_pointer(h, CURLOPT_READDATA, nil)
        let written = errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let detail = written.isEmpty ? String(cString: curl_easy_strerror(code)) : String(decoding: written, as: UTF8.self)
        return (SMTPFailure.classify(curl: code.rawValue, reply: reply, detail: detail, said: lastReply.text, server: server), connects)
    }
}

/// The bytes of one message, handed to curl's read callback in pieces.
final class Upload {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        let n = min(max, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// The server's last refusal (a 4xx or 5xx line), as curl's header callback saw it:
/// later lines, such as QUIT's "221 Bye", do not hide it.
final class LastReply {
    var text = ""

    func keep(_ line: UnsafeRawBufferPointer) {
        guard line.count > 3, let first = line.first, first == UInt8(ascii: "4") || first == UInt8(ascii: "5") else { return }
        text = String(decoding: line.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
