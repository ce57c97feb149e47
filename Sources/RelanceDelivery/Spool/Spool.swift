import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files into a spool folder atomically and durably, so a reader never sees half a
/// file and a retry of the same row overwrites, never doubles.
///
/// The temporary file `.N.eml.tmp` is created with `O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600: a
/// symlink or a file planted there is removed (never followed, never written through), then the
/// name is created afresh. The data is fsynced, renamed over the final name, and the folder is
/// fsynced, so the file survives a power cut once the row is marked sent.
struct Spool: Sendable {
    let folder: String

    func write(_ name: String, _ bytes: Data) -> SendOutcome {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let final = (folder as NSString).appendingPathComponent(name)
            let temp = (folder as NSString).appendingPathComponent(".\(name).tmp")
            try Self.writeNew(temp, bytes)
            guard rename(temp, final) == 0 else { throw SpoolError("rename to \(name)") }
            try Self.syncFolder(folder)
            return .delivered(providerID: name)
        } catch {
            return .temporary("cannot write \(folder)/\(name): \(error)")
        }
    }

    /// Creates `path` (removing whatever a previous crash or someone else left there), writes and fsyncs.
    static func writeNew(_ path: String, _ bytes: Data) throws {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        var fd = open(path, flags, 0o600)
        if fd < 0, errno == EEXIST {
            guard unlink(path) == 0 || errno == ENOENT else { throw SpoolError("remove leftover \(path)") }  // unlink never follows
            fd = open(path, flags, 0o600)
        }
        guard fd >= 0 else { throw SpoolError("create \(path)") }
        defer { close(fd) }
        do {
            try FileHandle(fileDescriptor: fd, closeOnDealloc: false).write(contentsOf: bytes)
        } catch {
            throw SpoolError("write \(path)")
        }
        guard fsync(fd) == 0 else { throw SpoolError("fsync \(path)") }
    }

    static func syncFolder(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError("open folder") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SpoolError("fsync folder") }
    }
}

/// A failed step of a spool write, with the OS's reason.
struct SpoolError: Error, CustomStringConvertible {
    let description: String
    init(_ step: String) { description = "\(step): \(String(cString: strerror(errno)))" }
}
