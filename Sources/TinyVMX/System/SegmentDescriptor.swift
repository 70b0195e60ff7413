/// An 8-byte GDT entry, decoded far enough for 64-bit mode's checks (code/data type, DPL, present, L).
struct SegmentDescriptor {
    var raw: UInt64

    var isPresent: Bool { raw & (1 << 47) != 0 }
    var dpl: UInt8 { UInt8((raw >> 45) & 3) }
    /// S flag: code or data (system descriptors — TSS, gates, LDT — have it clear).
    var isCodeOrData: Bool { raw & (1 << 44) != 0 }
    /// The 4-bit type field.
    var type: UInt8 { UInt8((raw >> 40) & 0xF) }
    var isCode: Bool { isCodeOrData && type & 0x8 != 0 }
    var isConforming: Bool { isCode && type & 0x4 != 0 }
    var isWritableData: Bool { isCodeOrData && type & 0x8 == 0 && type & 0x2 != 0 }
    var isReadable: Bool { isCodeOrData && (type & 0x8 == 0 || type & 0x2 != 0) }
    /// A 64-bit code segment: L set and D clear.
    var isLong: Bool { raw & (1 << 53) != 0 && raw & (1 << 54) == 0 }
    /// Base bits 31:0 (a system descriptor's upper half adds bits 63:32).
    var base: UInt64 { ((raw >> 16) & 0xFF_FFFF) | ((raw >> 32) & 0xFF00_0000) }
    /// Limit in bytes, scaled by the G flag.
    var limit: UInt32 {
        let l = UInt32((raw & 0xFFFF) | ((raw >> 32) & 0xF_0000))
        return raw & (1 << 55) != 0 ? (l << 12) | 0xFFF : l
    }
}

extension Core {
    /// Reads the GDT entry `selector` names.
    /// - Throws: #GP(selector | EXT) for an LDT selector (no LDT is modelled) or one beyond the GDT limit.
    func descriptor(_ selector: UInt16, errorCodeExt ext: UInt32 = 0) throws(ExecutionEvent) -> SegmentDescriptor {
        let code = UInt32(selector & 0xFFFC) | ext
        guard selector & 4 == 0, UInt64(selector | 7) <= UInt64(state.pointee.gdtr_limit) else {
            throw .exception(.gp(code))
        }
        return SegmentDescriptor(raw: try implicitRead(state.pointee.gdtr_base &+ UInt64(selector & ~7), 8))
    }
}
