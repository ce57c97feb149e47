/// A small, fast, seedable pseudo-random generator (Steele, Lea & Flood's SplitMix64).
///
/// The demo data must be identical for a given seed on every run and every
/// platform, so the generator and the helpers below use only integer
/// arithmetic and exactly-specified conversions, never the standard library's
/// unspecified `random(in:using:)` algorithms.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `range` (multiply-high; the bias is far below anything visible).
    mutating func int(_ range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "empty range")
        let width = UInt64(range.upperBound - range.lowerBound)
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { int(range.lowerBound..<(range.upperBound + 1)) }

    /// A uniform double in [lower, upper).
    mutating func double(_ lower: Double, _ upper: Double) -> Double { lower + (upper - lower) * unit() }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    /// An index chosen with probability proportional to its weight.
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// One of `choices`, with probability proportional to its weight.
    mutating func weighted<T>(_ choices: [(T, Double)]) -> T {
        choices[weightedIndex(choices.map(\.1))].0
    }

    /// A Fisher–Yates shuffle of `items`.
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var a = items
        guard a.count > 1 else { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, int(0...i))
        }
        return a
    }

    /// A duration (seconds) spread evenly on a log scale between `lower` and `upper`:
    /// as many answers within minutes as within hours or days.
    mutating func logUniform(_ lower: Int, _ upper: Int) -> Int {
        // Log scale without libm (whose last bits vary by platform): interpolate the exponent in base 2.
        let a = Self.log2(Double(max(lower, 1))), b = Self.log2(Double(max(upper, lower + 1)))
        return min(max(Int(Self.exp2(double(a, b))), lower), max(upper, lower))
    }

    private static func log2(_ x: Double) -> Double {
        // x = m·2^e with m in [1, 2); log2(m) by a few steps of squaring (exact enough, deterministic).
        var e = 0.0, m = x
        while m >= 2 { m /= 2; e += 1 }
        while m < 1 { m *= 2; e -= 1 }
        var frac = 0.0, bit = 0.5
        for _ in 0..<30 {
            m *= m
            if m >= 2 { m /= 2; frac += bit }
            bit /= 2
        }
        return e + frac
    }

    private static func exp2(_ y: Double) -> Double {
        let whole = y.rounded(.down)
        var result = 1.0, term = 1.0
        let f = (y - whole) * 0.693_147_180_559_945_3   // ln 2
        for k in 1..<25 {
            term *= f / Double(k)
            result += term
        }
        var p = 1.0
        for _ in 0..<Int(whole) { p *= 2 }
        return result * p
    }
}
