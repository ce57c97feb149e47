import PropertyBased

/// Random Unicode text that often holds what breaks mail and SMS: CR, LF, NUL, quotes,
/// `=`, `?`, separators, combining marks, emoji, line and paragraph separators.
///
/// swift-property-based draws a length and a seed per case; the scalars come from the seed
/// (SplitMix64), which is ten times cheaper in a debug build than one generator per scalar and
/// as reproducible.
public enum RandomText {
    public static let troublemakers: [Unicode.Scalar] = [
        "\r", "\n", "\0", "\t", " ", "\"", "\\", "=", "?", "_", "@", "<", ">", ",", ";", ":", "|", ".", "+", "0",
        "é", "€", "’", "«", "\u{A0}", "\u{2028}", "\u{2029}", "\u{7F}", "\u{85}", "😀", "\u{FEFF}", "\u{0301}", "ß", "\u{1F1EB}",
    ]

    /// One scalar from 64 random bits: 40 % ASCII (controls included), 20 % a troublemaker, 40 % anywhere in Unicode.
    public static func scalar(_ r: UInt64) -> Unicode.Scalar {
        let v = UInt32(truncatingIfNeeded: r >> 8)
        switch r % 10 {
        case 0...3: return Unicode.Scalar(UInt8(v % 128))
        case 4...5: return troublemakers[Int(v % UInt32(troublemakers.count))]
        default: return Unicode.Scalar(v % 0x110000) ?? "\u{FFFD}"  // surrogates have no scalar
        }
    }

    public static func string(of length: ClosedRange<Int>) -> Generator<String, some SendableSequenceType> {
        zip(Gen.int(in: length), Gen<UInt64>.value(in: 0...UInt64.max)).map { count, seed in
            var state = seed
            var view = String.UnicodeScalarView()
            for _ in 0..<count {
                state &+= 0x9E37_79B9_7F4A_7C15  // SplitMix64
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                view.append(scalar(z ^ (z >> 31)))
            }
            return String(view)
        }
    }
}
