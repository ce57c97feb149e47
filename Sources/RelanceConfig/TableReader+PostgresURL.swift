import Foundation

extension TableReader {
    /// A libpq connection URI (`postgresql://user@host[:port][,host2[:port]]/db?params`).
    /// A password in it is refused like an inline secret, and the URL is then never
    /// printed; several hosts (failover with `target_session_attrs=read-write`) are allowed.
    mutating func postgresURL(_ key: String, secretHome home: (fileKey: String, credential: String)) -> String? {
        guard let text = string(key) else { return nil }
        guard let scheme = ["postgresql", "postgres"].first(where: { text.lowercased().hasPrefix($0 + "://") }) else {
            report(key, "must start with postgres:// or postgresql://")
            return nil
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") || rest.lowercased().contains("password=") {
            report(key, Self.passwordMessage(home))
            return nil
        }
        if rest.lowercased().range(of: #"(^|[?&])password="#, options: .regularExpression) != nil {
            report(key, Self.passwordMessage(home))
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            report(key, "\"\(text)\" must not contain spaces or control characters")
            return nil
        }
        let hosts = authority.split(separator: "@").last.map { $0.split(separator: ",") } ?? []
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(":") }) else {
            report(key, "\"\(text)\" needs a host, as in \(scheme)://relance@db.example.org/platform")
            return nil
        }
        return text
    }

    /// The password is never echoed: the message says only where it belongs.
    static func passwordMessage(_ home: (fileKey: String, credential: String)) -> String {
        "a password must not be written in the URL (the URL is not printed here): put it in a file readable only by "
            + "the service and set \(home.fileKey) = \"/path/to/file\", or pass it as the systemd credential "
            + "\(home.credential) (LoadCredential=\(home.credential):/etc/relance/\(home.credential) in the unit)"
    }
}
