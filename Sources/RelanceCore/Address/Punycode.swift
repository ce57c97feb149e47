/// Punycode (RFC 3492), the encoding under IDNA A-labels: `hôpital` ↔ `hpital-3ya`.
///
/// Written here rather than taken from a package: it is forty lines of a frozen
/// algorithm, and the only IDNA step relance needs (see ``EmailAddress``).
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    /// The Punycode of `label`'s Unicode scalars (without the `xn--` prefix); nil only if
    /// the arithmetic would overflow, which no label of a real domain comes near.
    public static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map { Int($0.value) }
        var output: [UInt8] = input.filter { $0 < 0x80 }.map { UInt8($0) }
        let basic = output.count
        var handled = basic
        if basic > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < input.count {
            guard let m = input.filter({ $0 >= n }).min() else { return nil }
            let (step, o1) = (m - n).multipliedReportingOverflow(by: handled + 1)
            let (sum, o2) = delta.addingReportingOverflow(step)
            guard !o1, !o2 else { return nil }
            delta = sum
            n = m
            for c in input {
                if c < n { delta += 1 }
                guard c == n else { continue }
                var q = delta, k = base
                while true {
                    let t = threshold(k, bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, first: handled == basic)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Unicode label of a Punycode string (without `xn--`), or nil when it is not valid Punycode.
    public static func decode(_ text: String) -> String? {
        let chars = Array(text.utf8)
        guard text.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        var output: [Int] = []
        var position = 0
        if let dash = chars.lastIndex(of: UInt8(ascii: "-")) {
            output = chars[..<dash].map(Int.init)
            position = dash + 1
        }
        var n = initialN, i = 0, bias = initialBias
        while position < chars.count {
            let oldI = i
            var w = 1, k = base
            while true {
                guard position < chars.count, let d = value(chars[position]) else { return nil }
                position += 1
                let (dw, o1) = d.multipliedReportingOverflow(by: w)
                let (sum, o2) = i.addingReportingOverflow(dw)
                guard !o1, !o2 else { return nil }
                i = sum
                let t = threshold(k, bias)
                if d < t { break }
                let (nw, o3) = w.multipliedReportingOverflow(by: base - t)
                guard !o3 else { return nil }
                w = nw
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - oldI, count, first: oldI == 0)
            let (nn, o4) = n.addingReportingOverflow(i / count)
            guard !o4 else { return nil }
            n = nn
            i %= count
            guard n <= 0x10FFFF, !(0xD800...0xDFFF).contains(n) else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var scalars = String.UnicodeScalarView()
        for v in output {
            guard let s = Unicode.Scalar(UInt32(v)) else { return nil }
            scalars.append(s)
        }
        return String(scalars)
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    private static func adapt(_ delta: Int, _ points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ d: Int) -> UInt8 {
        d < 26 ? UInt8(ascii: "a") + UInt8(d) : UInt8(ascii: "0") + UInt8(d - 26)
    }

    private static func value(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(c - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(c - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0")) + 26
        default: nil
        }
    }
}
