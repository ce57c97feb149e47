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
    /// - Returns: the secret, or the reason it cannot be used (naming the path and the OS reason).
    static func read(path: String, credential: String? = nil) -> Result<Secret, SecretFileError> {
        switch RawFile.bytes(atPath: path, maxBytes: 64 * 1024) {
        case .failure(let error):
            return .failure(SecretFileError(message: "cannot read secret file \(path): \(error.reason)"))
        case .success(let bytes):
            guard var text = String(bytes: bytes, encoding: .utf8) else {
                return .failure(SecretFileError(message: "secret file \(path) is not valid UTF-8 text"))
            }
            if let last = text.last, last == "\n" || last == "\r\n" {  // "\r\n" is one Character
                text.removeLast()
            }
            guard !text.isEmpty else {
                return .failure(SecretFileError(message: "secret file \(path) is empty"))
            }
            return .success(Secret(value: text, source: path, credential: credential))
        }
    }
}

/// Why a secret file cannot be used.
struct SecretFileError: Error, Sendable {
    let message: String
}
