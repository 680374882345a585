import Foundation
import PresetScanCore
import PresetScanRegistry
import Yams

/// A policy file that cannot be used; the message names the file and line (the CLI exits 2).
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based line, 0 when the whole file is concerned.
    public var line: Int
    public var reason: String

    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}

extension Policy {
    /// Largest policy file read (a policy is a few kilobytes; anything else is a mistake).
    public static let maxFileBytes = 4 << 20

    /// Reads and validates the policy at `path`.
    public static func load(path: String) throws(PolicyError) -> Policy {
        let data: [UInt8]
        do {
            let file = try FileByteSource(path: path)
            guard file.size <= UInt64(maxFileBytes) else {
                throw PolicyError(path: path, line: 0, reason: "\(file.size) bytes: not a policy file (over 4 MiB)")
            }
            data = try file.readAll()
        } catch let error as PolicyError {
            throw error
        } catch {
            throw PolicyError(path: path, line: 0, reason: "cannot read the policy file: \(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw PolicyError(path: path, line: 0, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses policy YAML; every problem names its line. Unknown keys are errors, so a typo
    /// (`failon:`) cannot silently turn a rule off.
    public static func parse(_ text: String, path: String) throws(PolicyError) -> Policy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line = error.line
            if case let .duplicatedKeysInMapping(duplicates, _) = error, let key = duplicates.first {
                // Yams marks the mapping; the line to fix is the key's second appearance.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let hits = lines.indices.filter {
                    let t = lines[$0].drop { $0 == " " || $0 == "-" }
                    return t.hasPrefix(key + ":") || t.hasPrefix("\"\(key)\":")
                }
                if hits.count >= 2 { line = hits[1] + 1 }
            }
            throw PolicyError(path: path, line: line, reason: "not valid YAML: \(error.problem)")
        } catch {
            throw PolicyError(path: path, line: 0, reason: "not valid YAML: \(error)")
        }
        guard let root else { throw PolicyError(path: path, line: 0, reason: "the file is empty; it needs at least `version: 1`") }
        let p = NodeReader(path: path)
        let top = try p.mapping(root, "the policy")
        try p.allow(top, ["version", "failOn", "exemptWithoutInternet", "exemptions", "waivers"], in: "the policy")

        guard let versionNode = top["version"] else { throw PolicyError(path: path, line: 1, reason: "`version` is required (version: 1)") }
        let version = try p.int(versionNode, "version")
        guard version == supportedVersion else {
            throw PolicyError(path: path, line: p.line(versionNode),
                              reason: "policy version \(version) is not supported (this presetscan reads version \(supportedVersion))")
        }
        var policy = Policy(path: path)
        if let node = top["failOn"] {
            var rules: Set<Rule> = []
            for item in try p.sequence(node, "failOn") {
                let text = try p.string(item, "a failOn entry")
                guard let rule = Rule(rawValue: text.uppercased()) ?? Rule.allCases.first(where: { $0.name == text }) else {
                    throw PolicyError(path: path, line: p.line(item), reason: "unknown rule \"\(text)\" in failOn (PS001–PS010)")
                }
                rules.insert(rule)
            }
            policy.failOn = rules
        }
        if let node = top["exemptWithoutInternet"] { policy.exemptWithoutInternet = try p.bool(node, "exemptWithoutInternet") }
        if let node = top["exemptions"] {
            for item in try p.sequence(node, "exemptions") {
                let entry = try p.mapping(item, "an exemption")
                try p.allow(entry, ["identifier", "platform", "reason"], in: "an exemption")
                let identifier = try p.required(entry, "identifier", item, "exemption")
                var platform: Platform?
                if let node = entry["platform"] {
                    let text = try p.string(node, "platform")
                    guard let known = Platform(text: text) else {
                        throw PolicyError(path: path, line: p.line(node), reason: "unknown platform \"\(text)\"")
                    }
                    platform = known
                }
                let reason = try p.required(entry, "reason", item, "exemption")
                policy.exemptions.append(Exemption(identifier: identifier, platform: platform, reason: reason, line: p.line(item)))
            }
        }
        if let node = top["waivers"] {
            for item in try p.sequence(node, "waivers") {
                let entry = try p.mapping(item, "a waiver")
                try p.allow(entry, ["identifier", "certSha256", "reason", "owner", "expires"], in: "a waiver")
                let identifier = try p.required(entry, "identifier", item, "waiver")
                var sha: String?
                if let node = entry["certSha256"] {
                    let text = try p.string(node, "certSha256")
                    let hex = String(text.lowercased().filter { $0 != ":" && $0 != " " })
                    guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                        throw PolicyError(path: path, line: p.line(node), reason: "certSha256 must be 64 hex digits")
                    }
                    sha = hex
                }
                let reason = try p.required(entry, "reason", item, "waiver")
                let owner = try p.required(entry, "owner", item, "waiver")
                let expiresText = try p.required(entry, "expires", item, "waiver")
                guard let expires = RegistryDate(text: expiresText) else {
                    throw PolicyError(path: path, line: p.line(entry["expires"] ?? item),
                                      reason: "expires \"\(expiresText)\" is not a date (YYYY-MM-DD)")
                }
                policy.waivers.append(
                    Waiver(identifier: identifier, certSha256: sha, reason: reason, owner: owner, expires: expires, line: p.line(item)))
            }
        }
        return policy
    }
}

/// Typed access to composed YAML nodes, every error with the node's line.
private struct NodeReader {
    let path: String

    func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    func fail(_ node: Node, _ reason: String) -> PolicyError { PolicyError(path: path, line: line(node), reason: reason) }

    func mapping(_ node: Node, _ what: String) throws(PolicyError) -> [String: Node] {
        guard case let .mapping(mapping) = node else { throw fail(node, "\(what) must be a mapping of keys to values") }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "keys must be text") }
            guard out[name] == nil else { throw fail(key, "\"\(name)\" is given twice") }
            out[name] = value
        }
        return out
    }

    func allow(_ entry: [String: Node], _ keys: [String], in what: String) throws(PolicyError) {
        for (name, value) in entry.sorted(by: { line($0.value) < line($1.value) }) where !keys.contains(name) {
            throw fail(value, "unknown key \"\(name)\" in \(what) (known: \(keys.joined(separator: ", ")))")
        }
    }

    func sequence(_ node: Node, _ what: String) throws(PolicyError) -> [Node] {
        if case .scalar = node, node.null != nil { return [] }
        guard case let .sequence(sequence) = node else { throw fail(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) throws(PolicyError) -> String {
        guard case let .scalar(scalar) = node else { throw fail(node, "\(what) must be text") }
        return scalar.string
    }

    func int(_ node: Node, _ what: String) throws(PolicyError) -> Int {
        guard case .scalar = node, let value = node.int else { throw fail(node, "\(what) must be a whole number") }
        return value
    }

    func bool(_ node: Node, _ what: String) throws(PolicyError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw fail(node, "\(what) must be true or false") }
        return value
    }

    func required(_ entry: [String: Node], _ key: String, _ parent: Node, _ what: String) throws(PolicyError) -> String {
        guard let node = entry[key] else { throw fail(parent, "\(what) without `\(key)` (required)") }
        let text = try string(node, key).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw fail(node, "`\(key)` of \(what) is empty") }
        return text
    }
}

extension YamlError {
    fileprivate var line: Int {
        switch self {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        case let .duplicatedKeysInMapping(_, context): context.mark.line
        default: 0
        }
    }

    fileprivate var problem: String {
        switch self {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): problem
        case let .duplicatedKeysInMapping(duplicates, _): "\(duplicates.joined(separator: ", ")) given twice"
        default: "\(self)"
        }
    }
}
