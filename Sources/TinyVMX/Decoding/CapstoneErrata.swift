/// The one place TinyVMX looks at instruction bytes itself: encodings Capstone 4.0.2 rejects although the CPU
/// executes them. Each entry is consulted only after Capstone has refused the bytes.
enum CapstoneErrata {
    /// Legacy prefixes that may precede an opcode.
    private static let legacyPrefixes: Set<UInt8> = [0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67]

    /// `0F 1F /r` with a register operand (ModRM.mod = 3) is a hint NOP on Intel and AMD CPUs, but Capstone
    /// 4.0.2 accepts only its memory forms (found by the differential fuzzer: `nopl %eax`, `0f 1f c3`).
    /// - Returns: The instruction length (prefixes, optional REX, 0F 1F, ModRM), or `nil` for other bytes.
    static func registerHintNOPLength(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        var i = 0
        while i < count && i < 14 && legacyPrefixes.contains(bytes[i]) { i += 1 }
        if i < count && (0x40...0x4F).contains(bytes[i]) { i += 1 }
        guard i + 3 <= count, i + 3 <= 15, bytes[i] == 0x0F, bytes[i + 1] == 0x1F, bytes[i + 2] >> 6 == 3 else {
            return nil
        }
        return i + 3
    }
}
