/// A provincial communications administration that issues filing numbers (SPEC §2, part `P`).
public struct Bureau: Sendable, Hashable {
    /// Official one-character abbreviation, e.g. `京`.
    public var abbreviation: Character
    /// English province name, e.g. `Beijing`.
    public var province: String

    /// The 31 bureaus, in the order SPEC §2 lists them.
    public static let all: [Bureau] = [
        ("京", "Beijing"), ("津", "Tianjin"), ("冀", "Hebei"), ("晋", "Shanxi"), ("蒙", "Inner Mongolia"),
        ("辽", "Liaoning"), ("吉", "Jilin"), ("黑", "Heilongjiang"), ("沪", "Shanghai"), ("苏", "Jiangsu"),
        ("浙", "Zhejiang"), ("皖", "Anhui"), ("闽", "Fujian"), ("赣", "Jiangxi"), ("鲁", "Shandong"),
        ("豫", "Henan"), ("鄂", "Hubei"), ("湘", "Hunan"), ("粤", "Guangdong"), ("桂", "Guangxi"),
        ("琼", "Hainan"), ("渝", "Chongqing"), ("蜀", "Sichuan"), ("黔", "Guizhou"), ("滇", "Yunnan"),
        ("藏", "Tibet"), ("陕", "Shaanxi"), ("陇", "Gansu"), ("青", "Qinghai"), ("宁", "Ningxia"),
        ("新", "Xinjiang"),
    ].map { Bureau(abbreviation: $0.0, province: $0.1) }

    /// Older abbreviations still printed in real apps, mapped to the official one.
    public static let historicVariants: [Unicode.Scalar: Unicode.Scalar] = ["川": "蜀", "贵": "黔", "云": "滇", "甘": "陇"]

    private static let byScalar: [Unicode.Scalar: Bureau] = Dictionary(
        uniqueKeysWithValues: all.compactMap { bureau in bureau.abbreviation.unicodeScalars.first.map { ($0, bureau) } })

    /// The bureau an abbreviation names and whether it was a historic variant; nil when unknown.
    public static func named(_ scalar: Unicode.Scalar) -> (bureau: Bureau, historic: Bool)? {
        if let bureau = byScalar[scalar] { return (bureau, false) }
        if let official = historicVariants[scalar], let bureau = byScalar[official] { return (bureau, true) }
        return nil
    }
}
