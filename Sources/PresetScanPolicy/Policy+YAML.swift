import Foundation
import PresetScanCore
import PresetScanRegistry
import Yams

/// A policy file that cannot be used; the message names the file and line (the CLI exits 2).
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based line, 0 when the whole file is concerned.
    public var line: Int
    /// What is wrong, in English; `message` says it in any language.
    public var reason: String
    public var message: Message

    public init(path: String, line: Int, message: Message) {
        self.path = path
        self.line = line
        self.message = message
        self.reason = message.text(.en)
    }

    public init(path: String, line: Int, _ key: MessageKey, _ arguments: String...) {
        self.init(path: path, line: line, message: Message(key, arguments: arguments))
    }

    public var description: String { text(.en) }

    /// `policy.yaml:3: …` for people in `language`.
    public func text(_ language: Language) -> String {
        line > 0 ? language.text(.policyErrorAt, path, "\(line)", message.text(language))
            : language.text(.policyErrorIn, path, message.text(language))
    }
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
                throw PolicyError(path: path, line: 0, .policyTooLarge, "\(file.size)")
            }
            data = try file.readAll()
        } catch let error as PolicyError {
            throw error
        } catch {
            throw PolicyError(path: path, line: 0, .policyUnreadable, "\(error)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw PolicyError(path: path, line: 0, .policyNotUTF8)
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
            throw PolicyError(path: path, line: line, .policyNotYAML, error.problem)
        } catch {
            throw PolicyError(path: path, line: 0, .policyNotYAML, "\(error)")
        }
        guard let root else { throw PolicyError(path: path, line: 0, .policyEmpty) }
        let p = NodeReader(path: path)
        let top = try p.mapping(root, Message(.policyWhatPolicy))
        try p.allow(top, ["version", "failOn", "exemptWithoutInternet", "exemptions", "waivers"], in: Message(.policyWhatPolicy))

        guard let versionNode = top["version"] else { throw PolicyError(path: path, line: 1, .policyVersionRequired) }
        let version = try p.int(versionNode, Message(.policyWhatKey, "version"))
        guard version == supportedVersion else {
            throw PolicyError(path: path, line: p.line(versionNode), .policyVersionUnsupported, "\(version)", "\(supportedVersion)")
        }
        var policy = Policy(path: path)
        if let node = top["failOn"] {
            var rules: Set<Rule> = []
            for item in try p.sequence(node, Message(.policyWhatKey, "failOn")) {
                let text = try p.string(item, Message(.policyWhatFailOnEntry))
                guard let rule = Rule(rawValue: text.uppercased()) ?? Rule.allCases.first(where: { $0.name == text }) else {
                    throw PolicyError(path: path, line: p.line(item), .policyUnknownRule, text)
                }
                rules.insert(rule)
            }
            policy.failOn = rules
        }
        if let node = top["exemptWithoutInternet"] {
            policy.exemptWithoutInternet = try p.bool(node, Message(.policyWhatKey, "exemptWithoutInternet"))
        }
        if let node = top["exemptions"] {
            for item in try p.sequence(node, Message(.policyWhatKey, "exemptions")) {
                let entry = try p.mapping(item, Message(.policyWhatExemption))
                try p.allow(entry, ["identifier", "platform", "reason"], in: Message(.policyWhatExemption))
                let identifier = try p.required(entry, "identifier", item, Message(.policyWhatExemptionBare))
                var platform: Platform?
                if let node = entry["platform"] {
                    let text = try p.string(node, Message(.policyWhatKey, "platform"))
                    guard let known = Platform(text: text) else {
                        throw PolicyError(path: path, line: p.line(node), .policyUnknownPlatform, text)
                    }
                    platform = known
                }
                let reason = try p.required(entry, "reason", item, Message(.policyWhatExemptionBare))
                policy.exemptions.append(Exemption(identifier: identifier, platform: platform, reason: reason, line: p.line(item)))
            }
        }
        if let node = top["waivers"] {
            for item in try p.sequence(node, Message(.policyWhatKey, "waivers")) {
                let entry = try p.mapping(item, Message(.policyWhatWaiver))
                try p.allow(entry, ["identifier", "certSha256", "reason", "owner", "expires"], in: Message(.policyWhatWaiver))
                let identifier = try p.required(entry, "identifier", item, Message(.policyWhatWaiverBare))
                var sha: String?
                if let node = entry["certSha256"] {
                    let text = try p.string(node, Message(.policyWhatKey, "certSha256"))
                    let hex = String(text.lowercased().filter { $0 != ":" && $0 != " " })
                    guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                        throw PolicyError(path: path, line: p.line(node), .policyBadCertSha256)
                    }
                    sha = hex
                }
                let reason = try p.required(entry, "reason", item, Message(.policyWhatWaiverBare))
                let owner = try p.required(entry, "owner", item, Message(.policyWhatWaiverBare))
                let expiresText = try p.required(entry, "expires", item, Message(.policyWhatWaiverBare))
                guard let expires = RegistryDate(text: expiresText) else {
                    throw PolicyError(path: path, line: p.line(entry["expires"] ?? item), .policyBadExpires, expiresText)
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

    func fail(_ node: Node, _ key: MessageKey, _ arguments: String..., parts: [Message] = []) -> PolicyError {
        PolicyError(path: path, line: line(node), message: Message(key, arguments: arguments, parts: parts))
    }

    func mapping(_ node: Node, _ what: Message) throws(PolicyError) -> [String: Node] {
        guard case let .mapping(mapping) = node else { throw fail(node, .policyNotMapping, parts: [what]) }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, .policyKeysNotText) }
            guard out[name] == nil else { throw fail(key, .policyKeyTwice, name) }
            out[name] = value
        }
        return out
    }

    func allow(_ entry: [String: Node], _ keys: [String], in what: Message) throws(PolicyError) {
        for (name, value) in entry.sorted(by: { line($0.value) < line($1.value) }) where !keys.contains(name) {
            // {0} the key, {1} where (a part), {2} the known keys.
            throw PolicyError(path: path, line: line(value), message: Message(
                .policyUnknownKey, arguments: [name], parts: [what, Message(.findingVerbatim, keys.joined(separator: ", "))]))
        }
    }

    func sequence(_ node: Node, _ what: Message) throws(PolicyError) -> [Node] {
        if case .scalar = node, node.null != nil { return [] }
        guard case let .sequence(sequence) = node else { throw fail(node, .policyNotList, parts: [what]) }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: Message) throws(PolicyError) -> String {
        guard case let .scalar(scalar) = node else { throw fail(node, .policyNotText, parts: [what]) }
        return scalar.string
    }

    func int(_ node: Node, _ what: Message) throws(PolicyError) -> Int {
        guard case .scalar = node, let value = node.int else { throw fail(node, .policyNotNumber, parts: [what]) }
        return value
    }

    func bool(_ node: Node, _ what: Message) throws(PolicyError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw fail(node, .policyNotBool, parts: [what]) }
        return value
    }

    func required(_ entry: [String: Node], _ key: String, _ parent: Node, _ what: Message) throws(PolicyError) -> String {
        guard let node = entry[key] else { throw fail(parent, .policyMissingKey, key, parts: [what]) }
        let text = try string(node, Message(.policyWhatKey, key)).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw fail(node, .policyEmptyKey, key, parts: [what]) }
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
