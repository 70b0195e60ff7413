/// Helpers for values of an operand width of 1, 2, 4 or 8 bytes held in a `UInt64`.
enum Width {
    /// All bits of a `size`-byte value (`size` is 1, 2, 4 or 8).
    @inline(__always)
    static func mask(_ size: UInt8) -> UInt64 {
        UInt64.max &>> (64 &- UInt64(size) &* 8)
    }

    /// The sign bit of a `size`-byte value.
    @inline(__always)
    static func signBit(_ size: UInt8) -> UInt64 {
        UInt64(1) &<< (UInt64(size) &* 8 &- 1)
    }

    /// Sign-extends the low `size` bytes of `value` to 64 bits.
    @inline(__always)
    static func signExtend(_ value: UInt64, _ size: UInt8) -> UInt64 {
        let shift = 64 &- UInt64(size) &* 8
        return UInt64(bitPattern: Int64(bitPattern: value << shift) >> shift)
    }

    /// Bits in a `size`-byte value.
    @inline(__always)
    static func bits(_ size: UInt8) -> UInt64 { UInt64(size) &* 8 }
}
