import CCurl
import Foundation

/// A small HTTP client over one libcurl easy handle: the connection is kept and
/// reused across requests to the same host, TLS peers are verified unless told
/// otherwise, and nothing here reads a clock or logs a header (they carry tokens).
public final class CurlHTTP: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        /// Header names in lower case; the last value wins.
        public var headers: [String: String]
        public var body: Data
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// libcurl's error code (e.g. 7 connect refused, 28 timeout).
        public var code: Int
        public var message: String
        public var description: String { "curl error \(code): \(message)" }
    }

    public struct Settings: Sendable {
        public var connectTimeout: TimeInterval = 10
        public var timeout: TimeInterval = 30
        /// A CA bundle instead of the system's.
        public var caFile: String?
        public init() {}
    }

    /// nil when libcurl could not make one (out of memory): every request then fails as a network error.
    private let handle: UnsafeMutableRawPointer?
    private let lock = NSLock()
    private let settings: Settings

    public init(settings: Settings = Settings()) {
        CurlGlobal.initialize()
        handle = curl_easy_init()
        self.settings = settings
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// New connections the last request had to open (CURLINFO_NUM_CONNECTS): 0 when it reused one.
    public var lastConnects: Int { lock.withLock { connects } }
    private var connects = 0

    /// POSTs `body` to `url`. `user`/`password` turn on HTTP Basic auth.
    public func post(_ url: String, body: Data, headers: [String], user: String? = nil, password: String? = nil) -> Result<Response, Failure> {
        lock.lock()
        defer { lock.unlock() }
        guard let h = handle else {
            return .failure(Failure(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_easy_init failed: out of memory"))
        }
        curl_easy_reset(h)  // keeps the connection cache
        let box = Collected()
        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        _ = relance_curl_setopt_string(h, CURLOPT_URL, url)
        _ = relance_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = relance_curl_setopt_long(h, CURLOPT_POST, 1)
        _ = relance_curl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
        body.withUnsafeBytes { raw in
            _ = relance_curl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
        }
        _ = relance_curl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        _ = relance_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        _ = relance_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(settings.timeout * 1000))
        _ = relance_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        _ = relance_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = settings.caFile { _ = relance_curl_setopt_string(h, CURLOPT_CAINFO, ca) }
        if let user, let password {
            _ = relance_curl_setopt_long(h, CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC
            _ = relance_curl_setopt_string(h, CURLOPT_USERNAME, user)
            _ = relance_curl_setopt_string(h, CURLOPT_PASSWORD, password)
        }
        _ = relance_curl_setopt_callback(h, CURLOPT_WRITEFUNCTION, { data, size, count, user in
            let n = size * count
            if let data, let user { Unmanaged<Collected>.fromOpaque(user).takeUnretainedValue().body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n) }
            return n
        })
        _ = relance_curl_setopt_pointer(h, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = relance_curl_setopt_callback(h, CURLOPT_HEADERFUNCTION, { data, size, count, user in
            let n = size * count
            if let data, let user {
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
                Unmanaged<Collected>.fromOpaque(user).takeUnretainedValue().header(line)
            }
            return n
        })
        _ = relance_curl_setopt_pointer(h, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            _ = relance_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, buffer.baseAddress!)
            return curl_easy_perform(h)
        }
        _ = relance_curl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(Failure(code: Int(code.rawValue),
                                    message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        var status = 0
        _ = relance_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return .success(Response(status: status, headers: box.headers, body: box.body))
    }

    private final class Collected {
        var body = Data()
        var headers: [String: String] = [:]

        func header(_ line: String) {
            if line.hasPrefix("HTTP/") { headers = [:]; return }  // a new response (after 100 Continue)
            guard let colon = line.firstIndex(of: ":") else { return }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// `curl_global_init`, once per process, before any handle (SMTP and HTTP alike).
enum CurlGlobal {
    private static let done: Bool = {
        _ = relance_curl_global_init()
        return true
    }()
    static func initialize() { _ = done }
}
