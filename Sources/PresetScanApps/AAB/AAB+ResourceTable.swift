import PresetScanCore

extension AAB {
    /// A module's `resources.pb` (aapt2's protobuf `ResourceTable`, Resources.proto), indexed by
    /// resource id, with lookups that pick values as `aapt2 dump badging` does: for the default
    /// locale and for each locale the table names, the configuration aapt's reference device
    /// would choose (language-region, then language, then the default locale), following
    /// references in the same locale up to `limits.maxReferenceDepth` lookups.
    struct ResourceTable {
        /// One configuration's value of a resource.
        struct Candidate {
            /// BCP-47 tag (`zh-CN`, `sr-Latn`); nil for the default locale.
            var locale: String?
            /// The other qualifiers, for aapt's device selection.
            var config: ResTableConfig
            var value: Aapt_Pb_Value
        }

        let limits: Limits
        private var candidates: [UInt32: [Candidate]] = [:]
        /// `type/name` of each id.
        private(set) var names: [UInt32: String] = [:]
        /// Every locale a value is given for (aapt2's `locales:` line without the default), sorted.
        let locales: [String]
        /// Entries without a usable id (aapt2 cannot look them up either).
        private(set) var warnings: [Diagnostic] = []

        init(_ table: Aapt_Pb_ResourceTable, limits: Limits) {
            self.limits = limits
            var locales: Set<String> = []
            var skipped = 0
            for package in table.package {
                let packageID = package.packageID.id
                for type in package.type {
                    let typeID = type.typeID.id
                    for entry in type.entry {
                        guard package.hasPackageID, type.hasTypeID, entry.hasEntryID, packageID <= 0xFF,
                            typeID >= 1, typeID <= 0xFF, entry.entryID.id <= 0xFFFF
                        else {
                            skipped += 1
                            continue
                        }
                        let id = packageID << 24 | typeID << 16 | entry.entryID.id
                        names[id] = "\(type.name)/\(entry.name)"
                        for configValue in entry.configValue {
                            let locale = Self.localeKey(configValue.config.locale)
                            if let locale { locales.insert(locale) }
                            candidates[id, default: []].append(
                                Candidate(locale: locale, config: ResTableConfig(aapt: configValue.config), value: configValue.value))
                        }
                    }
                }
            }
            self.locales = locales.sorted()
            if skipped > 0 {
                warnings.append(Diagnostic(.warning, "aab.resources-malformed",
                    "\(skipped) resource entries have no valid package, type or entry id and cannot be looked up"))
            }
        }

        /// aapt2 writes `GetBcp47LanguageTag()` (`zh-CN`); a `b+` form (`b+sr+Latn`) is read as the same tag.
        static func localeKey(_ tag: String) -> String? {
            guard !tag.isEmpty else { return nil }
            if tag.hasPrefix("b+") { return tag.dropFirst(2).split(separator: "+").joined(separator: "-") }
            return tag
        }

        // MARK: Selection as aapt2 does it

        /// The best value among those of one locale: the config with no other qualifier, else the
        /// one aapt's device would pick, else the first.
        private func best(_ group: [Candidate]) -> Candidate? {
            if let plain = group.first(where: { $0.config.hasOnlyLocaleQualifiers }) { return plain }
            var chosen: Candidate?
            for candidate in group where candidate.config.matchesAaptDevice {
                if let current = chosen, !candidate.config.isBetter(than: current.config) { continue }
                chosen = candidate
            }
            return chosen ?? group.first
        }

        /// The value for `locale` (nil: the default locale), falling back from language-region
        /// to language to the default locale.
        private func select(_ id: UInt32, locale: String?) -> Candidate? {
            let groups = Dictionary(grouping: candidates[id] ?? []) { $0.locale }
            var wanted = locale
            while let key = wanted {
                if let group = groups[key], let chosen = best(group) { return chosen }
                wanted = key.lastIndex(of: "-").map { String(key[..<$0]) }
            }
            return groups[nil].flatMap(best)
        }

        /// The item a value holds after following references in `locale`; nil at a cycle, a
        /// missing resource or the depth limit.
        private func resolveItem(_ id: UInt32, locale: String?) -> Aapt_Pb_Item? {
            var next = id
            var seen: Set<UInt32> = []
            var lookups = 0
            while lookups < limits.maxReferenceDepth, seen.insert(next).inserted {
                lookups += 1
                guard let candidate = select(next, locale: locale), case .item(let item)? = candidate.value.value else { return nil }
                guard case .ref(let reference)? = item.value else { return item }
                guard reference.id != 0, reference.type == .reference else { return nil }
                next = reference.id
            }
            return nil
        }

        /// A string value (String, RawString, StyledString text, or a file path, as aapt2 prints it).
        static func text(of item: Aapt_Pb_Item) -> String? {
            switch item.value {
            case .str(let s)?: return s.value
            case .rawStr(let s)?: return s.value
            case .styledStr(let s)?: return s.value
            case .file(let f)?: return f.path
            default: return nil
            }
        }

        /// The string `id` resolves to in `locale` (nil: the default locale).
        func string(_ id: UInt32, locale: String?) -> String? {
            resolveItem(id, locale: locale).flatMap(Self.text(of:))
        }

        /// An integer resource (a reference in versionCode or minSdkVersion).
        func integer(_ id: UInt32) -> Int64? {
            guard let item = resolveItem(id, locale: nil) else { return nil }
            if case .prim(let primitive)? = item.value, case .int(let n)? = AAB.value(of: primitive) { return n }
            return Self.text(of: item).flatMap { Int64($0.trimmingSpaces) }
        }

        /// The default-locale string (`application-label:`); when it is missing or empty, the first
        /// non-empty localized one, as for APKs (`ResourceTable.resolveString`).
        func resolveString(_ id: UInt32) -> String? {
            if let plain = string(id, locale: nil), !plain.isEmpty { return plain }
            let localized = labelsForEveryLocale(id)
            return localized.keys.sorted().first.flatMap { localized[$0] }
        }

        /// What a device set to each of the table's locales shows (`application-label-<locale>`);
        /// empty results are left out.
        func labelsForEveryLocale(_ id: UInt32) -> [String: String] {
            var result: [String: String] = [:]
            for locale in locales {
                if let text = string(id, locale: locale), !text.isEmpty { result[locale] = text }
            }
            return result
        }

        // MARK: Strings, for the filing-number search

        /// Every string value with the resource using it: `type/name`, with `[locale]` outside the
        /// default locale; strings of arrays and plurals included.
        func forEachString(_ body: (_ text: String, _ name: String) -> Void) {
            for id in candidates.keys.sorted() {
                let name = names[id] ?? String(id, radix: 16)
                for candidate in candidates[id] ?? [] {
                    let place = candidate.locale.map { "\(name)[\($0)]" } ?? name
                    switch candidate.value.value {
                    case .item(let item)?:
                        if let text = Self.text(of: item) { body(text, place) }
                    case .compoundValue(let compound)?:
                        switch compound.value {
                        case .array(let array)?:
                            for element in array.element { if let text = Self.text(of: element.item) { body(text, place) } }
                        case .plural(let plural)?:
                            for entry in plural.entry { if let text = Self.text(of: entry.item) { body(text, place) } }
                        case nil:
                            break
                        }
                    case nil:
                        break
                    }
                }
            }
        }
    }
}
