import PresetScanCore
import PresetScanRegistry

/// Why part of the input was not read, told from a diagnostic's stable code, so PS009 can say it
/// in the reader's language while the parser's own detail stays an untranslated argument (SPEC §8).
public enum IncompleteCause: Sendable, Equatable, CaseIterable {
    case truncated, encrypted, unsupported, limit, missingPart, damaged, unreadable
    /// Content whose magic names a format presetscan knows but does not read (`format.unsupported`).
    case unreadFormat
    /// An input given that no reader recognises (`input.unrecognised`).
    case unrecognised

    /// `ext4.truncated` → truncated, `limit.entries` → limit, `ota.incremental` → unsupported, …
    public init(code: String) {
        let code = code.lowercased()
        if code == "format.unsupported" {
            self = .unreadFormat
            return
        }
        if code == "input.unrecognised" {
            self = .unrecognised
            return
        }
        let words = code.split(whereSeparator: { $0 == "." || $0 == "-" }).map(String.init)
        if words.contains("truncated") {
            self = .truncated
        } else if words.contains("encrypted") {
            self = .encrypted
        } else if words.first == "limit" || words.contains("limit") {
            self = .limit
        } else if words.contains("incremental") || words.contains("unsupported") || words.contains("unknown") {
            self = .unsupported
        } else if words.contains("no") || words.contains("missing") {
            self = .missingPart
        } else if ["bad", "malformed", "loop", "overlap", "duplicate"].contains(where: words.contains) {
            self = .damaged
        } else {
            self = .unreadable
        }
    }

    /// The PS009 frame for a package that was found but not read completely.
    var packageKey: MessageKey {
        switch self {
        case .truncated: .packageTruncated
        case .encrypted: .packageEncrypted
        case .unsupported, .unreadFormat, .unrecognised: .packageUnsupported
        case .limit: .packageLimit
        case .missingPart: .packageMissingPart
        case .damaged: .packageDamaged
        case .unreadable: .packageUnreadable
        }
    }

    /// The PS009 frame for a part of the input (a container, an image, a file) not read.
    var inputKey: MessageKey {
        switch self {
        case .truncated: .inputTruncated
        case .encrypted: .inputEncrypted
        case .unsupported: .inputUnsupported
        case .unreadFormat: .inputUnreadFormat
        case .unrecognised: .inputUnrecognised
        case .limit: .inputLimit
        case .missingPart: .inputMissingPart
        case .damaged: .inputDamaged
        case .unreadable: .inputUnreadable
        }
    }
}

extension Diagnostic {
    /// PS009's message for this error about an app package.
    public var packageMessage: Message { Message(IncompleteCause(code: code).packageKey, message) }

    /// PS009's message for this error about the input.
    public var inputMessage: Message { Message(IncompleteCause(code: code).inputKey, message) }
}

extension FilingStatus {
    /// The status for people (SPEC §3: 正常 / 已注销 / 已撤销); `rawValue` stays the machine name.
    public var label: MessageKey {
        switch self {
        case .active: .statusActive
        case .cancelled: .statusCancelled
        case .revoked: .statusRevoked
        }
    }
}
