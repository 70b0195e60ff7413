import Foundation

/// Why a program could not be built, parsed or linked, and where.
///
/// Every case carries enough context (file offsets, section and symbol names, relocation type numbers, tool exit
/// status and output) for its one-line ``description`` to point at the problem without a debugger.
public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file has no bytes at all.
    case emptyFile
    /// The file does not start with the ELF magic `7f 45 4c 46`; `magic` holds its first (up to four) bytes.
    case notELF(magic: [UInt8])
    /// `EI_CLASS` is not `ELFCLASS64` (2).
    case unsupportedClass(UInt8)
    /// `EI_DATA` is not `ELFDATA2LSB` (1, little-endian).
    case unsupportedByteOrder(UInt8)
    /// `EI_VERSION` or `e_version` is not `EV_CURRENT` (1).
    case unsupportedVersion(UInt32)
    /// `e_type` is not `ET_REL` (1); executables and shared objects are not loaded.
    case unsupportedFileType(UInt16)
    /// `e_machine` is not `EM_X86_64` (62).
    case unsupportedMachine(UInt16)
    /// A structure (`what`) needs `length` bytes at file offset `offset`, but the file has only `fileSize`.
    case truncated(what: String, offset: UInt64, length: UInt64, fileSize: UInt64)
    /// A field is inconsistent (`reason`), read at file offset `offset`.
    case malformed(reason: String, offset: UInt64)
    /// A relocation refers to a symbol that no object being linked defines.
    case undefinedSymbol(String)
    /// Two objects linked together both define this global symbol.
    case duplicateSymbol(String)
    /// The entry point was neither a defined symbol nor a number (`_start` when none was named).
    case missingEntrySymbol(String)
    /// A relocation type the linker does not implement, at `offset` in `section`.
    case unsupportedRelocation(type: UInt32, section: String, offset: UInt64)
    /// A relocation's value does not fit its field: `value` is S+A (or S+A-P for PC-relative types).
    case relocationOverflow(type: UInt32, symbol: String, section: String, offset: UInt64, value: Int64)
    /// Placing `section` at the next free address would pass the end of the 64-bit address space.
    case addressOverflow(section: String)
    /// The linked image would need `size` bytes, more than the loader's `limit`.
    case imageTooLarge(size: UInt64, limit: UInt64)
    /// The file name's extension is not one of `.S`, `.s`, `.c`, `.o` or `.bin`.
    case unsupportedFileExtension(path: String)
    /// A file or directory could not be read, written or created.
    case io(path: String, reason: String)
    /// An external tool is not on `PATH`; `package` is the Debian package that provides it.
    case toolNotFound(tool: String, package: String)
    /// An external tool ran and failed with exit `status`; `stderr` is what it printed.
    case toolFailed(tool: String, status: Int32, stderr: String)

    /// A one-line explanation naming what was expected and where.
    public var description: String {
        switch self {
        case .emptyFile:
            return "empty file: expected an ELF64 x86-64 relocatable object"
        case .notELF(let magic):
            let shown = magic.map { Self.hex($0, width: 2) }.joined(separator: " ")
            return "not an ELF file: expected magic 7f 45 4c 46, found \(shown.isEmpty ? "nothing" : shown)"
        case .unsupportedClass(let value):
            return "unsupported ELF class \(value): expected ELFCLASS64 (2)"
        case .unsupportedByteOrder(let value):
            return "unsupported ELF byte order \(value): expected ELFDATA2LSB (1, little-endian)"
        case .unsupportedVersion(let value):
            return "unsupported ELF version \(value): expected EV_CURRENT (1)"
        case .unsupportedFileType(let value):
            return
                "unsupported ELF file type \(value) (\(Self.fileTypeName(value))): "
                + "expected ET_REL (1), a relocatable .o"
        case .unsupportedMachine(let value):
            return "unsupported ELF machine \(value): expected EM_X86_64 (62)"
        case .truncated(let what, let offset, let length, let fileSize):
            return
                "truncated file: \(what) needs \(length) bytes at offset \(Self.hex(offset)), "
                + "file has \(fileSize) bytes"
        case .malformed(let reason, let offset):
            return "malformed ELF at offset \(Self.hex(offset)): \(reason)"
        case .undefinedSymbol(let name):
            return "undefined symbol '\(name)' is referenced by a relocation"
        case .duplicateSymbol(let name):
            return "symbol '\(name)' is defined as global by two of the objects being linked"
        case .missingEntrySymbol(let name):
            return "entry symbol '\(name)' is not defined (name a symbol or an address with --entry)"
        case .unsupportedRelocation(let type, let section, let offset):
            return "unsupported relocation type \(type) at \(section)+\(Self.hex(offset))"
                + ": expected R_X86_64_64, PC32, PLT32, 32, 32S, 16, PC16, 8, PC8 or PC64"
        case .relocationOverflow(let type, let symbol, let section, let offset, let value):
            return "relocation type \(type) against '\(symbol)' at \(section)+\(Self.hex(offset)) overflows: value "
                + "\(value) (\(Self.hex(UInt64(bitPattern: value)))) does not fit the field"
        case .addressOverflow(let section):
            return "section '\(section)' does not fit below the end of the 64-bit address space"
        case .imageTooLarge(let size, let limit):
            return "image needs \(size) bytes, more than the limit of \(limit) bytes"
        case .unsupportedFileExtension(let path):
            return "cannot load '\(path)': expected a .S, .s, .c, .o or .bin file"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        case .toolNotFound(let tool, let package):
            return "'\(tool)' not found on PATH: install the Debian package '\(package)' (apt-get install \(package))"
        case .toolFailed(let tool, let status, let stderr):
            let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let text = lines.filter { !$0.isEmpty }.joined(separator: " | ")
            return "'\(tool)' failed with exit status \(status)" + (text.isEmpty ? "" : ": \(text)")
        }
    }
}

extension LoadError {
    /// Formats `value` as `0x`-prefixed lowercase hexadecimal, or as `width` zero-padded digits without prefix.
    fileprivate static func hex<T: BinaryInteger>(_ value: T, width: Int? = nil) -> String {
        let digits = String(value, radix: 16)
        guard let width else { return "0x" + digits }
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The symbolic name of an ELF `e_type` value.
    fileprivate static func fileTypeName(_ value: UInt16) -> String {
        switch value {
        case 0: return "ET_NONE"
        case 1: return "ET_REL"
        case 2: return "ET_EXEC"
        case 3: return "ET_DYN"
        case 4: return "ET_CORE"
        default: return "unknown"
        }
    }
}
