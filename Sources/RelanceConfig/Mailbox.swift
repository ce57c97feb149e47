import Foundation

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

    private static func isAddress(_ address: Substring) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
              !local.isEmpty, !domain.isEmpty else { return false }
        let forbidden: Set<Character> = [" ", "\t", "<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard !address.contains(where: forbidden.contains) else { return false }
        return !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
