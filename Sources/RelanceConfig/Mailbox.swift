import Foundation
import RelanceCore

/// Checks the `email.from` mailbox: `Display Name <local@domain>` or a bare `local@domain`.
enum Mailbox {
    /// Why `text` is not a usable sender mailbox, or nil.
    static func problem(_ text: String) -> String? {
        if let problem = TextChecks.controlCharacterProblem(text) { return problem }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let address: Substring
        if let open = trimmed.lastIndex(of: "<") {
            guard trimmed.hasSuffix(">") else {
                return "\"\(text)\" is not a mailbox: a display name is written \"Name <address@example.org>\""
            }
            address = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let name = trimmed[..<open]
            if name.contains(where: { $0 == "<" || $0 == ">" }) {
                return "\"\(text)\" is not a mailbox: the display name must not contain < or >"
            }
        } else {
            address = Substring(trimmed)
        }
        guard isAddress(address) else {
            return "\"\(text)\" is not a mailbox: write \"Messagerie <no-reply@example.org>\" or \"no-reply@example.org\""
        }
        return nil
    }

    /// RFC 5321/5322 addr-spec, as for every recipient (``EmailAddress``).
    private static func isAddress(_ address: Substring) -> Bool {
        (try? EmailAddress(String(address))) != nil
    }
}
