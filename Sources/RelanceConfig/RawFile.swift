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
