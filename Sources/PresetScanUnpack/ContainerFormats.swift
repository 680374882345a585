import PresetScanCore

/// How each detected kind of content is opened: the one table the firmware walk consults, so a
/// new format is a folder, its signatures in `ContentDetector.signatures` and one case here,
/// never a branch in the walk (SPEC §6).
public enum ContainerFormats {
    /// What opening content gives.
    public enum Opened {
        /// Files to visit, each at `location!/path`.
        case container(any Container)
        /// Another encoding of the same image (a sparse image's expanded view): visited again at
        /// the same location, with what was noticed while opening it.
        case view(ByteSource, notes: [ContainerNote])
    }

    /// Opens `source`, detected as `kind`. ZIPs are not opened here: the walk first asks the app
    /// package readers whether a ZIP is an app, and only then walks it (`zip(_:context:)`).
    /// Returns nil for content with no container to open (`.unknown`, `.zip`).
    public static func open(_ kind: ContentKind, source: ByteSource, context: UnpackContext) throws -> Opened? {
        switch kind {
        case .sparse:
            let image = try Sparse.Image(source: source)
            return .view(try image.view(), notes: image.notes)
        case .ext4:
            return .container(try Ext4.Filesystem(source: source, limits: context.limits))
        case .superImage:
            return .container(try LP.Metadata(source: source))
        case .archive:
            return .container(ArchiveContainer(source: source, context: context))
        case .erofs:
            return .container(try EROFS.Filesystem(source: source, limits: context.limits, budget: context.budget))
        case .squashfs:
            return .container(try Squashfs.Image(source: source, limits: context.limits))
        case .payload:
            return .container(try Payload.File(source: source, context: context))
        case .pac:
            return .container(try PAC.Package(source: source, limits: context.limits))
        case .huaweiApp:
            return .container(try HuaweiApp.Package(source: source, limits: context.limits))
        case .rockchip:
            return .container(try RK.open(source: source))
        case .amlogic:
            return .container(try Aml.Image(source: source))
        case .f2fs:
            return .container(try F2FS.Filesystem(source: source, limits: context.limits, budget: context.budget))
        case .zip, .unknown:
            return nil
        }
    }

    /// A ZIP that is no app package: an OTA zip (payload.bin + metadata, or transfer lists) is read
    /// through its metadata and lists; any other ZIP entry by entry.
    public static func zip(_ archive: ZipArchive, context: UnpackContext) -> any Container {
        OTA.container(archive: archive, context: context) ?? ZipContainer(archive: archive, context: context)
    }
}
