/// Control-register bits and the values MOV to CRn accepts.
enum ControlRegister {
    enum CR0 {
        static let pe: UInt64 = 1 << 0
        static let mp: UInt64 = 1 << 1
        static let em: UInt64 = 1 << 2
        static let ts: UInt64 = 1 << 3
        static let et: UInt64 = 1 << 4
        static let ne: UInt64 = 1 << 5
        static let wp: UInt64 = 1 << 16
        static let am: UInt64 = 1 << 18
        static let nw: UInt64 = 1 << 29
        static let cd: UInt64 = 1 << 30
        static let pg: UInt64 = 1 << 31
        /// Bits that exist; writing any other bit raises #GP(0) (bits 63:32 are reserved).
        static let defined: UInt64 = pe | mp | em | ts | et | ne | wp | am | nw | cd | pg
    }

    enum CR4 {
        static let vme: UInt64 = 1 << 0
        static let pvi: UInt64 = 1 << 1
        static let tsd: UInt64 = 1 << 2
        static let de: UInt64 = 1 << 3
        static let pse: UInt64 = 1 << 4
        static let pae: UInt64 = 1 << 5
        static let mce: UInt64 = 1 << 6
        static let pge: UInt64 = 1 << 7
        static let pce: UInt64 = 1 << 8
        static let osfxsr: UInt64 = 1 << 9
        static let osxmmexcpt: UInt64 = 1 << 10
        static let umip: UInt64 = 1 << 11
        static let vmxe: UInt64 = 1 << 13
        static let smxe: UInt64 = 1 << 14
        static let fsgsbase: UInt64 = 1 << 16
        static let pcide: UInt64 = 1 << 17
        static let osxsave: UInt64 = 1 << 18
        static let smep: UInt64 = 1 << 20
        static let smap: UInt64 = 1 << 21
        static let pke: UInt64 = 1 << 22
        /// Bits this CPU supports (CPUID advertises the matching features); others raise #GP(0).
        /// Not supported: LA57, SMXE, PCIDE, SMAP, PKE, CET and later.
        static let supported: UInt64 =
            vme | pvi | tsd | de | pse | pae | mce | pge | pce | osfxsr | osxmmexcpt | umip | vmxe | fsgsbase
            | osxsave | smep
        /// Bits whose change affects translation (a change flushes the TLB and decoded code).
        static let pagingBits: UInt64 = pse | pae | pge | smep | smap | pke | pcide
    }
}
