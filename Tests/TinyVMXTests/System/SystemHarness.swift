import TinyVMX

/// A minimal 64-bit kernel environment built from Swift for system-mode tests: GDT, TSS, IDT and 4-level
/// page tables written straight into memory, so each test states exactly the architectural setup it checks.
///
/// Layout (identity-mapped with 4 KiB pages, physical = linear):
/// - GDT 0x10000: null, 0x08 kernel code64, 0x10 kernel data, 0x18 user data (0x1b), 0x20 user code64 (0x23),
///   0x28 64-bit TSS (16 bytes). TSS 0x11000: RSP0 0x80000, IST1 0x70000, IST2 0x60000.
/// - IDT 0x12000: every vector is an interrupt gate (DPL 0) to its stub at 0x13000 + 16·vector, `cli; hlt`,
///   so a delivered event stops the run with RIP = stub + 2 and the frame at RSP.
/// - Page tables at 0x100000; the first 8 MiB mapped present + writable, supervisor, by 4 KiB PTEs.
/// - Code at 0x400000, RSP 0x50000.
final class SystemHarness {
    let machine: Machine
    let image: ProgramImage

    static let gdt: UInt64 = 0x10000
    static let tss: UInt64 = 0x11000
    static let idt: UInt64 = 0x12000
    static let stubs: UInt64 = 0x13000
    static let pml4: UInt64 = 0x10_0000
    static let pageTables: UInt64 = 0x10_3000
    static let rsp0: UInt64 = 0x8_0000
    static let ist1: UInt64 = 0x7_0000
    static let ist2: UInt64 = 0x6_0000
    static let stack: UInt64 = 0x5_0000
    static let mappedBytes: UInt64 = 8 << 20
    static let kernelCode: UInt16 = 0x08, kernelData: UInt16 = 0x10, userData: UInt16 = 0x1B, userCode: UInt16 = 0x23
    static let tssSelector: UInt16 = 0x28

    /// PTE flag bits.
    static let present: UInt64 = 1, writable: UInt64 = 2, user: UInt64 = 4, accessed: UInt64 = 0x20,
        dirty: UInt64 = 0x40, global: UInt64 = 0x100, noExecute: UInt64 = 1 << 63

    /// Assembles `code` (AT&T, entry `_start` or the first byte) at 0x400000 and builds the environment.
    convenience init(code: String, engine: Machine.Engine = .auto) throws {
        try self.init(
            image: Toolchain.assembleProgram(".globl _start\n_start:\n" + code, at: Machine.defaultLoadAddress),
            engine: engine)
    }

    /// Loads `image` on a machine running `engine` and builds the environment. Without `deliver`, IDTR keeps
    /// the bare profile's limit 0, so exceptions and NMIs stop the run instead of reaching the stubs.
    init(image: ProgramImage, engine: Machine.Engine = .auto, deliver: Bool = true) throws {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        machine = Machine(configuration: configuration)
        self.image = image
        machine.load(image)
        try write64(Self.gdt, [
            0,
            0x0020_9A00_0000_0000,  // code64, DPL 0
            0x0000_9200_0000_0000,  // data, DPL 0
            0x0000_F200_0000_0000,  // data, DPL 3
            0x0020_FA00_0000_0000,  // code64, DPL 3
            Self.tssDescriptorLow(base: Self.tss, limit: 0x67), Self.tss >> 32,
        ])
        var tssBytes = [UInt8](repeating: 0, count: 0x68)
        func put(_ value: UInt64, at offset: Int) { for i in 0..<8 { tssBytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) } }
        put(Self.rsp0, at: 4)
        put(Self.ist1, at: 36)
        put(Self.ist2, at: 44)
        try machine.writeMemory(tssBytes, at: Self.tss)
        for v in 0..<256 {
            try machine.writeMemory([0xFA, 0xF4], at: Self.stubs + UInt64(16 * v))
            try setGate(UInt8(v), handler: Self.stubs + UInt64(16 * v))
        }
        // PML4 → PDPT → PD → 4 page tables (8 MiB), every upper level P|RW|US so PTEs decide.
        try write64(Self.pml4, [(Self.pml4 + 0x1000) | 7])
        try write64(Self.pml4 + 0x1000, [(Self.pml4 + 0x2000) | 7])
        let tables = Int(Self.mappedBytes >> 21)
        try write64(Self.pml4 + 0x2000, (0..<tables).map { (Self.pageTables + UInt64($0) * 0x1000) | 7 })
        for page in 0..<Int(Self.mappedBytes >> 12) {
            try setPTE(UInt64(page) << 12, UInt64(page) << 12 | Self.present | Self.writable)
        }
        machine[.gdtrBase] = Self.gdt
        machine[.gdtrLimit] = 0x37
        if deliver {
            machine[.idtrBase] = Self.idt
            machine[.idtrLimit] = 0xFFF
        }
        machine[.tr] = UInt64(Self.tssSelector)
        machine[.trBase] = Self.tss
        machine[.trLimit] = 0x67
        machine[.cr3] = Self.pml4
        machine[.rsp] = Self.stack
    }

    static func tssDescriptorLow(base: UInt64, limit: UInt64) -> UInt64 {
        (limit & 0xFFFF) | (base & 0xFF_FFFF) << 16 | 0x8B << 40 | (base >> 24 & 0xFF) << 56
    }

    /// Writes an IDT gate: `type` 0xE interrupt / 0xF trap.
    func setGate(
        _ vector: UInt8, handler: UInt64, type: UInt64 = 0xE, dpl: UInt64 = 0, ist: UInt64 = 0,
        present: Bool = true, selector: UInt64 = 0x08
    ) throws {
        let low = (handler & 0xFFFF) | selector << 16 | ist << 32 | type << 40 | dpl << 45
            | (present ? 1 << 47 : 0) | (handler >> 16 & 0xFFFF) << 48
        try write64(Self.idt + UInt64(vector) * 16, [low, handler >> 32])
    }

    func stub(_ vector: UInt8) -> UInt64 { Self.stubs + UInt64(vector) * 16 }

    /// Whether the run stopped in `vector`'s handler stub.
    func stoppedIn(_ vector: UInt8, _ result: RunResult) -> Bool {
        result.stop == .halt && result.rip == stub(vector) + 2
    }

    func pteAddress(_ linear: UInt64) -> UInt64 { Self.pageTables + (linear >> 12) * 8 }
    func setPTE(_ linear: UInt64, _ value: UInt64) throws { try write64(pteAddress(linear), [value]) }
    func pte(_ linear: UInt64) throws -> UInt64 { try machine.read64(at: pteAddress(linear)) }

    /// Makes a page user-accessible (its PTE; upper levels are already US).
    func makeUser(_ linear: UInt64) throws { try setPTE(linear, try pte(linear) | Self.user) }

    /// Starts the program at CPL 3 (CS 0x23, SS 0x1b). With `userPages`, the program's pages and the
    /// stack's top page become user-accessible first.
    func enterUserMode(userPages: Bool = true) throws {
        if userPages {
            for page in stride(from: image.segments[0].address & ~0xFFF, to: image.segments.last!.endAddress, by: 4096) {
                try makeUser(page)
            }
            try makeUser(Self.stack - 4096)
        }
        machine[.cs] = UInt64(Self.userCode)
        machine[.ss] = UInt64(Self.userData)
    }

    /// Reads `count` quadwords at RSP (the frame a handler sees: [error code] RIP CS RFLAGS RSP SS).
    func frame(_ count: Int) throws -> [UInt64] {
        try (0..<count).map { try machine.read64(at: machine[.rsp] + UInt64(8 * $0)) }
    }

    func symbol(_ name: String) -> UInt64 { image.symbols[name]! }

    func write64(_ address: UInt64, _ values: [UInt64]) throws {
        try machine.writeMemory(values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }, at: address)
    }

    @discardableResult
    func run(max: UInt64 = 10_000) -> RunResult { machine.run(maxInstructions: max) }
}
