/// A set of the six arithmetic status flags, as their RFLAGS bits.
struct FlagSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    let rawValue: UInt64

    static let cf = FlagSet(rawValue: 1 << 0)
    static let pf = FlagSet(rawValue: 1 << 2)
    static let af = FlagSet(rawValue: 1 << 4)
    static let zf = FlagSet(rawValue: 1 << 6)
    static let sf = FlagSet(rawValue: 1 << 7)
    static let of = FlagSet(rawValue: 1 << 11)
    static let status: FlagSet = [.cf, .pf, .af, .zf, .sf, .of]
    /// What LAHF/SAHF move: SF ZF AF PF CF.
    static let lahf: FlagSet = [.sf, .zf, .af, .pf, .cf]

    /// RFLAGS.DF, which the comparison always includes (it is never undefined).
    static let directionBit: UInt64 = 1 << 10
    /// The RFLAGS bits the host oracle loads and the comparison may look at.
    static let comparableBits: UInt64 = status.rawValue | directionBit

    var description: String {
        let names: [(FlagSet, String)] = [(.cf, "CF"), (.pf, "PF"), (.af, "AF"), (.zf, "ZF"), (.sf, "SF"), (.of, "OF")]
        let present = names.filter { contains($0.0) }.map(\.1)
        return present.isEmpty ? "none" : present.joined(separator: " ")
    }

    /// A readable rendering of the comparable bits of an RFLAGS value, e.g. `CF ZF DF`.
    static func render(_ rflags: UInt64) -> String {
        var parts = FlagSet(rawValue: rflags & status.rawValue).description
        if parts == "none" { parts = "" }
        if rflags & directionBit != 0 { parts += parts.isEmpty ? "DF" : " DF" }
        return parts.isEmpty ? "-" : parts
    }
}

/// The sixteen condition codes of Jcc/SETcc/CMOVcc and the flags each reads.
enum ConditionCode: CaseIterable, Sendable {
    case o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g

    var suffix: String { "\(self)" }

    var reads: FlagSet {
        switch self {
        case .o, .no: return .of
        case .b, .ae: return .cf
        case .e, .ne: return .zf
        case .be, .a: return [.cf, .zf]
        case .s, .ns: return .sf
        case .p, .np: return .pf
        case .l, .ge: return [.sf, .of]
        case .le, .g: return [.zf, .sf, .of]
        }
    }
}
