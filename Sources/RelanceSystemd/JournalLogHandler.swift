import CSystemd
import Glibc
import Logging

/// A swift-log handler writing structured entries to journald with `sd_journal_sendv`:
/// `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`,
/// `MESSAGE_ID` for a known ``JournalEvent``, and each metadata key as an
/// upper-case `RELANCE_` field (`request_id` → `RELANCE_REQUEST_ID`).
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let threshold: LogThreshold
    let identifier: String

    public init(threshold: LogThreshold, identifier: String = "relance") {
        self.threshold = threshold
        self.identifier = identifier
    }

    public var logLevel: Logger.Level {
        get { threshold.level }
        set { threshold.level = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = Self.fields(level: event.level, message: "\(event.message)", metadata: merged,
                                 identifier: identifier, file: event.file, function: event.function, line: event.line)
        Self.send(fields)
    }

    /// The entry's fields as `NAME=value` strings, in a fixed order (tested without journald).
    public static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String,
                              file: String, function: String, line: UInt) -> [String] {
        var fields = ["MESSAGE=\(message)", "PRIORITY=\(priority(level))", "SYSLOG_IDENTIFIER=\(identifier)",
                      "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)"]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            if key == "event" {
                if case .string(let name) = value, let event = JournalEvent(rawValue: name) {
                    fields.append("MESSAGE_ID=\(event.messageID)")
                }
                continue
            }
            fields.append("\(fieldName(key))=\(value)")
        }
        return fields
    }

    /// syslog priorities: journald's `PRIORITY=`.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// `request_id` → `RELANCE_REQUEST_ID`: journald field names are upper-case ASCII letters, digits and `_`.
    public static func fieldName(_ key: String) -> String {
        let cleaned = key.uppercased().unicodeScalars.map { s -> Character in
            ("A"..."Z").contains(s) || ("0"..."9").contains(s) ? Character(s) : "_"
        }
        return "RELANCE_" + String(cleaned)
    }

    static func send(_ fields: [String]) {
        let copies = fields.map { strdup($0)! }
        defer { copies.forEach { free($0) } }
        var vectors = copies.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
        _ = vectors.withUnsafeMutableBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }
}

/// Where logs go: journald when systemd connected our stderr to it, stderr otherwise.
public enum JournalStream {
    /// True when `JOURNAL_STREAM` names the device and inode of our stderr — what systemd sets
    /// for a service whose output goes to the journal — and the journal socket exists.
    public static func isStandardErrorConnected(
        environment: [String: String], socket: String = "/run/systemd/journal/socket"
    ) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0, UInt64(st.st_dev) == dev, UInt64(st.st_ino) == ino else { return false }
        return access(socket, F_OK) == 0
    }
}
