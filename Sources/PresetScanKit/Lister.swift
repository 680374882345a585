import Dispatch
import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanCrypto
import PresetScanReport
import PresetScanUnpack

/// Finds every app package inside firmware inputs (archives, sparse images, ext4, super.img,
/// folders), nested to any depth, and reads each one in place.
///
/// The library entry point behind `presetscan list`; it never prints and never exits.
public struct Lister: Sendable {
    public var limits: Limits
    /// Whether packages are searched for filing numbers (`list` does not report them).
    public var searchFilingNumbers = true
    /// Whether APK signatures are verified (every byte of each APK is read); `list` reports no
    /// verification and turns it off, `scan` needs it (PS011).
    public var verifySignatures = true
    /// Unpacking limits; `maxTotalBytes` nil means 4× the input size, at least 8 GiB.
    public var maxDepth: Int
    public var maxTotalBytes: UInt64?
    public var unpackLimits: UnpackLimits
    /// Packages read at once; defaults to the core count.
    public var jobs: Int
    /// Compute the SHA-256 of every package found.
    public var hash: Bool
    /// Called as packages are read: (done, total).
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(limits: Limits = .default, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.limits = limits
        self.maxDepth = limits.maxDepth
        self.maxTotalBytes = nil
        self.unpackLimits = UnpackLimits()
        self.jobs = max(1, jobs)
        self.hash = false
        self.progress = nil
    }

    /// The outcome of a run: the report, which inputs could not be used at all, and I/O figures.
    public struct Result: Sendable {
        public var report: ListReport
        /// Inputs that do not exist or cannot be opened (exit 2).
        public var unusableInputs: [String]
        /// Bytes read from the input files (not from temporary spill files).
        public var bytesRead: UInt64
        /// Total size of the input files.
        public var inputBytes: UInt64
    }


    public func list(inputs: [String]) -> Result {
        let counter = ReadCounter()
        var diagnostics: [Diagnostic] = []
        var unusable: [String] = []
        var inputBytes: UInt64 = 0
        var roots: [(ByteSource?, folder: String?, Location)] = []
        for path in inputs {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                roots.append((nil, path, Location(path: path)))
                continue
            }
            do {
                let file = try FileByteSource(path: path)
                inputBytes += file.size
                roots.append((CountingByteSource(file, counter: counter), nil, Location(path: path)))
            } catch {
                unusable.append(path)
                diagnostics.append(Diagnostic(.error, "input.unreadable", "\(error)", location: Location(path: path)))
            }
        }
        var unpack = unpackLimits
        unpack.maxDepth = maxDepth
        unpack.maxTotalBytes = maxTotalBytes ?? UnpackLimits.defaultTotalBytes(inputBytes: inputBytes)
        let temporary: TemporaryFolder
        do { temporary = try TemporaryFolder() } catch {
            diagnostics.append(Diagnostic(.error, "input.no-temporary-folder", "\(error)"))
            return Result(report: ListReport(packages: [], diagnostics: diagnostics), unusableInputs: inputs,
                          bytesRead: 0, inputBytes: inputBytes)
        }
        let walker = Walker(context: UnpackContext(limits: unpack, temporary: temporary), apkLimits: limits)
        roots = joinSparseSets(roots, walker: walker)
        for (source, folder, location) in roots {
            if let folder {
                walker.walkFolder(folder, location: location)
            } else if let source {
                walker.visit(source, location, depth: 0, name: location.parts.last ?? "")
            }
        }
        let packages = readPackages(walker.found)
        diagnostics += walker.notes
        diagnostics.sort { ($0.location?.description ?? "", $0.code, $0.message) < ($1.location?.description ?? "", $1.code, $1.message) }
        withExtendedLifetime(temporary) {}
        return Result(report: ListReport(packages: packages, diagnostics: diagnostics), unusableInputs: unusable,
                      bytesRead: counter.bytesRead, inputBytes: inputBytes)
    }

    /// Sparse inputs with the same geometry whose chunks do not overlap are the pieces of one split
    /// image (as `simg2img a b c` joins them); they are read as one.
    private func joinSparseSets(_ roots: [(ByteSource?, folder: String?, Location)], walker: Walker)
        -> [(ByteSource?, folder: String?, Location)]
    {
        var images: [Int: Sparse.Image] = [:]
        for (i, root) in roots.enumerated() {
            if let s = root.0, ContentDetector.detect(s) == .sparse, let image = try? Sparse.Image(source: s), image.notes.isEmpty {
                images[i] = image
            }
        }
        var groups: [String: [Int]] = [:]
        for (i, image) in images { groups["\(image.header.blockSize)x\(image.header.totalBlocks)", default: []].append(i) }
        var out = roots
        var drop: Set<Int> = []
        for (_, members) in groups where members.count > 1 {
            let sorted = members.sorted()
            guard let view = try? Sparse.Image.joined(sorted.compactMap { images[$0] }) else { continue }
            let location = Location(path: sorted.map { roots[$0].2.description }.joined(separator: "+"))
            out[sorted[0]] = (view, nil, location)
            drop.formUnion(sorted.dropFirst())
        }
        return out.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    /// Reads every package found, in parallel, and returns them in location order.
    private func readPackages(_ found: [(ByteSource, Location)]) -> [ListReport.Package] {
        let options = PackageReadOptions(
            limits: limits, searchFilingNumbers: searchFilingNumbers, verifySignatures: verifySignatures)
        let packages = parallelMap(found, jobs: jobs, completed: { progress?($0, found.count) }) { source, location in
            let record = PackageReaders.read(source: source, location: location, name: location.parts.last ?? "", options: options)
            var package = ListReport.Package(record: record)
            if hash { package.sha256 = (try? Digest.sha256(of: source))?.hexString }
            return package
        }
        return packages.sorted { $0.record.location < $1.record.location }
    }
}

/// The depth-first walk through containers; collects packages and notes (single-threaded).
final class Walker {
    let context: UnpackContext
    let apkLimits: Limits
    var found: [(ByteSource, Location)] = []
    var notes: [Diagnostic] = []

    init(context: UnpackContext, apkLimits: Limits) {
        self.context = context
        self.apkLimits = apkLimits
    }

    private func note(_ severity: Diagnostic.Severity, _ code: String, _ message: String, _ location: Location) {
        notes.append(Diagnostic(severity, code, message, location: location))
    }

    private func namesPackage(_ name: String) -> Bool {
        PackageReaders.namesPackage(name)
    }

    func walkFolder(_ path: String, location: Location) {
        let folder = FolderContainer(root: path, limits: context.limits)
        walk(folder, depth: 0) { Location(path: path + "/" + $0) }
    }

    /// Opens `container` and visits its files; `child` makes an entry's location from its path.
    private func walk(_ container: Container, depth: Int, child: (String) -> Location) {
        // Files per folder of the form `…/app/X/` or `…/priv-app/X/`, and the one not read as a package.
        var appFolders: [String: (files: Int, unread: Location?)] = [:]
        defer {
            for (_, folder) in appFolders.sorted(by: { $0.key < $1.key }) where folder.files == 1 {
                if let location = folder.unread {
                    note(.error, "package.unreadable", "the only file of an app folder, but its content is not an app package", location)
                }
            }
        }
        func appFolder(_ path: String) -> String? {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[parts.count - 3] == "app" || parts[parts.count - 3] == "priv-app" else { return nil }
            return parts.dropLast().joined(separator: "/")
        }
        do {
            try container.forEachFile({ n in
                notes.append(Diagnostic(n.diagnostic.severity, n.diagnostic.code, n.diagnostic.message,
                                        location: n.path.map(child) ?? child("").parentFallback))
            }) { entry in
                let location = child(entry.path)
                let name = entry.path.split(separator: "/").last.map(String.init) ?? entry.path
                let folder = appFolder(entry.path)
                let before = (found.count, notes.count)
                defer {
                    if let folder {
                        let unread = found.count == before.0 && notes.count == before.1 && !namesPackage(name) ? location : nil
                        appFolders[folder, default: (0, nil)].files += 1
                        appFolders[folder]?.unread = unread
                    }
                }
                if entry.knownKind == .unknown || entry.source == nil {
                    if let format = entry.head.flatMap(UnsupportedFormat.name(head:)) ?? UnsupportedFormat.name(fileName: name) {
                        note(.error, "format.unsupported", format, location)
                    } else if namesPackage(name) {
                        note(.error, "package.unreadable", "named like an app package but its content is not one", location)
                    }
                    return
                }
                if let source = entry.source { visit(source, location, depth: depth + 1, name: name) }
            }
        } catch let e as ContainerError {
            notes.append(Diagnostic(.error, e.code, e.message, location: child("").parentFallback))
        } catch {
            notes.append(Diagnostic(.error, "container.unreadable", "\(error)", location: child("").parentFallback))
        }
    }

    /// Detects what `source` is and descends into it, or records it as an app package.
    func visit(_ source: ByteSource, _ location: Location, depth: Int, name: String) {
        let (kind, unsupported) = ContentDetector.identify(source, fileName: name, farMagics: depth == 0)
        if kind == .unknown {
            // Content that may hold apps is never passed over as data (SPEC §6): a format known by
            // its magic but not read, a package by name, or an input given that nothing recognises.
            if let format = unsupported {
                note(.error, "format.unsupported", format, location)
            } else if namesPackage(name) {
                note(.error, "package.unreadable", "named like an app package but its content is not one", location)
            } else if depth == 0 {
                note(.error, "input.unrecognised", "not a firmware image, archive or app package presetscan reads", location)
            }
            return
        }
        if kind == .zip {
            let archive: ZipArchive
            do { archive = try ZipArchive(source: source, limits: apkLimits) } catch {
                note(.error, namesPackage(name) ? "package.unreadable" : "zip.unreadable", "\(error)", location)
                return
            }
            // An app package of any platform (by content, else by name: a zip named `.hap` that is
            // no HAP is still listed, its record saying what is missing) is read, never walked.
            if PackageReaders.reader(for: archive, name: name) != nil {
                found.append((source, location))
                return
            }
            guard checkDepth(depth, location) else { return }
            walk(ContainerFormats.zip(archive, context: context), depth: depth) { location.appending($0) }
            return
        }
        guard checkDepth(depth, location) else { return }
        do {
            switch try ContainerFormats.open(kind, source: source, context: context) {
            case .container(let container)?:
                walk(container, depth: depth) { location.appending($0) }
            case .view(let view, let notes)?:
                for n in notes { note(n.diagnostic.severity, n.diagnostic.code, n.diagnostic.message, location) }
                visit(view, location, depth: depth + 1, name: name)
            case nil:
                break
            }
        } catch let e as ContainerError {
            note(.error, e.code, e.message, location)
        } catch let e as ParseError {
            note(.error, "\(kind.rawValue).malformed", "\(e)", location)
        } catch {
            note(.error, "\(kind.rawValue).unreadable", "\(error)", location)
        }
    }

    private func checkDepth(_ depth: Int, _ location: Location) -> Bool {
        guard depth < context.limits.maxDepth else {
            note(.error, "limit.depth", "nesting depth limit \(context.limits.maxDepth) reached; not opened", location)
            return false
        }
        return true
    }
}

extension Location {
    /// `child("")` gives the container's own location with an empty last part; drop it.
    fileprivate var parentFallback: Location {
        if parts.last == "" { return Location(Array(parts.dropLast())) }
        if let last = parts.last, last.hasSuffix("/") { return Location(Array(parts.dropLast()) + [String(last.dropLast())]) }
        return self
    }
}
