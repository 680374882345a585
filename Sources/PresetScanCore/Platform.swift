/// The platform an app is built for and filed under (SPEC §3 `platform`, §7).
public enum Platform: String, Sendable, Codable, CaseIterable, Comparable {
    case android, ios, harmony, quickapp, miniprogram

    public static func < (a: Platform, b: Platform) -> Bool { a.rawValue < b.rawValue }
}
