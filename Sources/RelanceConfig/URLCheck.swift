import Foundation

/// Checks of URL text that `URLComponents` does not make: userinfo (an inline secret) and
/// the port's range. None of them ever repeats a password.
enum URLCheck {
    enum Userinfo { case none, user, password }

    /// The authority of `scheme://authority/path`: what lies between `://` and the first `/`, `?` or `#`.
    static func authority(_ text: String) -> Substring? {
        guard let start = text.range(of: "://") else { return nil }
        let rest = text[start.upperBound...]
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }

    /// Whether the URL has `user@` or `user:password@` before its host (also without a scheme,
    /// where a bare `user:pass@host` would otherwise be echoed by another error).
    static func userinfo(_ text: String) -> Userinfo {
        let authority = authority(text) ?? Substring(text).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return .none }
        return authority[..<at].contains(":") ? .password : .user
    }

    /// The error for `user:password@host`; `home` says where the credentials belong instead.
    static func inlineSecretMessage(home: String) -> String {
        "secrets must not be written in the config file, and a password in a URL (user:password@host) is one; "
            + home + " (the value is not shown)"
    }

    /// Why the port written after the host is unusable (curl would fail every send), or nil.
    static func portProblem(_ text: String) -> String? {
        guard let authority = authority(text) else { return nil }
        let hostPort = authority.split(separator: "@").last ?? authority
        let afterHost: Substring
        if hostPort.hasPrefix("[") {  // [IPv6]:port
            guard let close = hostPort.firstIndex(of: "]") else { return "an IPv6 host must be closed with ]" }
            afterHost = hostPort[hostPort.index(after: close)...]
        } else {
            afterHost = hostPort.drop { $0 != ":" }
        }
        guard afterHost.hasPrefix(":") else {
            return afterHost.isEmpty ? nil : "unexpected text after the host"
        }
        let digits = afterHost.dropFirst()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 5, let port = Int(digits),
              (1...65535).contains(port) else {
            return "the port must be a number from 1 to 65535"
        }
        return nil
    }

    /// Whether `host` is this machine (127.0.0.0/8, ::1, localhost), where plain http harms no one.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
