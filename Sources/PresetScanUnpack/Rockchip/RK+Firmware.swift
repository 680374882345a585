import PresetScanCore

extension RK {
    /// The package at `source`, RKFW or a bare RKAF, by its magic.
    public static func open(source: ByteSource) throws -> any Container {
        guard source.size >= 4 else { throw ContainerError("rockchip.truncated", "Rockchip package truncated: \(source.size) bytes") }
        let magic = try source.read(at: 0, count: 4)
        if magic == FirmwareHeader.magic { return try Firmware(source: source) }
        return try Update(source: source)
    }

    /// An RKFW firmware file (`rkunpack.c`, `unpack_rkfw`): the loader (`BOOT`) and the embedded RKAF
    /// `update.img`, each visited as a view of the file (entries `BOOT` and `RKAF`).
    public final class Firmware: Container, @unchecked Sendable {
        public let source: ByteSource
        public let header: FirmwareHeader

        public init(source: ByteSource) throws {
            self.source = source
            let n = Int(min(source.size, 0x66))
            guard n >= FirmwareHeader.minimumSize else {
                throw ContainerError("rockchip.truncated", "RKFW header truncated: \(source.size) bytes")
            }
            var r = ByteReader(try source.read(at: 0, count: n), structure: "RKFW header")
            header = try FirmwareHeader.parse(&r)
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            let parts: [(name: String, offset: UInt32, length: UInt32, magic: [UInt8])] = [
                ("BOOT", header.loaderOffset, header.loaderLength, Array("BOOT".utf8)),
                ("RKAF", header.imageOffset, header.imageLength, UpdateHeader.magic),
            ]
            let (loader, image) = (parts[0], parts[1])
            if UInt64(loader.offset) < UInt64(image.offset) + UInt64(image.length),
               UInt64(image.offset) < UInt64(loader.offset) + UInt64(loader.length) {
                note(ContainerNote(.warning, "rockchip.item-overlap", "the RKFW loader and the embedded RKAF image share bytes"))
            }
            for part in parts {
                let offset = UInt64(part.offset)
                var length = UInt64(part.length)
                guard offset < source.size else {
                    note(ContainerNote(.error, "rockchip.item-out-of-range",
                        "RKFW \(part.name) at \(offset) (\(length) bytes) lies past the end of the \(source.size)-byte file", path: part.name))
                    continue
                }
                if length > source.size - offset {
                    // A truncated download still holds the items before the cut: read what is there.
                    note(ContainerNote(.error, "rockchip.truncated",
                        "RKFW \(part.name) at \(offset) needs \(length) bytes, the file ends after \(source.size - offset); the rest is read",
                        path: part.name))
                    length = source.size - offset
                }
                let view = try source.slice(offset: offset, length: length)
                if length >= 4, try view.read(at: 0, count: 4) != part.magic {
                    note(ContainerNote(.warning, "rockchip.bad-magic",
                        "RKFW \(part.name) at \(offset) does not start with \(String(decoding: part.magic, as: UTF8.self))", path: part.name))
                }
                try visit(ContainerEntry(path: part.name, size: length, source: view))
            }
        }
    }
}
