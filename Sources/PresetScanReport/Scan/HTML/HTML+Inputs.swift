import PresetScanCore

/// The inputs as they were scanned (`--hash-inputs`): beside the registry and policy, the third
/// thing a verdict rests on. Absent unless asked for, so reports without it are unchanged.
extension HTMLScanReporter {
    func inputs(_ report: ScanReport) -> String {
        guard let inputs = report.inputHashes else { return "" }
        // Across both columns: a SHA-256 needs the width.
        var out = "<div class=\"facts-box inputs\" style=\"grid-column: 1 / -1\">\n<h3>\(t(.evidenceHTMLInputs))</h3>\n<dl class=\"facts\">\n"
        for input in inputs {
            switch input.kind {
            case .file:
                out += fact(.evidenceHTMLFile, "<code>\(Self.path(input.path))</code>")
                out += fact(.evidenceHTMLSize, t(.evidenceHTMLBytes, String(input.size)))
                out += fact(.evidenceHTMLSHA256, "<code class=\"hash\">\(Self.escape(input.sha256))</code>")
            case .folder:
                out += fact(.evidenceHTMLFolder, "<code>\(Self.path(input.path))</code>")
                out += fact(.evidenceHTMLSize, t(.evidenceHTMLFolderSize, String(input.files ?? 0), String(input.size)))
                out += fact(.evidenceHTMLManifestSHA256, "<code class=\"hash\">\(Self.escape(input.sha256))</code>")
            }
        }
        out += "</dl>\n"
        if inputs.contains(where: { $0.kind == .folder }) { out += "<p class=\"minor\">\(t(.evidenceHTMLManifestNote))</p>\n" }
        return out + "</div>\n"
    }
}
