import CCapstone

/// The one place Capstone is called: turns bytes at an address into a `DecodedInstruction`.
///
/// A decoder owns a Capstone handle with detail on and one reusable `cs_insn` buffer, so decoding allocates
/// nothing. It is not thread-safe; each `Machine` owns its own.
final class Decoder: @unchecked Sendable {
    /// The outcome of decoding the bytes at one address.
    enum Result {
        case instruction(DecodedInstruction)
        /// Capstone could not decode the bytes (the CPU raises #UD).
        case invalid
    }

    private var handle: csh = 0
    private let insn: UnsafeMutablePointer<cs_insn>
    private let tables: CapstoneTables

    /// Opens a 64-bit x86 Capstone handle with instruction detail.
    init() {
        var h: csh = 0
        let err = cs_open(CS_ARCH_X86, CS_MODE_64, &h)
        precondition(err == CS_ERR_OK, "Capstone cs_open failed: \(err) (is libcapstone-dev 4.x installed?)")
        cs_option(h, CS_OPT_DETAIL, size_t(CS_OPT_ON.rawValue))
        handle = h
        insn = cs_malloc(h)
        tables = CapstoneTables.shared(for: h)
    }

    deinit {
        cs_free(insn, 1)
        cs_close(&handle)
    }

    /// Decodes one instruction.
    /// - Parameters:
    ///   - bytes: Up to 15 bytes starting at `address`.
    ///   - count: How many of them are valid.
    ///   - address: The instruction's linear address (branch targets and RIP-relative operands are made absolute).
    /// - Returns: The decoded instruction, or `.invalid` when Capstone rejects the bytes.
    func decode(_ bytes: UnsafePointer<UInt8>, count: Int, address: UInt64) -> Result {
        var code: UnsafePointer<UInt8>? = bytes
        var size = count
        var addr = address
        guard cs_disasm_iter(handle, &code, &size, &addr, insn) else {
            if let length = CapstoneErrata.registerHintNOPLength(bytes, count: count) {
                var nop = DecodedInstruction()
                nop.opcode = .nop
                nop.address = address
                nop.length = UInt8(length)
                return .instruction(nop)
            }
            return .invalid
        }
        return .instruction(InstructionTranslator.translate(insn, tables: tables))
    }

    /// Capstone's text for the instruction at `address` (`mnemonic operands`), for traces and error messages.
    /// - Returns: `nil` if the bytes do not decode.
    func disassemble(_ bytes: [UInt8], address: UInt64) -> (text: String, length: Int)? {
        bytes.withUnsafeBufferPointer { buf -> (String, Int)? in
            guard let base = buf.baseAddress, !buf.isEmpty else { return nil }
            var code: UnsafePointer<UInt8>? = base
            var size = buf.count
            var addr = address
            guard cs_disasm_iter(handle, &code, &size, &addr, insn) else {
                return CapstoneErrata.registerHintNOPLength(base, count: buf.count).map { ("nop (register form)", $0) }
            }
            let text = Self.text(of: insn)
            return (text, Int(insn.pointee.size))
        }
    }

    private static func text(of insn: UnsafeMutablePointer<cs_insn>) -> String {
        let mnemonic = withUnsafeBytes(of: insn.pointee.mnemonic) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let operands = withUnsafeBytes(of: insn.pointee.op_str) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return operands.isEmpty ? mnemonic : "\(mnemonic) \(operands)"
    }
}
