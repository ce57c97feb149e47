import Foundation

/// Turns the paths written in a config file into absolute, normalized paths.
///
/// A relative path is relative to the directory of the config file, not to the working directory
/// of the process, so `relance check-config Config/demo.toml` and the daemon agree.
enum PathResolution {
    /// The absolute directory holding `file` (resolved against the working directory if needed).
    static func directory(ofConfigFile file: String) -> String {
        let absolute = absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        guard let slash = absolute.lastIndex(of: "/") else { return "/" }
        let dir = String(absolute[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// `path` made absolute against `base` (itself absolute), with `.`, `..` and `//` removed.
    static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
