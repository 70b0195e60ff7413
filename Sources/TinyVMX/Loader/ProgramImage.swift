/// A program ready to be copied into guest memory: its segments, its symbols and where execution starts.
///
/// Produced by ``ELFLinker/link(object:at:entry:)`` from a relocatable object, by ``Toolchain`` from a source file,
/// or by ``flat(_:at:)`` from raw bytes. All addresses are absolute guest addresses.
public struct ProgramImage: Sendable, Equatable {
    /// A contiguous run of bytes placed at one address with one set of permissions (one ELF section, usually).
    public struct Segment: Sendable, Equatable {
        /// The section name (`.text`, `.data`, `.bss`, `COMMON`, or `flat` for a flat binary).
        public var name: String
        /// The guest address of the first byte.
        public var address: UInt64
        /// The contents; zero-filled sections (`.bss`) are present as zero bytes.
        public var bytes: [UInt8]
        /// Whether the program may write these bytes (`SHF_WRITE`).
        public var isWritable: Bool
        /// Whether the bytes hold code (`SHF_EXECINSTR`).
        public var isExecutable: Bool

        /// Creates a segment.
        /// - Parameters:
        ///   - name: The section name.
        ///   - address: The guest address of the first byte.
        ///   - bytes: The contents.
        ///   - isWritable: Whether the program may write these bytes.
        ///   - isExecutable: Whether the bytes hold code.
        public init(name: String, address: UInt64, bytes: [UInt8], isWritable: Bool, isExecutable: Bool) {
            self.name = name
            self.address = address
            self.bytes = bytes
            self.isWritable = isWritable
            self.isExecutable = isExecutable
        }

        /// The address one past the last byte (wrapping is impossible for linked images: the linker checks).
        public var endAddress: UInt64 { address &+ UInt64(bytes.count) }
    }

    /// The segments in ascending address order; they never overlap.
    public var segments: [Segment]
    /// Defined symbols (functions, objects, labels including named local ones; section and file symbols excluded)
    /// mapped to their absolute addresses.
    public var symbols: [String: UInt64]
    /// The address of the first instruction to execute.
    public var entry: UInt64

    /// Creates an image from its parts.
    /// - Parameters:
    ///   - segments: The segments, in ascending address order.
    ///   - symbols: Symbol names mapped to absolute addresses.
    ///   - entry: The address of the first instruction.
    public init(segments: [Segment], symbols: [String: UInt64], entry: UInt64) {
        self.segments = segments
        self.symbols = symbols
        self.entry = entry
    }

    /// A flat binary at `address` (the `.bin` / `--hex` form): one executable, writable segment, entry = address.
    /// - Parameters:
    ///   - bytes: The raw machine code and data.
    ///   - address: The guest address of the first byte, which is also the entry point.
    /// - Returns: An image with a single segment named `flat` and no symbols.
    public static func flat(_ bytes: [UInt8], at address: UInt64) -> ProgramImage {
        let segment = Segment(name: "flat", address: address, bytes: bytes, isWritable: true, isExecutable: true)
        return ProgramImage(segments: [segment], symbols: [:], entry: address)
    }

    /// The segment whose bytes include `address`, if any.
    /// - Parameter address: A guest address.
    /// - Returns: The first segment with `address <= a < endAddress`, or `nil`. O(number of segments).
    public func segment(containing address: UInt64) -> Segment? {
        segments.first { address >= $0.address && address - $0.address < UInt64($0.bytes.count) }
    }
}
