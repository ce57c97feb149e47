import CSystemd
import Glibc

/// The service manager's side of `Type=notify`, through libsystemd's `sd_notify`.
///
/// Every call is a no-op when `NOTIFY_SOCKET` is unset, i.e. outside systemd.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// `READY=1`, with a status line.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    /// `STATUS=`: one line shown by `systemctl status relance`.
    public func status(_ text: String) { send("STATUS=\(text)") }

    /// `RELOADING=1` with the `MONOTONIC_USEC` systemd expects since v253; `READY=1` must follow.
    public func reloading() { send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())\nSTATUS=reloading configuration") }

    /// `STOPPING=1`: the graceful stop has begun.
    public func stopping() { send("STOPPING=1\nSTATUS=stopping: finishing in-flight sends") }

    /// `WATCHDOG=1`: the loop is alive.
    public func watchdog() { send("WATCHDOG=1") }

    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, when `sd_watchdog_enabled`
    /// says the watchdog is meant for this process (it checks `WATCHDOG_PID`); nil otherwise.
    public static func watchdogPingInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec / 2))
    }

    func send(_ state: String) { _ = sd_notify(0, state) }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
