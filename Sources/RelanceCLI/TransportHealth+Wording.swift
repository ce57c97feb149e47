import Foundation
import RelanceCore
import RelanceStore

extension TransportHealth {
    /// `email relay failing since 2026-11-29T09:00:00Z (last error …), paused until 2026-11-29T09:01:00Z`:
    /// for `relance status` and the daemon's `STATUS=` line.
    var sentence: String {
        let name = transport == "email" ? "email relay" : "\(transport) gateway"
        return "\(name) failing since \(Timestamp.format(failingSince)) (last error \(lastError)), "
            + "paused until \(Timestamp.format(pausedUntil))"
    }
}
