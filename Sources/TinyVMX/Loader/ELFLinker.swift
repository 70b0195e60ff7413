/// A static linker for x86-64 relocatable objects (one, or several linked together): places their sections at a base address, resolves its symbols
/// and applies its RELA relocations, producing a ``ProgramImage``.
///
/// Layout: every `SHF_ALLOC` section in section-header order from `baseAddress`, each at the next multiple of its
/// `sh_addralign`, `SHT_NOBITS` sections as zero bytes; then `SHN_COMMON` symbols (in symbol-table order, aligned to
/// their `st_value`) in one zero-filled, writable segment named `COMMON`. Each non-empty section becomes its own
/// ``ProgramImage/Segment`` (empty ones get an address but no segment). Unallocated sections (symbols, strings,
/// debug information) are not loaded and relocations patching them are ignored.
///
/// Relocations: `R_X86_64_64` (S+A), `R_X86_64_PC32`/`R_X86_64_PLT32` (S+A-P, signed 32-bit), `R_X86_64_32` (S+A,
/// unsigned 32-bit), `R_X86_64_32S` (S+A, signed 32-bit), plus `R_X86_64_NONE`, `R_X86_64_PC64`, `R_X86_64_16`,
/// `R_X86_64_PC16`, `R_X86_64_8`, `R_X86_64_PC8` (16/8-bit absolute fields accept a signed or an unsigned value, as
/// GNU ld does). Arithmetic is modulo 2^64, like the CPU's address arithmetic. There is no PLT or GOT: a call
/// reaches its target directly. An undefined weak symbol resolves to 0; an undefined strong one is an error.
public enum ELFLinker {
    /// The largest image (from `baseAddress` to the end of the last section, gaps included) the linker builds.
    public static let maximumImageSize: UInt64 = 256 << 20

    /// Parses and links an object file.
    /// - Parameters:
    ///   - bytes: The contents of an ELF64 x86-64 `ET_REL` file.
    ///   - baseAddress: The guest address of the first allocated section (before alignment).
    ///   - entry: A symbol name, or an absolute address written in decimal or `0x` hexadecimal; `nil` means `_start`.
    /// - Returns: The linked image.
    /// - Throws: Any parse error of ``ELFObject/init(bytes:)``, and the link errors of ``link(_:at:entry:)``.
    public static func link(object bytes: [UInt8], at baseAddress: UInt64, entry: String?) throws(LoadError)
        -> ProgramImage
    {
        try link(ELFObject(bytes: bytes), at: baseAddress, entry: entry)
    }

    /// Links an already parsed object.
    /// - Parameters:
    ///   - object: The parsed object.
    ///   - baseAddress: The guest address of the first allocated section (before alignment).
    ///   - entry: A symbol name, or an absolute address written in decimal or `0x` hexadecimal; `nil` means `_start`.
    /// - Returns: The linked image. Complexity: O(image size + symbols + relocations).
    /// - Throws: ``LoadError/undefinedSymbol(_:)``, ``LoadError/unsupportedRelocation(type:section:offset:)``,
    ///   ``LoadError/relocationOverflow(type:symbol:section:offset:value:)``, ``LoadError/missingEntrySymbol(_:)``,
    ///   ``LoadError/addressOverflow(section:)``, ``LoadError/imageTooLarge(size:limit:)``, and
    ///   ``LoadError/malformed(reason:offset:)`` for a relocation outside its section or against an unloaded one.
    public static func link(_ object: ELFObject, at baseAddress: UInt64, entry: String?) throws(LoadError)
        -> ProgramImage
    {
        try link([object], at: baseAddress, entry: entry)
    }

    /// Links several objects into one image, as `ld -r`-free static linking does: the objects' sections are placed
    /// one object after another (each object's sections in header order, then its common symbols), an undefined
    /// symbol resolves to the global or weak definition of that name in any object, and relocations are applied.
    ///
    /// A name defined as global in two objects is an error; a weak definition yields to a global one, and of two
    /// weak definitions the first wins. Local symbols never resolve another object's references. The image's
    /// symbol table holds every global, then the locals of the objects in order for names no global uses (the
    /// first object's local wins a clash).
    /// - Parameters:
    ///   - objects: The parsed objects, in placement order (at least one).
    ///   - baseAddress: The guest address of the first allocated section (before alignment).
    ///   - entry: A symbol name, or an absolute address written in decimal or `0x` hexadecimal; `nil` means `_start`.
    /// - Returns: The linked image.
    /// - Throws: The errors of ``link(_:at:entry:)``, plus ``LoadError/duplicateSymbol(_:)``.
    public static func link(_ objects: [ELFObject], at baseAddress: UInt64, entry: String?) throws(LoadError)
        -> ProgramImage
    {
        var layouts: [Layout] = []
        var cursor = baseAddress
        for object in objects {
            try rejectRELSections(object)
            layouts.append(try Layout(object: object, baseAddress: baseAddress, cursor: &cursor))
        }
        let globals = try globalSymbols(objects, layouts: layouts)
        for (index, object) in objects.enumerated() {
            for relocationSection in object.relocationSections
            where layouts[index].sectionAddresses[relocationSection.targetSectionIndex] != nil {
                for relocation in relocationSection.relocations {
                    try apply(relocation, in: relocationSection, object: object, layout: &layouts[index], globals: globals)
                }
            }
        }
        var symbols = globals
        for (index, object) in objects.enumerated() {
            for (name, address) in definedSymbols(object, layout: layouts[index]) where symbols[name] == nil {
                symbols[name] = address
            }
        }
        let entryName = entry ?? "_start"
        guard let entryAddress = number(entryName) ?? symbols[entryName] else {
            throw .missingEntrySymbol(entryName)
        }
        return ProgramImage(segments: layouts.flatMap(\.segments), symbols: symbols, entry: entryAddress)
    }
}

// MARK: - Layout

extension ELFLinker {
    /// Where each allocated section and common symbol was placed, and the segments built so far.
    private struct Layout {
        /// Guest address of each section by index; `nil` for unallocated sections.
        var sectionAddresses: [UInt64?]
        /// Index into `segments` of each non-empty allocated section.
        var segmentIndices: [Int: Int] = [:]
        /// Guest address of each `SHN_COMMON` symbol by symbol index.
        var commonAddresses: [Int: UInt64] = [:]
        var segments: [ProgramImage.Segment] = []

        /// Places `object`'s sections and common symbols from `cursor` (advanced past them); `baseAddress` is the
        /// image's start, for the size limit.
        init(object: ELFObject, baseAddress: UInt64, cursor: inout UInt64) throws(LoadError) {
            sectionAddresses = Array(repeating: nil, count: object.sections.count)
            // An `SHT_NULL` header is inactive whatever its flags say.
            for section in object.sections where section.isAllocated && section.type != ELFObject.shtNull {
                let address = try Self.place(
                    section.size, alignment: section.alignment, after: &cursor,
                    base: baseAddress, name: section.name)
                sectionAddresses[section.index] = address
                guard section.size > 0 else { continue }
                let bytes = section.isNoBits ? [UInt8](repeating: 0, count: Int(section.size)) : section.contents
                segmentIndices[section.index] = segments.count
                segments.append(
                    ProgramImage.Segment(
                        name: section.name, address: address, bytes: bytes, isWritable: section.isWritable,
                        isExecutable: section.isExecutable))
            }
            var commonStart: UInt64?
            for symbol in object.symbols where symbol.definition == .common {
                guard symbol.value & (symbol.value &- 1) == 0 else {
                    throw .malformed(
                        reason: "common symbol '\(symbol.name)' has alignment \(symbol.value), not a "
                            + "power of two", offset: 0)
                }
                let address = try Self.place(
                    symbol.size, alignment: symbol.value, after: &cursor,
                    base: baseAddress, name: "COMMON")
                commonStart = commonStart ?? address
                commonAddresses[symbol.index] = address
            }
            if let commonStart, cursor > commonStart {
                segments.append(
                    ProgramImage.Segment(
                        name: "COMMON", address: commonStart,
                        bytes: [UInt8](repeating: 0, count: Int(cursor - commonStart)),
                        isWritable: true, isExecutable: false))
            }
        }

        /// Reserves `size` bytes at the next multiple of `alignment` at or after `cursor` and advances it.
        /// - Returns: The reserved address.
        /// - Throws: ``LoadError/addressOverflow(section:)`` past 2^64, ``LoadError/imageTooLarge(size:limit:)``.
        private static func place(
            _ size: UInt64, alignment: UInt64, after cursor: inout UInt64, base: UInt64, name: String
        ) throws(LoadError) -> UInt64 {
            let mask = max(alignment, 1) - 1
            let (padded, overflow) = cursor.addingReportingOverflow(mask)
            let address = padded & ~mask
            let (end, endOverflow) = address.addingReportingOverflow(size)
            guard !overflow, !endOverflow else { throw .addressOverflow(section: name) }
            guard end - base <= maximumImageSize else {
                throw .imageTooLarge(size: end - base, limit: maximumImageSize)
            }
            cursor = end
            return address
        }
    }

    /// Throws if an `SHT_REL` section (no addends, not used on x86-64) patches a loaded section.
    private static func rejectRELSections(_ object: ELFObject) throws(LoadError) {
        for section in object.sections where section.type == ELFObject.shtRel {
            if Int(section.info) < object.sections.count, object.sections[Int(section.info)].isAllocated {
                throw .malformed(
                    reason: "SHT_REL section '\(section.name)' patches a loaded section; x86-64 objects "
                        + "use SHT_RELA", offset: section.fileOffset)
            }
        }
    }
}

// MARK: - Symbols

extension ELFLinker {
    /// The address a relocation uses for symbol `index` (S).
    /// - Throws: ``LoadError/undefinedSymbol(_:)`` for an undefined non-weak symbol,
    ///   ``LoadError/malformed(reason:offset:)`` for one defined in an unloaded section or by a reserved `st_shndx`.
    private static func address(
        ofSymbol index: Int, object: ELFObject, layout: Layout, globals: [String: UInt64]
    ) throws(LoadError) -> UInt64 {
        guard index != 0, index < object.symbols.count else { return 0 }
        let symbol = object.symbols[index]
        // A global or weak name means the linked image's definition (a weak one may have been overridden).
        if !symbol.isLocal, !symbol.name.isEmpty, let address = globals[symbol.name] { return address }
        switch symbol.definition {
        case .undefined:
            guard symbol.isWeak else { throw .undefinedSymbol(symbol.name) }
            return 0
        case .absolute:
            return symbol.value
        case .common:
            return layout.commonAddresses[index] ?? 0
        case .section(let section):
            guard let base = layout.sectionAddresses[section] else {
                throw .malformed(
                    reason: "relocation against '\(displayName(index, object: object))' in section "
                        + "'\(object.sections[section].name)', which is not loaded",
                    offset: object.sections[section].fileOffset)
            }
            return base &+ symbol.value
        case .reserved(let shndx):
            throw .malformed(reason: "relocation against '\(symbol.name)' with reserved st_shndx \(shndx)", offset: 0)
        }
    }

    /// The symbol's name, or its section's name for a section symbol.
    private static func displayName(_ index: Int, object: ELFObject) -> String {
        guard index != 0, index < object.symbols.count else { return "<no symbol>" }
        let symbol = object.symbols[index]
        if symbol.isSectionSymbol, case .section(let section) = symbol.definition {
            return object.sections[section].name
        }
        return symbol.name
    }

    /// The global and weak definitions of all objects by name (a global wins over a weak one, the first weak wins).
    /// - Throws: ``LoadError/duplicateSymbol(_:)`` for a name two objects define as global.
    private static func globalSymbols(_ objects: [ELFObject], layouts: [Layout]) throws(LoadError) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        var strong: Set<String> = []
        for (index, object) in objects.enumerated() {
            for symbol in object.symbols
            where !symbol.isLocal && !symbol.name.isEmpty && !symbol.isSectionSymbol && !symbol.isFileSymbol {
                let address: UInt64
                switch symbol.definition {
                case .absolute: address = symbol.value
                case .common: address = layouts[index].commonAddresses[symbol.index] ?? 0
                case .section(let section):
                    guard let base = layouts[index].sectionAddresses[section] else { continue }
                    address = base &+ symbol.value
                case .undefined, .reserved: continue
                }
                if symbol.isWeak || symbol.definition == .common {
                    if result[symbol.name] == nil { result[symbol.name] = address }
                    continue
                }
                guard !strong.contains(symbol.name) else { throw .duplicateSymbol(symbol.name) }
                strong.insert(symbol.name)
                result[symbol.name] = address
            }
        }
        return result
    }

    /// Named symbols defined in loaded sections, as absolute addresses (a global wins over a local of the same name).
    private static func definedSymbols(_ object: ELFObject, layout: Layout) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        var isGlobal: Set<String> = []
        for symbol in object.symbols where !symbol.name.isEmpty && !symbol.isSectionSymbol && !symbol.isFileSymbol {
            let address: UInt64
            switch symbol.definition {
            case .absolute: address = symbol.value
            case .common: address = layout.commonAddresses[symbol.index] ?? 0
            case .section(let section):
                guard let base = layout.sectionAddresses[section] else { continue }
                address = base &+ symbol.value
            case .undefined, .reserved: continue
            }
            if isGlobal.contains(symbol.name) || (result[symbol.name] != nil && symbol.isLocal) { continue }
            result[symbol.name] = address
            if !symbol.isLocal { isGlobal.insert(symbol.name) }
        }
        return result
    }

    /// `text` as an absolute address if it is a decimal or `0x`-hexadecimal number.
    private static func number(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return text.first?.isNumber == true ? UInt64(text) : nil
    }
}

// MARK: - Relocations

extension ELFLinker {
    /// The relocation types the linker applies (`R_X86_64_*` numbers).
    private enum RelocationKind: UInt32 {
        case none = 0
        case absolute64 = 1
        case pc32 = 2
        case plt32 = 4
        case absolute32 = 10
        case absolute32Signed = 11
        case absolute16 = 12
        case pc16 = 13
        case absolute8 = 14
        case pc8 = 15
        case pc64 = 24

        /// The field width in bytes.
        var width: UInt64 {
            switch self {
            case .none: return 0
            case .absolute64, .pc64: return 8
            case .pc32, .plt32, .absolute32, .absolute32Signed: return 4
            case .absolute16, .pc16: return 2
            case .absolute8, .pc8: return 1
            }
        }

        /// Whether the value is S+A-P rather than S+A.
        var isPCRelative: Bool { [.pc32, .plt32, .pc16, .pc8, .pc64].contains(self) }

        /// Whether `value` (taken modulo 2^64) fits the field.
        func fits(_ value: UInt64) -> Bool {
            let signed = Int64(bitPattern: value)
            switch self {
            case .none, .absolute64, .pc64: return true
            case .pc32, .plt32, .absolute32Signed: return Int64(Int32.min)...Int64(Int32.max) ~= signed
            case .absolute32: return value <= UInt64(UInt32.max)
            case .pc16: return Int64(Int16.min)...Int64(Int16.max) ~= signed
            case .pc8: return Int64(Int8.min)...Int64(Int8.max) ~= signed
            case .absolute16: return value <= UInt64(UInt16.max) || Int64(Int16.min)...Int64(Int16.max) ~= signed
            case .absolute8: return value <= UInt64(UInt8.max) || Int64(Int8.min)...Int64(Int8.max) ~= signed
            }
        }
    }

    /// Computes one relocation and writes it into the target section's segment.
    private static func apply(
        _ relocation: ELFObject.Relocation, in relocationSection: ELFObject.RelocationSection, object: ELFObject,
        layout: inout Layout, globals: [String: UInt64]
    ) throws(LoadError) {
        let target = object.sections[relocationSection.targetSectionIndex]
        guard let kind = RelocationKind(rawValue: relocation.type) else {
            throw .unsupportedRelocation(type: relocation.type, section: target.name, offset: relocation.offset)
        }
        guard kind != .none else { return }
        guard !target.isNoBits, relocation.offset <= target.size, kind.width <= target.size - relocation.offset,
            let segment = layout.segmentIndices[target.index], let base = layout.sectionAddresses[target.index]
        else {
            throw .malformed(
                reason: "relocation at \(target.name)+\(relocation.offset) (\(kind.width) bytes) lies "
                    + "outside the section's \(target.size) bytes of data", offset: target.fileOffset)
        }
        let symbolAddress = try address(
            ofSymbol: relocation.symbolIndex, object: object, layout: layout, globals: globals)
        let place = base &+ relocation.offset
        var value = symbolAddress &+ UInt64(bitPattern: relocation.addend)
        if kind.isPCRelative { value &-= place }
        guard kind.fits(value) else {
            throw .relocationOverflow(
                type: relocation.type, symbol: displayName(relocation.symbolIndex, object: object),
                section: target.name, offset: relocation.offset, value: Int64(bitPattern: value))
        }
        let start = Int(relocation.offset)
        for byte in 0..<Int(kind.width) {
            layout.segments[segment].bytes[start + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))
        }
    }
}
