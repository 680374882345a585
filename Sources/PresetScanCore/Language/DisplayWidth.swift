/// Terminal columns a text takes: East Asian wide and full-width characters take two (UAX #11),
/// combining marks and zero-width characters none, everything else one. Tables that line up
/// Chinese headers and labels pad by this, not by `count`.
extension String {
    public var displayWidth: Int {
        unicodeScalars.reduce(0) { $0 + Self.columns($1) }
    }

    /// The text padded with spaces to `width` terminal columns (unchanged when already as wide).
    public func padded(toWidth width: Int) -> String {
        let have = displayWidth
        return have >= width ? self : self + String(repeating: " ", count: width - have)
    }

    public static func columns(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F, 0x20D0...0x20FF: 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            2
        default: 1
        }
    }
}
