extension ResTableConfig {
    /// The ResTable_config bytes of an aapt2 `Configuration` (Configuration.proto), as aapt2's
    /// DeserializeConfigFromPb fills them, without the locale: the proto carries it as a BCP-47
    /// tag, which `AAB.ResourceTable` compares as text. What aapt's device selection looks at
    /// (`matchesAaptDevice`, `isBetter`, `hasOnlyLocaleQualifiers`) then reads the same fields.
    init(aapt config: Aapt_Pb_Configuration) {
        var raw = [UInt8](repeating: 0, count: ResTableConfig.byteCount)
        func put16(_ value: UInt32, at offset: Int) {
            let v = UInt16(truncatingIfNeeded: min(value, 0xFFFF))
            raw[offset] = UInt8(v & 0xFF)
            raw[offset + 1] = UInt8(v >> 8)
        }
        func put8(_ value: Int, at offset: Int) { raw[offset] = UInt8(truncatingIfNeeded: max(0, min(value, 0xFF))) }
        raw[0] = UInt8(ResTableConfig.byteCount)
        put16(config.mcc, at: 4)
        put16(config.mnc, at: 6)
        put8(config.orientation.rawValue, at: 12)
        put8(config.touchscreen.rawValue, at: 13)
        put16(config.density, at: 14)
        put8(config.keyboard.rawValue, at: 16)
        put8(config.navigation.rawValue, at: 17)
        // inputFlags: KEYSHIDDEN in bits 0-1, NAVHIDDEN (1 exposed, 2 hidden) in bits 2-3.
        put8((config.keysHidden.rawValue & 0x3) | (config.navHidden.rawValue & 0x3) << 2, at: 18)
        put8(Int(min(config.grammaticalInflection, 3)), at: 19)
        put16(config.screenWidth, at: 20)
        put16(config.screenHeight, at: 22)
        put16(config.sdkVersion, at: 24)
        // screenLayout: size in bits 0-3, long (1 no, 2 yes) in bits 4-5, direction (1 LTR, 2 RTL) in bits 6-7.
        let long: Int = switch config.screenLayoutLong {
        case .long: 2
        case .notlong: 1
        default: 0
        }
        put8((config.screenLayoutSize.rawValue & 0xF) | long << 4 | (config.layoutDirection.rawValue & 0x3) << 6, at: 28)
        // uiMode: type in bits 0-3, night (1 no, 2 yes) in bits 4-5.
        let night: Int = switch config.uiModeNight {
        case .night: 2
        case .notnight: 1
        default: 0
        }
        put8((config.uiModeType.rawValue & 0xF) | night << 4, at: 29)
        put16(config.smallestScreenWidthDp, at: 30)
        put16(config.screenWidthDp, at: 32)
        put16(config.screenHeightDp, at: 34)
        // screenLayout2: round (1 no, 2 yes) in bits 0-1.
        let round: Int = switch config.screenRound {
        case .round: 2
        case .notround: 1
        default: 0
        }
        put8(round, at: 48)
        // colorMode: wide gamut (1 no, 2 yes) in bits 0-1, HDR (1 no, 2 yes) in bits 2-3.
        let gamut: Int = switch config.wideColorGamut {
        case .widecg: 2
        case .nowidecg: 1
        default: 0
        }
        let hdr: Int = switch config.hdr {
        case .highdr: 2
        case .lowdr: 1
        default: 0
        }
        put8(gamut | hdr << 2, at: 49)
        self.init(raw: raw)
    }
}
