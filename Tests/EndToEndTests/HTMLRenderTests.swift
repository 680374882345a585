import Foundation
import Testing

/// Where chromium and poppler's tools are, looked up once on `PATH`.
private enum Chromium {
    static let path: URL? = executable("chromium")

    static func executable(_ name: String) -> URL? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// The HTML report of `make demo`'s scan (sample firmware, side-loaded packages of four platforms,
/// sample registry and policy), written by the built binary in both languages and rendered by headless
/// Chromium: printed to PDF, a CJK font must be embedded (filing numbers and sponsors would print as
/// boxes otherwise), and the filter script must run under the page's Content-Security-Policy.
///
/// Needs the Debian packages chromium, fonts-noto-cjk and poppler-utils (pdffonts). Skipped only when
/// chromium is absent; a missing pdffonts or CJK font is a failure.
@Suite(.serialized, .enabled(if: Chromium.path != nil, "chromium is not installed: apt-get install chromium fonts-noto-cjk poppler-utils"))
struct HTMLRenderTests {
    static var chromium: URL? { Chromium.path }

    static func executable(_ name: String) -> URL? { Chromium.executable(name) }

    /// Runs a tool, its stdout read to the end, its stderr (Chromium's chatter) discarded.
    static func run(_ tool: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `make demo`'s scan, as HTML in `language`. `--lang` when the CLI has it, else the locale
    /// (SPEC §8: the default follows `LC_ALL`/`LANG`).
    static func report(_ language: String, firmware: URL, into dir: URL) throws -> URL {
        let html = dir.appendingPathComponent("report.\(language).html")
        var arguments = ["scan", firmware.appendingPathComponent("super.img").path, "Samples/apk/filing.apk", "Samples/hap/entry-signed.hap",
                         "Samples/ipa/hello.ipa", "Samples/rpk/signed.rpk", "--registry", "Samples/registry/filings.csv",
                         "--policy", "Samples/policy/policy.yaml", "--today", "2026-11-29", "--no-progress", "--quiet",
                         "--report", "html=\(html.path)"]
        if try CLI.run(["scan", "--help"]).stdout.contains("--lang") { arguments += ["--lang", language] }
        let locale = language == "zh-CN" ? "zh_CN.UTF-8" : "C.UTF-8"
        let result = try CLI.run(arguments, environment: ["LC_ALL": locale, "LANG": locale])
        #expect(result.status == 1, "the demo scan fails on its unfiled app: \(result.stderr)")
        return html
    }

    @Test(arguments: ["zh-CN", "en"])
    func printsWithACJKFontAndRunsItsScript(_ language: String) throws {
        let chromium = try #require(Self.chromium)
        let firmware = try #require(ListTests.firmware, "Samples/make-firmware.sh failed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-htmlrender-\(getpid())-\(language)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let html = try Self.report(language, firmware: firmware, into: dir)
        let page = try String(contentsOf: html, encoding: .utf8)
        if try CLI.run(["scan", "--help"]).stdout.contains("--lang") {
            #expect(page.contains("<html lang=\"\(language)\">"))
            #expect(page.contains(language == "zh-CN" ? "未备案" : "unfiled"))
        }
        // The demo's sponsors and filing numbers are Chinese in either language.
        #expect(page.contains("示例科技（北京）有限公司"))

        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(dir.appendingPathComponent("profile").path)"]
        let pdf = dir.appendingPathComponent("report.pdf")
        let printed = try Self.run(chromium, flags + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", html.absoluteString])
        #expect(printed.status == 0, "chromium --print-to-pdf failed")
        let bytes = (try? Data(contentsOf: pdf)) ?? Data()
        #expect(bytes.starts(with: Array("%PDF".utf8)), "no PDF written")

        // Every font embedded (pdffonts: name, type, encoding, emb, sub, uni, object ID) …
        let pdffonts = try #require(Self.executable("pdffonts"), "pdffonts is not installed: apt-get install poppler-utils")
        let fonts = try Self.run(pdffonts, [pdf.path])
        #expect(fonts.status == 0)
        let rows = fonts.stdout.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.count >= 7 && $0[$0.count - 5] == "yes" }, "a font is not embedded:\n\(fonts.stdout)")
        // … and one of them a CJK face. Skia embeds OpenType/CFF faces such as Noto Sans CJK as Type 3
        // fonts, which pdffonts lists as "[none]"; their font descriptors still carry the face's name.
        let names = Set(String(decoding: bytes, as: UTF8.self).matches(of: /\/FontName \/[A-Z]{6}\+([A-Za-z0-9_-]+)/).map { String($0.1) })
        let cjk = names.filter { name in ["CJK", "YaHei", "PingFang", "Hiragino", "SourceHan", "WenQuanYi"].contains { name.contains($0) } }
        #expect(!cjk.isEmpty, "no CJK font embedded in the \(language) PDF, only \(names.sorted()):\n\(fonts.stdout)")

        // The filter script runs under the page's CSP: it un-hides the controls and fills the count.
        let dom = try Self.run(chromium, flags + ["--dump-dom", html.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.stdout.contains("<div id=\"filters\" class=\"filters\" role=\"search\" data-shown="), "the filter script did not run")
        #expect(dom.stdout.range(of: #"<output id="filter-count" aria-live="polite">[^<]+</output>"#, options: .regularExpression) != nil)
    }
}
