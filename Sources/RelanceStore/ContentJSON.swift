import Foundation
import RelanceCore

/// `relance_decisions.content` as JSON: what `JSONEncoder` with sorted keys and
/// timestamps as store text would write, built by hand because recording runs
/// once per decision inside the cycle's write transaction, where Foundation's
/// encoder was the largest cost. `JSONDecoder` reads it back (tested).
enum ContentJSON {
    static func encode(_ c: DecisionContent) -> String {
        var fields: [String] = []
        if let v = c.closureEndsOn { fields.append("\"closureEndsOn\":\(string(v))") }
        if let v = c.count { fields.append("\"count\":\(v)") }
        if let v = c.dueAt { fields.append("\"dueAt\":\"\(Timestamp.format(v))\"") }
        if let v = c.heldBack { fields.append("\"heldBack\":\(v)") }
        if let list = c.nearby {
            let items = list.map { o in
                var f = ["\"displayName\":\(string(o.displayName))", "\"distanceKm\":\(number(o.distanceKm))",
                         "\"practitionerID\":\(o.practitionerID)"]
                if let s = o.specialty { f.append("\"specialty\":\(string(s))") }
                return "{" + f.joined(separator: ",") + "}"
            }
            fields.append("\"nearby\":[\(items.joined(separator: ","))]")
        }
        if let v = c.practitionerName { fields.append("\"practitionerName\":\(string(v))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029:
                out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
