#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls, so that a failure carries the OS reason
/// ("No such file or directory", "Permission denied", "Is a directory").
enum RawFile {
    /// The bytes of the file at `path`, or the reason it cannot be read.
    static func bytes(atPath path: String, maxBytes: Int) -> Result<[UInt8], RawFileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(osReason()) }
        defer { close(fd) }
        return bytes(of: fd, maxBytes: maxBytes)
    }

    /// A secret file's bytes and mode, read as ssh reads a private key: opened without blocking
    /// (a FIFO or a device never hangs the caller) and refused unless it is a regular file.
    static func secretBytes(atPath path: String, maxBytes: Int) -> Result<(bytes: [UInt8], mode: mode_t), RawFileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return .failure(osReason()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(osReason()) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(RawFileError(reason: "not a regular file: \(kind(info.st_mode))"))
        }
        return bytes(of: fd, maxBytes: maxBytes).map { ($0, info.st_mode & 0o7777) }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: String(cString: strerror(EISDIR))
        case S_IFIFO: "a FIFO"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "not a plain file"
        }
    }

    private static func bytes(of fd: Int32, maxBytes: Int) -> Result<[UInt8], RawFileError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(osReason())
            }
            if n == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { return .failure(RawFileError(reason: "file is larger than \(maxBytes) bytes")) }
        }
    }

    private static func osReason() -> RawFileError {
        RawFileError(reason: String(cString: strerror(errno)))
    }
}

/// Why a file cannot be read: the OS's words ("No such file or directory").
struct RawFileError: Error, Sendable, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
