import Foundation

/// A secret read from a file or a systemd credential, never from the TOML itself.
///
/// Printing, interpolating, dumping or debug-printing a `Secret` shows only where it came from:
/// `(secret from /run/credentials/relance.service/link-secret)`. Read ``value`` only where the
/// secret is used (signing a link, authenticating to a server), and never log it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself, with one trailing newline of its file removed.
    public let value: String
    /// The absolute path of the file it was read from.
    public let source: String
    /// The systemd credential's name when it was found in `$CREDENTIALS_DIRECTORY`; nil when a
    /// `*_file` key named it.
    public let credential: String?

    public init(value: String, source: String, credential: String? = nil) {
        self.value = value
        self.source = source
        self.credential = credential
    }

    /// The masked form, safe for logs and `check-config`.
    public var description: String { "(secret from \(source))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source, "credential": credential as Any],
                                         displayStyle: .struct) }
}

extension Secret {
    /// Reads a secret file: one trailing newline (LF or CRLF) is trimmed; an empty file is an error.
    ///
    /// A `*_file` secret (`checkMode`) must be a regular file readable by its owner only, as ssh
    /// requires of a private key: a group or world bit set (0640, 0644…) is refused. A systemd
    /// credential is not checked for mode (systemd makes it private to the service).
    /// - Returns: the secret, or the reason it cannot be used (naming the path and the OS reason).
    static func read(path: String, credential: String? = nil, checkMode: Bool = true) -> Result<Secret, SecretFileError> {
        switch RawFile.secretBytes(atPath: path, maxBytes: 64 * 1024) {
        case .failure(let error):
            return .failure(SecretFileError(message: "cannot read secret file \(path): \(error.reason)"))
        case .success(let (bytes, mode)):
            guard var text = String(bytes: bytes, encoding: .utf8) else {
                return .failure(SecretFileError(message: "secret file \(path) is not valid UTF-8 text"))
            }
            if let last = text.last, last == "\n" || last == "\r\n" {  // "\r\n" is one Character
                text.removeLast()
            }
            guard !text.isEmpty else {
                return .failure(SecretFileError(message: "secret file \(path) is empty"))
            }
            if checkMode, mode & 0o077 != 0 {
                return .failure(SecretFileError(message: "secret file \(path) has mode \(String(mode, radix: 8)), open to its group or others: "
                    + "run chmod 600 \(path) (it must be readable by its owner only, as ssh requires of a key)"))
            }
            return .success(Secret(value: text, source: path, credential: credential))
        }
    }
}

/// Why a secret file cannot be used.
struct SecretFileError: Error, Sendable {
    let message: String
}
