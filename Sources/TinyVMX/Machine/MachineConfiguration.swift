extension Machine {
    /// How a machine is built: memory size, CPUID answers, the time-stamp counter's start.
    public struct Configuration: Sendable {
        /// Physical address space in bytes; pages are allocated on first touch, so size costs nothing.
        public var physicalMemorySize: UInt64 = 64 << 30
        /// Linear addresses below this are identity-mapped by the bare profile's page tables (the low 4 GiB),
        /// which are placed in physical memory right above it (see `BarePageTables`).
        public var identityMapLimit: UInt64 = 4 << 30
        /// CPUID answers by (leaf, subleaf); a leaf not listed returns all zeros. Subleaf `nil` matches any.
        public var cpuidLeaves: [CPUIDLeaf] = CPUIDLeaf.defaults
        /// Model-specific registers beyond the architectural ones (EFER, FS/GS/KERNEL_GS base, TSC), by index.
        public var msrs: [UInt32: UInt64] = [:]
        /// RDTSC returns this plus the number of instructions retired so far.
        public var initialTSC: UInt64 = 0
        /// Which tier runs guest code (`auto`: interpret, compile blocks once they are hot).
        public var engine: Engine = .auto
        /// Executable memory for compiled code (reserved when the first block is compiled). When it is full,
        /// all compiled code is dropped and hot blocks are compiled again.
        public var jitCodeBytes: Int = 32 << 20

        public init() {}

        func cpuid(leaf: UInt32, subleaf: UInt32) -> CPUIDLeaf.Registers {
            for entry in cpuidLeaves where entry.leaf == leaf && (entry.subleaf == nil || entry.subleaf == subleaf) {
                return entry.registers
            }
            return CPUIDLeaf.Registers(eax: 0, ebx: 0, ecx: 0, edx: 0)
        }
    }

    /// The execution tiers. Results are identical whichever runs; only speed differs.
    public enum Engine: String, Sendable, CaseIterable {
        /// Decode and interpret every instruction.
        case interpreter
        /// Compile every block to native x86-64 code the first time it runs (what the JIT cannot compile
        /// is interpreted).
        case jit
        /// Interpret cold code; compile a block once it has run 16 times.
        case auto
    }

    /// One configured CPUID answer.
    public struct CPUIDLeaf: Sendable, Equatable {
        public struct Registers: Sendable, Equatable {
            public var eax, ebx, ecx, edx: UInt32
            public init(eax: UInt32, ebx: UInt32, ecx: UInt32, edx: UInt32) {
                self.eax = eax
                self.ebx = ebx
                self.ecx = ecx
                self.edx = edx
            }
        }

        public var leaf: UInt32
        public var subleaf: UInt32?
        public var registers: Registers

        public init(leaf: UInt32, subleaf: UInt32? = nil, registers: Registers) {
            self.leaf = leaf
            self.subleaf = subleaf
            self.registers = registers
        }

        /// A small Intel-like CPU: vendor "GenuineIntel", family 6, leaf 1 with VMX, XSAVE, PSE, PAE, PGE, TSC, MSR, APIC, SSE2,
        /// POPCNT, leaf 7 with FSGSBASE and SMEP, leaf 0x80000001 with LM, NX, 1 GiB pages, SYSCALL, LZCNT, and
        /// leaf 0x80000008 with 36 physical / 48 linear address bits (change it with `physicalMemorySize`).
        public static let defaults: [CPUIDLeaf] = [
            CPUIDLeaf(leaf: 0, registers: .init(eax: 0xD, ebx: 0x756E_6547, ecx: 0x6C65_746E, edx: 0x4965_6E69)),
            CPUIDLeaf(leaf: 1, registers: .init(eax: 0x0009_06EA, ebx: 0, ecx: (1 << 5) | (1 << 23) | (1 << 26), edx: 0x0780_0150 | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 13) | (1 << 26))),
            CPUIDLeaf(leaf: 0x8000_0000, registers: .init(eax: 0x8000_0008, ebx: 0, ecx: 0, edx: 0)),
            CPUIDLeaf(leaf: 0x8000_0001, registers: .init(eax: 0, ebx: 0, ecx: 1 << 5, edx: (1 << 11) | (1 << 20) | (1 << 26) | (1 << 29))),
            // Leaf 7: FSGSBASE (EBX 0) and SMEP (EBX 7), the CR4 features this machine supports.
            CPUIDLeaf(leaf: 7, subleaf: 0, registers: .init(eax: 0, ebx: (1 << 0) | (1 << 7), ecx: 0, edx: 0)),
            // Physical/linear address widths: 36 (64 GiB, the default memory size) / 48.
            CPUIDLeaf(leaf: 0x8000_0008, registers: .init(eax: 0x3024, ebx: 0, ecx: 0, edx: 0)),
        ]
    }

    /// Counters an embedder or the CLI's `--json` can read.
    public struct Statistics: Sendable, Equatable {
        public var blocksDecoded: UInt64 = 0
        /// Instructions Capstone decoded (a loop body repeated in its block is decoded once).
        public var instructionsDecoded: UInt64 = 0
        /// Instructions in decoded blocks, repeats included.
        public var blockInstructions: UInt64 = 0
        /// Times decoded code was dropped because memory holding it was written (or translations changed).
        public var codeInvalidations: UInt64 = 0
        /// MOV to CR2 executed (each one is serializing on hardware).
        public var cr2Writes: UInt64 = 0
        /// MOV from CR2 executed.
        public var cr2Reads: UInt64 = 0
        /// Exceptions (including INT n / INT3) delivered through the IDT.
        public var exceptionsDelivered: UInt64 = 0
        /// NMIs delivered through vector 2.
        public var nmisDelivered: UInt64 = 0
        /// External interrupts delivered.
        public var interruptsDelivered: UInt64 = 0
        /// VM entries that passed the control and host-state checks (including those that then failed on
        /// guest state), and VM exits (including VM-entry failures).
        public var vmEntries: UInt64 = 0
        public var vmExits: UInt64 = 0
        /// Blocks compiled to native code, and the time spent compiling them.
        public var jitBlocksCompiled: UInt64 = 0
        public var jitTranslationNanoseconds: UInt64 = 0
        /// Instructions retired by compiled code (the rest were interpreted).
        public var jitInstructions: UInt64 = 0
        /// Returns from compiled code to the dispatcher, and how many of them were TLB misses (the
        /// interpreter then ran the instruction).
        public var jitExits: UInt64 = 0
        public var jitMisses: UInt64 = 0
        /// Times compiled code was dropped (code written, paging changed, VM transition, arena full).
        public var jitInvalidations: UInt64 = 0
        public init() {}
    }
}
