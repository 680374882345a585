import PresetScanCore

/// ResTable_config (ResourceTypes.h): the qualifiers (locale, density, sdk, night mode ...) of one ResTable_type.
///
/// Kept as the raw bytes, zero-padded to the current structure size, so a config written by an
/// older or newer tool (shorter or longer `size`) reads the same way the platform copies it.
struct ResTableConfig: Sendable, Hashable {
    /// sizeof(ResTable_config) in current AOSP.
    static let byteCount = 64

    let declaredSize: UInt32
    private let raw: [UInt8]

    /// Reads a config from `reader`, which holds at most the bytes available for it.
    init(_ reader: ByteReader) throws {
        var sizeReader = reader
        sizeReader.structure = "ResTable_config"
        let size = try sizeReader.u32le()
        declaredSize = size
        let available = reader.end - reader.start
        let take = min(Int(size), available, Self.byteCount)
        var raw = [UInt8](repeating: 0, count: Self.byteCount)
        if take > 0 {
            var copy = reader
            let bytes = try copy.bytes(take)
            raw.replaceSubrange(0..<take, with: bytes)
        }
        self.raw = raw
    }

    /// The all-default config, for tests and empty tables.
    init(raw: [UInt8] = []) {
        var padded = [UInt8](repeating: 0, count: Self.byteCount)
        for (index, byte) in raw.prefix(Self.byteCount).enumerated() { padded[index] = byte }
        self.raw = padded
        declaredSize = UInt32(Self.byteCount)
    }

    private func u8(_ offset: Int) -> UInt8 { raw[offset] }
    private func u16(_ offset: Int) -> UInt16 { UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8 }

    var mcc: UInt16 { u16(4) }
    var mnc: UInt16 { u16(6) }
    var orientation: UInt8 { u8(12) }
    var touchscreen: UInt8 { u8(13) }
    var density: UInt16 { u16(14) }
    var keyboard: UInt8 { u8(16) }
    var navigation: UInt8 { u8(17) }
    var inputFlags: UInt8 { u8(18) }
    var grammaticalInflection: UInt8 { u8(19) }
    var screenWidth: UInt16 { u16(20) }
    var screenHeight: UInt16 { u16(22) }
    var sdkVersion: UInt16 { u16(24) }
    var minorVersion: UInt16 { u16(26) }
    var screenLayout: UInt8 { u8(28) }
    var uiMode: UInt8 { u8(29) }
    var smallestScreenWidthDp: UInt16 { u16(30) }
    var screenWidthDp: UInt16 { u16(32) }
    var screenHeightDp: UInt16 { u16(34) }
    var screenLayout2: UInt8 { u8(48) }
    var colorMode: UInt8 { u8(49) }

    var hasLocale: Bool { raw[8] != 0 || raw[10] != 0 || raw[36] != 0 || raw[40] != 0 }

    /// True when no qualifier but the locale is set: the most generic config for its locale.
    var hasOnlyLocaleQualifiers: Bool {
        for index in 4..<Self.byteCount {
            switch index {
            case 8..<12, 36..<48: continue
            default: if raw[index] != 0 { return false }
            }
        }
        return true
    }

    /// BCP-47 style key, `language[-Script][-REGION][-variant]`, or nil for the default locale.
    var localeKey: String? {
        guard raw[8] != 0 else { return nil }
        var key = Self.unpack(raw[8], raw[9], base: UInt8(ascii: "a"))
        if raw[36] != 0 {
            key += "-" + String(decoding: raw[36..<40].prefix { $0 != 0 }, as: UTF8.self)
        }
        if raw[10] != 0 {
            key += "-" + Self.unpack(raw[10], raw[11], base: UInt8(ascii: "0"))
        }
        if raw[40] != 0 {
            key += "-" + String(decoding: raw[40..<48].prefix { $0 != 0 }, as: UTF8.self)
        }
        return key
    }

    /// Two ASCII letters, or (high bit of the first byte set) three 5-bit letters packed as
    /// ResTable_config::packLanguageOrRegion does: languages from 'a', regions from '0'.
    private static func unpack(_ first: UInt8, _ second: UInt8, base: UInt8) -> String {
        guard first & 0x80 != 0 else {
            let letters = second == 0 ? [first] : [first, second]
            return String(decoding: letters, as: UTF8.self)
        }
        let one = second & 0x1F
        let two = ((second & 0xE0) >> 5) | ((first & 0x03) << 3)
        let three = (first & 0x7C) >> 2
        return String(decoding: [base &+ one, base &+ two, base &+ three], as: UTF8.self)
    }

    // MARK: Selection as aapt does it

    /// The device aapt dump badging pretends to be (Command.cpp): portrait, mdpi, sdk 10000,
    /// 320x480 dp, normal screen; every other qualifier unset.
    enum AaptDevice {
        static let orientation: UInt8 = 1
        static let density: Int = 160
        static let sdkVersion: UInt16 = 10000
        static let screenWidthDp: UInt16 = 320
        static let screenHeightDp: UInt16 = 480
        static let smallestScreenWidthDp: UInt16 = 320
        static let screenSize: UInt8 = 2
    }

    /// ResTable_config::match for every field but the locale, against aapt's device.
    var matchesAaptDevice: Bool {
        if mcc != 0 || mnc != 0 || grammaticalInflection != 0 { return false }
        if screenLayout & 0xC0 != 0 || screenLayout & 0x30 != 0 { return false }
        if screenLayout & 0x0F != 0, screenLayout & 0x0F > AaptDevice.screenSize { return false }
        if screenLayout2 & 0x03 != 0 || colorMode != 0 { return false }
        if uiMode != 0 { return false }
        if smallestScreenWidthDp != 0, smallestScreenWidthDp > AaptDevice.smallestScreenWidthDp { return false }
        if screenWidthDp != 0, screenWidthDp > AaptDevice.screenWidthDp { return false }
        if screenHeightDp != 0, screenHeightDp > AaptDevice.screenHeightDp { return false }
        if orientation != 0, orientation != AaptDevice.orientation { return false }
        if touchscreen != 0 || keyboard != 0 || navigation != 0 || inputFlags != 0 { return false }
        if screenWidth != 0 || screenHeight != 0 { return false }
        if sdkVersion != 0, sdkVersion > AaptDevice.sdkVersion { return false }
        if minorVersion != 0 { return false }
        return true
    }

    /// ResTable_config::isBetterThan for two configs of the same locale that both match aapt's device.
    func isBetter(than other: ResTableConfig) -> Bool {
        if smallestScreenWidthDp != other.smallestScreenWidthDp {
            return smallestScreenWidthDp > other.smallestScreenWidthDp
        }
        if screenWidthDp != other.screenWidthDp || screenHeightDp != other.screenHeightDp {
            func delta(_ config: ResTableConfig) -> Int {
                Int(AaptDevice.screenWidthDp) - Int(config.screenWidthDp) + Int(AaptDevice.screenHeightDp)
                    - Int(config.screenHeightDp)
            }
            if delta(self) != delta(other) { return delta(self) < delta(other) }
        }
        let mySize = screenLayout & 0x0F
        let otherSize = other.screenLayout & 0x0F
        if mySize != otherSize {
            // Unset counts as normal when the device is at least normal.
            let fixedMine = mySize == 0 ? AaptDevice.screenSize : mySize
            let fixedOther = otherSize == 0 ? AaptDevice.screenSize : otherSize
            if fixedMine == fixedOther { return mySize != 0 }
            return fixedMine > fixedOther
        }
        if orientation != other.orientation { return orientation != 0 }
        if density != other.density { return isDensityBetter(than: other) }
        if sdkVersion != other.sdkVersion { return sdkVersion > other.sdkVersion }
        return false
    }

    private func isDensityBetter(than other: ResTableConfig) -> Bool {
        let any = 0xFFFE
        let mine = density == 0 ? AaptDevice.density : Int(density)
        let theirs = other.density == 0 ? AaptDevice.density : Int(other.density)
        if mine == any { return true }
        if theirs == any { return false }
        let requested = AaptDevice.density
        var high = mine
        var low = theirs
        var mineIsHigher = true
        if low > high {
            swap(&high, &low)
            mineIsHigher = false
        }
        if requested >= high { return mineIsHigher }
        if low >= requested { return !mineIsHigher }
        // Scaling down is taken as twice as good as scaling up.
        return (2 * low - requested) * high > requested * requested ? !mineIsHigher : mineIsHigher
    }
}
