import Foundation

/// What a path key must point at when the config is checked.
enum PathExpectation {
    /// Nothing is checked (the file or folder may be created later, e.g. a store or a spool).
    case anything
    /// An existing regular file (e.g. a CA bundle).
    case existingFile
    /// An existing directory (e.g. a templates folder).
    case existingDirectory
}

extension TableReader {
    /// A path, made absolute against the config file's directory.
    mutating func path(_ key: String, expecting expectation: PathExpectation = .anything) -> String? {
        guard let raw = string(key) else { return nil }
        guard !raw.isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        if let problem = TextChecks.controlCharacterProblem(raw) {
            report(key, problem)
            return nil
        }
        let resolved = context.resolve(raw)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory)
        switch expectation {
        case .anything:
            break
        case .existingFile:
            if !exists {
                report(key, "\(resolved) does not exist")
            } else if isDirectory.boolValue {
                report(key, "\(resolved) is a directory, not a file")
            }
        case .existingDirectory:
            if !exists {
                report(key, "folder \(resolved) does not exist")
            } else if !isDirectory.boolValue {
                report(key, "\(resolved) is not a folder")
            }
        }
        return resolved
    }

    /// A URL whose scheme is one of `schemes` (lowercase, without `://`), with a host, a port in
    /// 1…65535 when one is written, and no user name or password (an inline secret: refused and
    /// never printed). PostgreSQL's URL has its own reader (``postgresURL(_:secretHome:)``).
    mutating func url(_ key: String, schemes: [String]) -> String? {
        guard let text = string(key) else { return nil }
        switch URLCheck.userinfo(text) {
        case .password:
            report(key, URLCheck.inlineSecretMessage(home: credentialsHome))
            return nil
        case .user:
            report(key, "the URL must not carry a user name (user@host): " + credentialsHome)
            return nil
        default:
            break
        }
        let allowed = TextChecks.list(schemes.map { "\($0)://" }, or: true)
        guard let scheme = schemes.first(where: { text.lowercased().hasPrefix($0 + "://") }) else {
            report(key, "\"\(text)\" must start with \(allowed)")
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            report(key, "\"\(text)\" must not contain spaces or control characters")
            return nil
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            report(key, "\"\(text)\" is not a valid \(scheme):// URL: it needs a host, as in \(scheme)://host.example.org")
            return nil
        }
        if let problem = URLCheck.portProblem(text) {
            report(key, "\"\(text)\": \(problem)")
            return nil
        }
        return text
    }

    /// Where the credentials of this table belong, for the error's hint.
    private var credentialsHome: String {
        switch path.joined(separator: ".") {
        case "email": "set email.username, and the password in password_file or the systemd credential smtp-password"
        case "sms": "put the token in token_file or the systemd credential sms-token"
        default: "a sign-in link's address carries no credentials"
        }
    }

    /// The secret of this table: from `fileKey` when set, else from the systemd credential named
    /// `credential` in `$CREDENTIALS_DIRECTORY` when that file exists, else nil.
    mutating func secret(fileKey: String, credential: String) -> Secret? {
        secretHome = (fileKey, credential)
        if has(fileKey) {
            guard let path = path(fileKey) else { return nil }
            switch Secret.read(path: path) {
            case .success(let secret): return secret
            case .failure(let failure):
                report(fileKey, failure.message)
                return nil
            }
        }
        _ = value(fileKey)  // known even when absent
        guard let directory = context.environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        let path = PathResolution.absolute(credential, relativeTo: PathResolution.absolute(directory, relativeTo: "/"))
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        switch Secret.read(path: path, credential: credential, checkMode: false) {
        case .success(let secret): return secret
        case .failure(let failure):
            report(fileKey, "systemd credential \(credential): \(failure.message)")
            return nil
        }
    }
}
