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

extension CapstoneErrata {
    /// Whether bytes Capstone refused are an instruction longer than 15 bytes, which the CPU rejects with
    /// #GP(0) rather than #UD. Capstone enforces the 15-byte limit itself, so it cannot tell "too long" from
    /// "invalid": the first 15 bytes all being prefixes settles it; otherwise repeated legacy prefixes (which
    /// change nothing) are dropped and Capstone is asked again about the shorter form.
    /// - Parameters:
    ///   - bytes: The instruction's bytes as far as they could be fetched (up to 32).
    ///   - decode: Decodes a candidate and returns its length, or `nil` if Capstone refuses it.
    static func isOverlong(_ bytes: [UInt8], decode: ([UInt8]) -> Int?) -> Bool {
        var prefixCount = 0
        while prefixCount < bytes.count
            && (legacyPrefixes.contains(bytes[prefixCount]) || (0x40...0x4F).contains(bytes[prefixCount]))
        {
            prefixCount += 1
        }
        if prefixCount >= 15 { return true }
        // Keep the last occurrence of each legacy prefix (and a REX only if it is last, where it counts).
        let prefixes = Array(bytes[0..<prefixCount])
        var kept: [UInt8] = []
        for (i, p) in prefixes.enumerated() {
            let isREX = (0x40...0x4F).contains(p)
            if isREX {
                if i == prefixes.count - 1 { kept.append(p) }
            } else if !prefixes[(i + 1)...].contains(p) {
                kept.append(p)
            }
        }
        let removed = prefixCount - kept.count
        guard removed > 0 else { return false }
        let candidate = kept + bytes[prefixCount...]
        guard let length = decode(Array(candidate.prefix(15))) else { return false }
        return length + removed > 15
    }
}
