/// Bit positions of RFLAGS.
enum RFLAGS {
    static let cf: UInt64 = 1 << 0
    static let reserved1: UInt64 = 1 << 1
    static let pf: UInt64 = 1 << 2
    static let af: UInt64 = 1 << 4
    static let zf: UInt64 = 1 << 6
    static let sf: UInt64 = 1 << 7
    static let tf: UInt64 = 1 << 8
    static let `if`: UInt64 = 1 << 9
    static let df: UInt64 = 1 << 10
    static let of: UInt64 = 1 << 11
    static let iopl: UInt64 = 3 << 12
    static let nt: UInt64 = 1 << 14
    static let rf: UInt64 = 1 << 16
    static let vm: UInt64 = 1 << 17
    static let ac: UInt64 = 1 << 18
    static let vif: UInt64 = 1 << 19
    static let vip: UInt64 = 1 << 20
    static let id: UInt64 = 1 << 21
    /// The six arithmetic status flags.
    static let status: UInt64 = cf | pf | af | zf | sf | of
    /// Bits software can change with POPF at CPL 0 in 64-bit mode (VM and RF are never loaded by POPF;
    /// VIP/VIF are cleared).
    static let popfWritableCPL0: UInt64 = status | tf | `if` | df | iopl | nt | ac | id
}
