import Testing

@testable import PresetScanFiling

/// `isCanonicalAppFiling` is the registry import's fast path: whenever it says yes, `parse` must
/// agree that the text is a problem-free app filing whose canonical form is the text itself.
struct CanonicalFastPathTests {
    struct Rng {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let seeds = ["京ICP备2023012345号-1A", "陕ICP备2024026116号-1A", "苏ICP备2026036865号-12X",
                        "粤ICP备12345678号-999K", "川ICP备2019000001号-3A", "京ICP备2023012345号"]
    static let alphabet = Array("0123456789AXKaxk-－号备ICPicp 京川蜀粤证B2公网安").map(String.init)

    @Test func fastPathNeverDisagreesWithParse() {
        var rng = Rng(state: 2026)
        var checked = 0, fast = 0
        for seed in Self.seeds {
            for _ in 0..<4000 {
                var chars = Array(seed).map(String.init)
                for _ in 0..<(1 + rng.next(2)) {
                    let i = rng.next(chars.count + 1)
                    switch rng.next(3) {
                    case 0 where i < chars.count: chars[i] = Self.alphabet[rng.next(Self.alphabet.count)]
                    case 1 where i < chars.count: chars.remove(at: i)
                    default: chars.insert(Self.alphabet[rng.next(Self.alphabet.count)], at: i)
                    }
                }
                let text = chars.joined()
                checked += 1
                guard FilingNumber.isCanonicalAppFiling(text, currentYear: 2026) else { continue }
                fast += 1
                let parsed = FilingNumber.parse(text, currentYear: 2026)
                #expect(parsed?.kind == .app && parsed?.problems.isEmpty == true && parsed?.canonical == text,
                        "fast path accepted \(text)")
            }
            #expect(FilingNumber.isCanonicalAppFiling(seed, currentYear: 2026)
                    == (FilingNumber.parse(seed, currentYear: 2026).map { $0.problems.isEmpty && $0.kind == .app && $0.canonical == seed } ?? false))
        }
        #expect(checked == 24000)
        #expect(fast > 0)
    }
}
