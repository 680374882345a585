/// The `scan` report formats, by `--format` name (SPEC §5).
public enum ScanFormat: String, CaseIterable, Sendable {
    case table, json, sarif, junit, csv, html, cyclonedx

    public func reporter(_ options: ScanRenderOptions = ScanRenderOptions()) -> any ScanReporter {
        switch self {
        case .table: TableScanReporter(options: options)
        case .json: JSONScanReporter(options: options)
        case .sarif: SARIFScanReporter(options: options)
        case .junit: JUnitScanReporter(options: options)
        case .csv: CSVScanReporter(options: options)
        case .html: HTMLScanReporter(options: options)
        case .cyclonedx: CycloneDXScanReporter(options: options)
        }
    }
}
