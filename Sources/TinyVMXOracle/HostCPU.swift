internal import CTinyVMXNative

/// Runs x86-64 machine code natively on the host CPU, in-process, as an oracle for the interpreter.
///
/// The snippet is copied to ``codeAddress`` (a 64 KiB region, written while RW and then made RX),
/// followed by a return sequence; the data region at ``dataAddress`` (``dataSize`` bytes) is
/// filled with the given data and zeros. Both regions are mapped at fixed addresses on first
/// use and kept. All 16 GPRs, RSP included, and the arithmetic flags are loaded from the
/// state, the snippet runs until it falls off its end, faults or exceeds its CPU time limit,
/// and the registers, flags and data are read back. Runs are serialized process-wide.
///
/// The snippet runs in user mode with the process's privileges, so it must:
/// - touch only the data region (a stray store into mapped host memory corrupts the process),
/// - not deny access to protection key 0 with `wrpkru` (the return path would fault),
/// - end on an instruction boundary (the return sequence follows the last byte).
///
/// System calls from the snippet are stopped with Linux's Syscall User Dispatch (5.11+) and
/// reported as a SIGSYS fault; on older kernels they would run, so snippets must avoid them.
/// The host thread's FS/GS base, PKRU, MXCSR, x87 control word and RFLAGS (DF, AC, TF) are
/// restored after every run, so `wrfsbase`, `ldmxcsr`, `std` or `popfq` cannot harm the host.
///
/// Differences from an interpreter running at CPL 0: RFLAGS on output has IF (bit 9) and
/// bit 1 set, and IOPL 0; RF (bit 16) may be set in the flags reported at a fault; TF and
/// AC are never loaded from the state. Page-fault error codes have the U/S bit (4) set, and
/// faults on kernel-half addresses are reported by Linux as protection faults (error code 5
/// for a read). `hlt`, `cli`, `in`/`out`, moves to control registers and non-canonical
/// accesses raise #GP (vector 13, SIGSEGV, error code 0); `int n` (other than `int3` and
/// `int 0x80`) raises #GP with error code `n * 8 + 2`; `into` and `sysenter` raise #UD.
/// `rdtsc`, `cpuid` and similar run natively and report the host's values.
/// XMM0-15 are zeroed and MXCSR/x87 control words reset to their defaults before each run.
public enum HostCPU {
    /// Address at which the snippet is placed.
    public static let codeAddress: UInt64 = UInt64(TINYVMX_CODE_ADDRESS)
    /// Size of the code region.
    public static let codeSize: Int = Int(TINYVMX_CODE_SIZE)
    /// Longest snippet accepted (the region less the return sequence, at most 21 bytes).
    public static let maxCodeLength: Int = Int(TINYVMX_CODE_SIZE - TINYVMX_RETURN_SEQUENCE_LENGTH)
    /// Address of the data/scratch region.
    public static let dataAddress: UInt64 = UInt64(TINYVMX_DATA_ADDRESS)
    /// Size of the data region (1 MiB).
    public static let dataSize: Int = Int(TINYVMX_DATA_SIZE)
    /// RFLAGS bits loaded from the input state: CF PF AF ZF SF DF OF.
    public static let loadedFlagsMask: UInt64 = UInt64(TINYVMX_LOADED_FLAGS_MASK)
    /// Default CPU time limit of a run.
    public static let defaultTimeLimit: Duration = .seconds(1)

    /// Runs `code` natively.
    ///
    /// - Parameters:
    ///   - code: machine code, placed at ``codeAddress``.
    ///   - state: the 16 GPRs and RFLAGS to start with; point RSP into the data region.
    ///   - data: the start of the data region; the rest of the region is zero.
    ///   - dataLength: how many bytes of the data region to return (default `data.count`).
    ///   - timeLimit: CPU time after which the snippet is stopped (``HostCPUOutcome/timedOut(rip:)``);
    ///     `nil` for none. Checked at the kernel's tick granularity (a few milliseconds).
    /// - Returns: the outcome, registers, data and exit RIP.
    /// - Throws: ``HostCPUError`` if the run could not be set up.
    public static func run(
        code: [UInt8],
        state: HostCPUState,
        data: [UInt8] = [],
        dataLength: Int? = nil,
        timeLimit: Duration? = defaultTimeLimit
    ) throws(HostCPUError) -> HostCPURun {
        let outLength = dataLength ?? data.count
        guard code.count <= maxCodeLength else { throw .codeTooLarge(size: code.count, limit: maxCodeLength) }
        guard data.count <= dataSize else { throw .dataTooLarge(size: data.count, limit: dataSize) }
        guard outLength >= 0, outLength <= dataSize else { throw .dataTooLarge(size: outLength, limit: dataSize) }
        guard state.gpr.count == 16 else { throw .wrongRegisterCount(state.gpr.count) }

        var input = tinyvmx_native_regs()
        withUnsafeMutableBytes(of: &input.gpr) { raw in
            state.gpr.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        input.rflags = state.rflags
        var result = tinyvmx_native_result()
        var errorNumber: Int32 = 0
        var status: Int32 = 0
        let outData = [UInt8](unsafeUninitializedCapacity: outLength) { buffer, count in
            status = code.withUnsafeBufferPointer { codeBuffer in
                data.withUnsafeBufferPointer { dataBuffer in
                    tinyvmx_native_run(
                        codeBuffer.baseAddress, code.count, &input,
                        dataBuffer.baseAddress, data.count,
                        buffer.baseAddress, outLength, microseconds(timeLimit),
                        &result, &errorNumber)
                }
            }
            count = status == 0 ? outLength : 0
        }
        try check(status, errorNumber: errorNumber)
        return makeRun(result, data: outData)
    }

    private static func microseconds(_ limit: Duration?) -> UInt64 {
        guard let limit, limit > .zero else { return 0 }
        let (seconds, attoseconds) = limit.components
        return max(1, UInt64(seconds) * 1_000_000 + UInt64(attoseconds / 1_000_000_000_000))
    }

    private static func check(_ status: Int32, errorNumber: Int32) throws(HostCPUError) {
        switch status {
        case 0: return
        case TINYVMX_ERROR_MAP_CODE: throw .mappingFailed(address: codeAddress, errno: errorNumber)
        case TINYVMX_ERROR_MAP_DATA: throw .mappingFailed(address: dataAddress, errno: errorNumber)
        default: throw .systemCallFailed(errno: errorNumber)
        }
    }

    private static func makeRun(_ result: tinyvmx_native_result, data: [UInt8]) -> HostCPURun {
        let gpr = withUnsafeBytes(of: result.regs.gpr) { Array($0.bindMemory(to: UInt64.self)) }
        let state = HostCPUState(gpr: gpr, rflags: result.regs.rflags)
        let rip = result.regs.rip
        let outcome: HostCPUOutcome
        switch result.status {
        case TINYVMX_STATUS_COMPLETED:
            outcome = .completed
        case TINYVMX_STATUS_TIMED_OUT:
            outcome = .timedOut(rip: rip)
        default:
            outcome = .fault(
                signal: result.signal, vector: Int(result.vector), errorCode: result.error_code,
                faultAddress: result.fault_address, rip: rip)
        }
        return HostCPURun(outcome: outcome, state: state, data: data, exitRIP: rip)
    }
}
