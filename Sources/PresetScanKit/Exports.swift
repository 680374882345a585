// What embedders need alongside the pipeline: records, locations, reporters.
@_exported import PresetScanApps
@_exported import PresetScanCore
@_exported import PresetScanReport
