import PropertyBased

/// Random Unicode text that often holds what breaks mail and SMS: CR, LF, NUL, quotes,
/// `=`, `?`, separators, combining marks, emoji, line and paragraph separators.
enum RandomText {
    static let troublemakers: [Unicode.Scalar] = [
        "\r", "\n", "\0", "\t", " ", "\"", "\\", "=", "?", "_", "@", "<", ">", ",", ";", ":", "|", ".", "+", "0",
        "é", "€", "’", "«", "\u{A0}", "\u{2028}", "\u{2029}", "\u{7F}", "\u{85}", "😀", "\u{FEFF}", "\u{0301}", "ß", "\u{1F1EB}",
    ]

    /// One scalar: 40 % ASCII (controls included), 20 % a troublemaker, 40 % anywhere in Unicode.
    static var scalar: Generator<Unicode.Scalar, some SendableSequenceType> {
        zip(Gen.int(in: 0...9), Gen<UInt32>.value(in: 0...0x10FFFF)).map { pick, v -> Unicode.Scalar in
            switch pick {
            case 0...3: Unicode.Scalar(UInt8(v % 128))
            case 4...5: troublemakers[Int(v % UInt32(troublemakers.count))]
            default: Unicode.Scalar(v) ?? "\u{FFFD}"  // surrogates have no scalar
            }
        }
    }

    static func string(of length: ClosedRange<Int>) -> Generator<String, some SendableSequenceType> {
        scalar.array(of: length).map { scalars in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
    }
}
