/// Registers and flags of a host-CPU run, as loaded into and read back from the real CPU.
public struct HostCPUState: Sendable, Equatable {
    /// A general-purpose register, numbered in hardware encoding order.
    public enum Register: Int, Sendable, CaseIterable {
        case rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi
        case r8, r9, r10, r11, r12, r13, r14, r15
    }

    /// The 16 GPRs in hardware encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15.
    public var gpr: [UInt64]
    /// RFLAGS. On input only CF PF AF ZF SF DF OF (``HostCPU/loadedFlagsMask``) are used;
    /// on output this is the value the CPU reported (IF and bit 1 are set, see ``HostCPU``).
    public var rflags: UInt64

    /// Creates a state; `gpr` must hold 16 values (checked by ``HostCPU/run(code:state:data:dataLength:timeLimit:)``).
    public init(gpr: [UInt64] = Array(repeating: 0, count: 16), rflags: UInt64 = 0x2) {
        self.gpr = gpr
        self.rflags = rflags
    }

    /// Reads or writes one GPR by name.
    public subscript(_ register: Register) -> UInt64 {
        get { gpr[register.rawValue] }
        set { gpr[register.rawValue] = newValue }
    }
}

/// How a host-CPU run ended.
public enum HostCPUOutcome: Sendable, Equatable {
    /// The snippet ran off its end.
    case completed
    /// The snippet raised an exception, delivered to the process as `signal`.
    /// `vector` is the exception number (0 #DE, 1 #DB, 3 #BP, 6 #UD, 13 #GP, 14 #PF, 17 #AC, ...),
    /// or -1 with `signal` 31 (SIGSYS) when the syscall guard stopped a `syscall`/`int 0x80`
    /// (RIP after the instruction, RAX the system call number, nothing executed);
    /// `errorCode` the hardware error code as the kernel reported it,
    /// `faultAddress` CR2 for a page fault (vector 14) and 0 otherwise, and
    /// `rip` the RIP the kernel reported: the faulting instruction for faults,
    /// the next instruction for traps such as `int3`.
    case fault(signal: Int32, vector: Int, errorCode: UInt64, faultAddress: UInt64, rip: UInt64)
    /// The snippet used up its CPU time limit; `rip` is where it was stopped.
    case timedOut(rip: UInt64)
}

/// The result of one host-CPU run.
public struct HostCPURun: Sendable {
    /// How the run ended.
    public var outcome: HostCPUOutcome
    /// Registers and RFLAGS at the end of the snippet, at the fault, or when stopped.
    public var state: HostCPUState
    /// The first `dataLength` bytes of the data region after the run.
    public var data: [UInt8]
    /// RIP at exit: `HostCPU.codeAddress + code.count` when completed, else the outcome's RIP.
    public var exitRIP: UInt64

    /// Creates a run result.
    public init(outcome: HostCPUOutcome, state: HostCPUState, data: [UInt8], exitRIP: UInt64) {
        self.outcome = outcome
        self.state = state
        self.data = data
        self.exitRIP = exitRIP
    }
}

/// A problem setting up a host-CPU run (the snippet did not run).
public enum HostCPUError: Error, Sendable, Equatable {
    /// A fixed region could not be mapped (for example `EEXIST`: something else is there).
    case mappingFailed(address: UInt64, errno: Int32)
    /// The code does not fit in the code region together with the return sequence.
    case codeTooLarge(size: Int, limit: Int)
    /// The data, or the requested data length, exceeds the data region.
    case dataTooLarge(size: Int, limit: Int)
    /// The state does not hold exactly 16 GPRs.
    case wrongRegisterCount(Int)
    /// A system call (mprotect, madvise, sigaction, sigaltstack, timer_create...) failed.
    case systemCallFailed(errno: Int32)
}
