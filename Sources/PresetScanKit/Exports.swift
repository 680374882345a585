// What embedders need alongside the pipeline: records, locations, filing numbers, the registry, policy, reporters.
@_exported import PresetScanApps
@_exported import PresetScanCore
@_exported import PresetScanFiling
@_exported import PresetScanRegistry
@_exported import PresetScanReport
@_exported import PresetScanPolicy
