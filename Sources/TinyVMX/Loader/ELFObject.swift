/// A parsed ELF64 little-endian x86-64 relocatable object (`ET_REL`): sections, symbols and RELA relocations.
///
/// Parsing is bounds-checked everywhere: a truncated or inconsistent file throws a ``LoadError``
/// (``LoadError/truncated(what:offset:length:fileSize:)`` or ``LoadError/malformed(reason:offset:)``, naming the
/// structure and file offset) and never traps. Every index the result exposes (a symbol's section, a relocation's
/// symbol, a relocation section's target) has been checked against the tables it points into, so consumers may
/// subscript with them directly.
///
/// Besides feeding ``ELFLinker``, the type lets tests and fuzzers cut labelled snippets out of one big assembled
/// object: see ``snippets(inSection:)`` and ``snippet(named:)``.
public struct ELFObject: Sendable, Equatable {
    /// One section header, its name and (unless `SHT_NOBITS` or `SHT_NULL`) its bytes.
    public struct Section: Sendable, Equatable {
        /// The position in the section header table.
        public var index: Int
        /// The name from the section-name string table (empty when the object has none).
        public var name: String
        /// `sh_type` (`SHT_PROGBITS` 1, `SHT_SYMTAB` 2, `SHT_STRTAB` 3, `SHT_RELA` 4, `SHT_NOBITS` 8, ...).
        public var type: UInt32
        /// `sh_flags` (`SHF_WRITE` 1, `SHF_ALLOC` 2, `SHF_EXECINSTR` 4, ...).
        public var flags: UInt64
        /// `sh_offset`: where the contents start in the file.
        public var fileOffset: UInt64
        /// `sh_size`: the size in memory (for `SHT_NOBITS`, the number of zero bytes).
        public var size: UInt64
        /// `sh_link` (for a symbol table, its string table; for relocations, their symbol table).
        public var link: UInt32
        /// `sh_info` (for relocations, the section they patch).
        public var info: UInt32
        /// `sh_addralign`: 0 or a power of two (checked).
        public var alignment: UInt64
        /// `sh_entsize`: the size of one entry for table sections.
        public var entrySize: UInt64
        /// The file bytes; empty for `SHT_NOBITS` and `SHT_NULL`.
        public var contents: [UInt8]

        /// Whether the section occupies memory at run time (`SHF_ALLOC`).
        public var isAllocated: Bool { flags & ELFObject.shfAlloc != 0 }
        /// Whether the program may write it (`SHF_WRITE`).
        public var isWritable: Bool { flags & ELFObject.shfWrite != 0 }
        /// Whether it holds code (`SHF_EXECINSTR`).
        public var isExecutable: Bool { flags & ELFObject.shfExecInstr != 0 }
        /// Whether it is zero-filled at load time and has no file bytes (`SHT_NOBITS`, e.g. `.bss`).
        public var isNoBits: Bool { type == ELFObject.shtNoBits }
    }

    /// One symbol table entry.
    public struct Symbol: Sendable, Equatable {
        /// Where a symbol's value is defined, decoded from `st_shndx` (with `SHN_XINDEX` resolved).
        public enum Definition: Sendable, Equatable {
            /// `SHN_UNDEF`: the object only refers to it.
            case undefined
            /// `SHN_ABS`: the value is an absolute address or constant.
            case absolute
            /// `SHN_COMMON`: a tentative definition; the value is the alignment, the size is `size`.
            case common
            /// Defined at `value` bytes into the section with this index (checked to exist).
            case section(Int)
            /// Another reserved `st_shndx` (0xff00...0xffff) this loader gives no meaning to.
            case reserved(UInt16)
        }

        /// The position in the symbol table (what relocations refer to).
        public var index: Int
        /// The name from the symbol string table; empty for section symbols and the null symbol.
        public var name: String
        /// `st_value`: an offset into the defining section (or an absolute value, or an alignment for commons).
        public var value: UInt64
        /// `st_size`.
        public var size: UInt64
        /// `ELF64_ST_BIND(st_info)`: `STB_LOCAL` 0, `STB_GLOBAL` 1, `STB_WEAK` 2.
        public var binding: UInt8
        /// `ELF64_ST_TYPE(st_info)`: `STT_NOTYPE` 0, `STT_OBJECT` 1, `STT_FUNC` 2, `STT_SECTION` 3, `STT_FILE` 4.
        public var type: UInt8
        /// Where the symbol is defined.
        public var definition: Definition

        /// Whether the symbol is visible only inside this object (`STB_LOCAL`).
        public var isLocal: Bool { binding == ELFObject.stbLocal }
        /// Whether the symbol is a weak reference or definition (`STB_WEAK`).
        public var isWeak: Bool { binding == ELFObject.stbWeak }
        /// Whether the symbol stands for a section (`STT_SECTION`).
        public var isSectionSymbol: Bool { type == ELFObject.sttSection }
        /// Whether the symbol names the source file (`STT_FILE`).
        public var isFileSymbol: Bool { type == ELFObject.sttFile }
    }

    /// One `Elf64_Rela` entry.
    public struct Relocation: Sendable, Equatable {
        /// `r_offset`: the byte offset of the patched field in the target section (or in a snippet, for
        /// ``Snippet/relocations``).
        public var offset: UInt64
        /// `ELF64_R_TYPE(r_info)`, e.g. `R_X86_64_PC32` = 2.
        public var type: UInt32
        /// `ELF64_R_SYM(r_info)`: an index into ``ELFObject/symbols`` (checked).
        public var symbolIndex: Int
        /// `r_addend`.
        public var addend: Int64
    }

    /// One `SHT_RELA` section and its decoded entries.
    public struct RelocationSection: Sendable, Equatable {
        /// The index of the relocation section itself.
        public var index: Int
        /// Its name (`.rela.text`, ...).
        public var name: String
        /// `sh_info`: the index of the section the entries patch (checked).
        public var targetSectionIndex: Int
        /// The entries in file order.
        public var relocations: [Relocation]
    }

    /// The bytes from one named symbol to the next symbol (or the end of its section).
    public struct Snippet: Sendable, Equatable {
        /// The symbol that starts the snippet.
        public var name: String
        /// The name of the section holding it.
        public var section: String
        /// The symbol's offset in the section.
        public var offset: UInt64
        /// The assembled bytes (empty in an `SHT_NOBITS` section); any field listed in `relocations` still holds
        /// its unrelocated value.
        public var bytes: [UInt8]
        /// Relocations whose field starts inside the snippet, with offsets relative to the snippet's first byte.
        public var relocations: [Relocation]
    }

    /// `e_type` (always `ET_REL` = 1 for a parsed object).
    public var fileType: UInt16
    /// `e_machine` (always `EM_X86_64` = 62 for a parsed object).
    public var machine: UInt16
    /// All sections in header-table order; index 0 is the null section.
    public var sections: [Section]
    /// The entries of the `SHT_SYMTAB` section in table order (index 0 is the null symbol); empty without one.
    public var symbols: [Symbol]
    /// The section index of the `SHT_SYMTAB` section, if the object has one (ELF allows at most one).
    public var symbolTableIndex: Int?
    /// Every `SHT_RELA` section, in section order.
    public var relocationSections: [RelocationSection]

    /// Parses an object file.
    /// - Parameter bytes: The whole file.
    /// - Throws: ``LoadError/emptyFile``, ``LoadError/notELF(magic:)``, ``LoadError/unsupportedClass(_:)``,
    ///   ``LoadError/unsupportedByteOrder(_:)``, ``LoadError/unsupportedVersion(_:)``,
    ///   ``LoadError/unsupportedFileType(_:)``, ``LoadError/unsupportedMachine(_:)`` for a file that is not an
    ///   x86-64 ELF64 relocatable object; ``LoadError/truncated(what:offset:length:fileSize:)`` and
    ///   ``LoadError/malformed(reason:offset:)`` for one whose tables are cut short or inconsistent.
    ///   Complexity: O(file size).
    public init(bytes: [UInt8]) throws(LoadError) {
        let reader = Reader(bytes: bytes)
        let header = try Self.readHeader(reader)
        fileType = header.type
        machine = header.machine
        sections = try Self.readSections(reader, header: header)
        (symbols, symbolTableIndex) = try Self.readSymbols(reader, sections: sections)
        relocationSections = try Self.readRelocations(
            reader, sections: sections, symbolCount: symbols.count, symbolTableIndex: symbolTableIndex)
    }

    /// The first section called `name`.
    /// - Parameter name: A section name such as `.text`.
    /// - Returns: The section, or `nil`. O(number of sections).
    public func section(named name: String) -> Section? {
        sections.first { $0.name == name }
    }

    /// The symbol called `name`, preferring a global or weak definition over local ones and definitions over
    /// undefined references.
    /// - Parameter name: A symbol name.
    /// - Returns: The symbol, or `nil`. O(number of symbols).
    public func symbol(named name: String) -> Symbol? {
        let candidates = symbols.filter { $0.name == name && !$0.isSectionSymbol && !$0.isFileSymbol }
        return candidates.min { rank($0) < rank($1) }
    }

    /// Cuts the labelled snippets out of one section: each named symbol defined there spans from its offset to
    /// the next larger symbol offset in the section, or to the section's end.
    ///
    /// This is how tests and fuzzers assemble thousands of snippets in one `as` run: label each one
    /// (`snippet_17:`), assemble the whole source once with ``Toolchain/assembleObject(_:syntax:)``, then slice.
    /// Symbols at the same offset share a span; a snippet with non-empty `relocations` refers to something outside
    /// itself and needs linking (``ELFLinker``) before its bytes are final.
    /// - Parameter sectionName: The section to slice, `.text` by default.
    /// - Returns: The snippets ordered by offset, then by symbol-table order; empty if there is no such section.
    ///   Complexity: O((s + r) log(s + r)) for s symbols and r relocations.
    public func snippets(inSection sectionName: String = ".text") -> [Snippet] {
        guard let section = section(named: sectionName) else { return [] }
        let labels = labelSymbols(in: section.index)
        let starts = Array(Set(labels.map(\.value))).sorted()
        let relocations = relocations(patching: section.index)
        return labels.map { makeSnippet($0, section: section, starts: starts, relocations: relocations) }
    }

    /// The snippet that starts at the symbol called `name` (see ``snippets(inSection:)`` for where it ends).
    /// - Parameter name: A label or function defined in an allocated or unallocated section.
    /// - Returns: The snippet, or `nil` if no symbol called `name` is defined in a section.
    public func snippet(named name: String) -> Snippet? {
        guard let symbol = symbol(named: name), case .section(let index) = symbol.definition else { return nil }
        let starts = Array(Set(labelSymbols(in: index).map(\.value))).sorted()
        return makeSnippet(symbol, section: sections[index], starts: starts, relocations: relocations(patching: index))
    }
}

// MARK: - Snippet helpers

extension ELFObject {
    /// Sort key for ``symbol(named:)``: defined globals first, then defined locals, then undefined references.
    private func rank(_ symbol: Symbol) -> Int {
        if symbol.definition == .undefined { return 2 }
        return symbol.isLocal ? 1 : 0
    }

    /// Named, non-section, non-file symbols defined in section `index`, sorted by value then table order.
    private func labelSymbols(in index: Int) -> [Symbol] {
        symbols.filter {
            $0.definition == .section(index) && !$0.name.isEmpty && !$0.isSectionSymbol && !$0.isFileSymbol
        }
        .sorted { ($0.value, $0.index) < ($1.value, $1.index) }
    }

    /// All relocations patching section `index`, sorted by offset.
    private func relocations(patching index: Int) -> [Relocation] {
        relocationSections.filter { $0.targetSectionIndex == index }.flatMap(\.relocations).sorted {
            $0.offset < $1.offset
        }
    }

    /// Builds the snippet for `symbol`, ending at the first element of `starts` above its value.
    private func makeSnippet(_ symbol: Symbol, section: Section, starts: [UInt64], relocations: [Relocation]) -> Snippet
    {
        // File-backed sections hold exactly `size` bytes (checked when parsing); an inactive `SHT_NULL` one none.
        let limit = section.isNoBits ? section.size : UInt64(section.contents.count)
        let start = min(symbol.value, limit)
        let nextIndex = Self.partitionPoint(starts) { $0 > symbol.value }
        let end = max(start, min(nextIndex < starts.count ? starts[nextIndex] : limit, limit))
        let bytes = section.isNoBits ? [] : Array(section.contents[Int(start)..<Int(end)])
        var inside: [Relocation] = []
        for relocation in relocations[Self.partitionPoint(relocations) { $0.offset >= start }...] {
            guard relocation.offset < end else { break }
            var shifted = relocation
            shifted.offset -= start
            inside.append(shifted)
        }
        return Snippet(name: symbol.name, section: section.name, offset: start, bytes: bytes, relocations: inside)
    }

    /// The index of the first element satisfying `isAfter`, which must be false then true along the array.
    /// Complexity: O(log n).
    private static func partitionPoint<T>(_ array: [T], _ isAfter: (T) -> Bool) -> Int {
        var low = 0
        var high = array.count
        while low < high {
            let middle = low + (high - low) / 2
            if isAfter(array[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

// MARK: - Constants

extension ELFObject {
    static let shtNull: UInt32 = 0
    static let shtSymTab: UInt32 = 2
    static let shtStrTab: UInt32 = 3
    static let shtRela: UInt32 = 4
    static let shtNoBits: UInt32 = 8
    static let shtRel: UInt32 = 9
    static let shtSymTabShndx: UInt32 = 18
    static let shfWrite: UInt64 = 0x1
    static let shfAlloc: UInt64 = 0x2
    static let shfExecInstr: UInt64 = 0x4
    static let stbLocal: UInt8 = 0
    static let stbWeak: UInt8 = 2
    static let sttSection: UInt8 = 3
    static let sttFile: UInt8 = 4
    static let shnUndef: UInt16 = 0
    static let shnLoReserve: UInt16 = 0xff00
    static let shnAbs: UInt16 = 0xfff1
    static let shnCommon: UInt16 = 0xfff2
    static let shnXIndex: UInt16 = 0xffff
    static let headerSize: UInt64 = 64
    static let sectionHeaderSize: UInt64 = 64
    static let symbolSize: UInt64 = 24
    static let relaSize: UInt64 = 24
}

// MARK: - Parsing

extension ELFObject {
    /// Bounds-checked little-endian access to the file bytes.
    struct Reader {
        let bytes: [UInt8]
        var size: UInt64 { UInt64(bytes.count) }

        /// The index range of `length` bytes at `offset`.
        /// - Throws: ``LoadError/truncated(what:offset:length:fileSize:)`` naming `what` if they are not all in
        ///   the file.
        func range(offset: UInt64, length: UInt64, what: @autoclosure () -> String) throws(LoadError) -> Range<Int> {
            let (end, overflow) = offset.addingReportingOverflow(length)
            guard !overflow, end <= size else {
                throw .truncated(what: what(), offset: offset, length: length, fileSize: size)
            }
            return Int(offset)..<Int(end)
        }

        func u8(_ index: Int) -> UInt8 { bytes[index] }
        func u16(_ index: Int) -> UInt16 { UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 }
        func u32(_ index: Int) -> UInt32 { UInt32(u16(index)) | UInt32(u16(index + 2)) << 16 }
        func u64(_ index: Int) -> UInt64 { UInt64(u32(index)) | UInt64(u32(index + 4)) << 32 }
    }

    /// The `Elf64_Ehdr` fields the loader uses.
    struct Header {
        var type: UInt16
        var machine: UInt16
        var sectionHeaderOffset: UInt64
        var sectionHeaderEntrySize: UInt16
        var sectionCount: UInt16
        var sectionNameTableIndex: UInt16
    }

    /// Checks `e_ident` and reads the ELF header.
    static func readHeader(_ reader: Reader) throws(LoadError) -> Header {
        let bytes = reader.bytes
        guard !bytes.isEmpty else { throw .emptyFile }
        let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
        guard Array(bytes.prefix(4)) == Array(magic.prefix(bytes.count)) else {
            throw .notELF(magic: Array(bytes.prefix(4)))
        }
        _ = try reader.range(offset: 0, length: 16, what: "ELF identification (e_ident)")
        guard bytes[4] == 2 else { throw .unsupportedClass(bytes[4]) }
        guard bytes[5] == 1 else { throw .unsupportedByteOrder(bytes[5]) }
        guard bytes[6] == 1 else { throw .unsupportedVersion(UInt32(bytes[6])) }
        _ = try reader.range(offset: 0, length: headerSize, what: "ELF header")
        let type = reader.u16(16)
        guard type == 1 else { throw .unsupportedFileType(type) }
        let machine = reader.u16(18)
        guard machine == 62 else { throw .unsupportedMachine(machine) }
        guard reader.u32(20) == 1 else { throw .unsupportedVersion(reader.u32(20)) }
        return Header(
            type: type, machine: machine, sectionHeaderOffset: reader.u64(40),
            sectionHeaderEntrySize: reader.u16(58), sectionCount: reader.u16(60), sectionNameTableIndex: reader.u16(62))
    }

    /// Reads the section header table, the section names and every section's file bytes.
    /// Complexity: O(file size).
    static func readSections(_ reader: Reader, header: Header) throws(LoadError) -> [Section] {
        let tableOffset = header.sectionHeaderOffset
        guard tableOffset != 0 else { return [] }
        guard UInt64(header.sectionHeaderEntrySize) == sectionHeaderSize else {
            throw .malformed(reason: "e_shentsize is \(header.sectionHeaderEntrySize), expected 64", offset: 58)
        }
        // Section 0 holds the real count and name-table index when they do not fit the header fields.
        let first = try reader.range(offset: tableOffset, length: sectionHeaderSize, what: "section header table")
        let count = header.sectionCount == 0 ? reader.u64(first.lowerBound + 32) : UInt64(header.sectionCount)
        var nameIndex = UInt64(header.sectionNameTableIndex)
        if header.sectionNameTableIndex == shnXIndex { nameIndex = UInt64(reader.u32(first.lowerBound + 40)) }
        let (tableLength, overflow) = count.multipliedReportingOverflow(by: sectionHeaderSize)
        guard !overflow else {
            throw .truncated(what: "section header table", offset: tableOffset, length: .max, fileSize: reader.size)
        }
        let table = try reader.range(offset: tableOffset, length: tableLength, what: "section header table")
        var sections: [Section] = []
        sections.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            sections.append(
                try readSection(reader, at: table.lowerBound + index * Int(sectionHeaderSize), index: index))
        }
        if nameIndex != 0 {
            guard nameIndex < count, sections[Int(nameIndex)].type == shtStrTab else {
                throw .malformed(reason: "e_shstrndx \(nameIndex) is not a string table section", offset: 62)
            }
            try loadContents(reader, of: &sections[Int(nameIndex)])
            let names = sections[Int(nameIndex)]
            for index in sections.indices {
                let nameOffset = reader.u32(table.lowerBound + index * Int(sectionHeaderSize))
                sections[index].name = try string(in: names, at: nameOffset, what: "name of section \(index)")
            }
        }
        for index in sections.indices where index != Int(nameIndex) {
            try loadContents(reader, of: &sections[index])
        }
        return sections
    }

    /// Copies the file bytes of `section` unless it is `SHT_NOBITS` or `SHT_NULL`.
    private static func loadContents(_ reader: Reader, of section: inout Section) throws(LoadError) {
        guard section.type != shtNoBits && section.type != shtNull else { return }
        let label = section.name.isEmpty ? "section \(section.index)" : "section '\(section.name)'"
        let range = try reader.range(offset: section.fileOffset, length: section.size, what: "contents of \(label)")
        section.contents = Array(reader.bytes[range])
    }

    /// Reads one `Elf64_Shdr` at file index `base` (contents are loaded later).
    private static func readSection(_ reader: Reader, at base: Int, index: Int) throws(LoadError) -> Section {
        let section = Section(
            index: index, name: "", type: reader.u32(base + 4), flags: reader.u64(base + 8),
            fileOffset: reader.u64(base + 24), size: reader.u64(base + 32), link: reader.u32(base + 40),
            info: reader.u32(base + 44), alignment: reader.u64(base + 48), entrySize: reader.u64(base + 56),
            contents: [])
        guard section.alignment & (section.alignment &- 1) == 0 else {
            throw .malformed(
                reason: "section \(index) sh_addralign \(section.alignment) is not a power of two",
                offset: UInt64(base + 48))
        }
        return section
    }

    /// The NUL-terminated string at `offset` in string-table section `table`.
    /// - Throws: ``LoadError/malformed(reason:offset:)`` if the offset is outside the table or the string has no NUL.
    static func string(in table: Section, at offset: UInt32, what: @autoclosure () -> String) throws(LoadError)
        -> String
    {
        let start = Int(offset)
        guard start < table.contents.count, let end = table.contents[start...].firstIndex(of: 0) else {
            throw .malformed(
                reason: "\(what()): string offset \(offset) is outside string table '\(table.name)' or unterminated",
                offset: table.fileOffset &+ UInt64(offset))
        }
        return String(decoding: table.contents[start..<end], as: UTF8.self)
    }

    /// Reads the one `SHT_SYMTAB` section, if any, resolving names and `SHN_XINDEX` section indices.
    static func readSymbols(_ reader: Reader, sections: [Section]) throws(LoadError) -> ([Symbol], Int?) {
        let tables = sections.filter { $0.type == shtSymTab }
        guard let table = tables.first else { return ([], nil) }
        guard tables.count == 1 else {
            throw .malformed(reason: "more than one SHT_SYMTAB section", offset: tables[1].fileOffset)
        }
        try checkTable(table, entrySize: symbolSize, what: "symbol table")
        guard Int(table.link) < sections.count, sections[Int(table.link)].type == shtStrTab else {
            throw .malformed(
                reason: "symbol table '\(table.name)' sh_link \(table.link) is not a string table",
                offset: table.fileOffset)
        }
        let names = sections[Int(table.link)]
        let extended = sections.first { $0.type == shtSymTabShndx && Int($0.link) == table.index }
        let entries = Reader(bytes: table.contents)
        var symbols: [Symbol] = []
        symbols.reserveCapacity(table.contents.count / Int(symbolSize))
        for index in 0..<(table.contents.count / Int(symbolSize)) {
            let base = index * Int(symbolSize)
            let entryOffset = table.fileOffset &+ UInt64(base)
            let info = entries.u8(base + 4)
            let name = try string(in: names, at: entries.u32(base), what: "name of symbol \(index)")
            let definition = try definition(
                shndx: entries.u16(base + 6), symbol: index, extended: extended, sectionCount: sections.count,
                offset: entryOffset)
            symbols.append(
                Symbol(
                    index: index, name: name, value: entries.u64(base + 8), size: entries.u64(base + 16),
                    binding: info >> 4, type: info & 0xf, definition: definition))
        }
        return (symbols, table.index)
    }

    /// Decodes `st_shndx` for symbol `symbol`, reading `SHT_SYMTAB_SHNDX` for `SHN_XINDEX`.
    private static func definition(
        shndx: UInt16, symbol: Int, extended: Section?, sectionCount: Int, offset: UInt64
    ) throws(LoadError) -> Symbol.Definition {
        var index = Int(shndx)
        switch shndx {
        case shnUndef: return .undefined
        case shnAbs: return .absolute
        case shnCommon: return .common
        case shnXIndex:
            guard let extended, (symbol + 1) * 4 <= extended.contents.count else {
                throw .malformed(
                    reason: "symbol \(symbol) uses SHN_XINDEX without a SHT_SYMTAB_SHNDX entry", offset: offset)
            }
            index = Int(Reader(bytes: extended.contents).u32(symbol * 4))
        case shnLoReserve...: return .reserved(shndx)
        default: break
        }
        guard index < sectionCount else {
            throw .malformed(reason: "symbol \(symbol) refers to section \(index) of \(sectionCount)", offset: offset)
        }
        return .section(index)
    }

    /// Checks that a table section's `sh_entsize` is `entrySize` and its size a whole number of entries.
    private static func checkTable(_ table: Section, entrySize: UInt64, what: String) throws(LoadError) {
        guard table.entrySize == entrySize, table.size % entrySize == 0 else {
            throw .malformed(
                reason: "\(what) '\(table.name)' has sh_entsize \(table.entrySize) and size \(table.size), "
                    + "expected a multiple of \(entrySize)-byte entries",
                offset: table.fileOffset)
        }
    }

    /// Decodes every `SHT_RELA` section, checking targets and symbol indices.
    static func readRelocations(
        _ reader: Reader, sections: [Section], symbolCount: Int, symbolTableIndex: Int?
    ) throws(LoadError) -> [RelocationSection] {
        var result: [RelocationSection] = []
        for section in sections where section.type == shtRela {
            try checkTable(section, entrySize: relaSize, what: "relocation section")
            guard Int(section.info) < sections.count, section.info != 0 else {
                throw .malformed(
                    reason: "relocation section '\(section.name)' targets section \(section.info) of "
                        + "\(sections.count)", offset: section.fileOffset)
            }
            let entries = Reader(bytes: section.contents)
            var relocations: [Relocation] = []
            relocations.reserveCapacity(section.contents.count / Int(relaSize))
            for base in stride(from: 0, to: section.contents.count, by: Int(relaSize)) {
                let info = entries.u64(base + 8)
                let symbol = info >> 32
                guard symbol == 0 || (Int(section.link) == symbolTableIndex && symbol < UInt64(symbolCount)) else {
                    throw .malformed(
                        reason: "relocation in '\(section.name)' refers to symbol \(symbol) but the symbol table "
                            + "(section \(section.link)) has \(symbolCount)",
                        offset: section.fileOffset &+ UInt64(base))
                }
                relocations.append(
                    Relocation(
                        offset: entries.u64(base), type: UInt32(truncatingIfNeeded: info), symbolIndex: Int(symbol),
                        addend: Int64(bitPattern: entries.u64(base + 16))))
            }
            result.append(
                RelocationSection(
                    index: section.index, name: section.name, targetSectionIndex: Int(section.info),
                    relocations: relocations))
        }
        return result
    }
}
