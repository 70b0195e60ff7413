/// Every interpreter/host mismatch the differential fuzzer found, minimized, plus a few hand-written guards for
/// cases that are easy to get wrong. Register numbers: 0 RAX 1 RCX 2 RDX 3 RBX 4 RSP 5 RBP 6 RSI 7 RDI 8…15 R8…R15.
///
/// To add one from a fuzzer report, paste its "as a regression case" block (it uses the all-registers initializer).
extension RegressionCase {
    static let all: [RegressionCase] = [
        // MARK: Found by the fuzzer

        RegressionCase(
            "nop-register-form",
            note: """
                0F 1F /0 with a register operand is a valid (hint) NOP; Capstone 4.0.2 rejects it, so the interpreter \
                raised #UD. Host: completes.
                """,
            source: """
                nopl %eax
                nopw %ax
                .byte 0x0f, 0x1f, 0xc3
                .byte 0x48, 0x0f, 0x1f, 0xc7
                """),
        RegressionCase(
            "movsxd-32-bit-destination-register",
            note: """
                63 /r without REX.W has a 32-bit operand size: a plain 32-bit move, zero-extended. Capstone 4 decodes \
                it as `movsxd rax, ebp` (64-bit destination), so the interpreter sign-extended. Host: RBP = 0x800b340e.
                """,
            source: "movsxd %r12d, %ebp",
            gpr: [12: 0x7C7E_7DE7_800B_340E, 5: 0x1111]),
        RegressionCase(
            "movsxd-32-bit-destination-memory",
            note: "As above with a memory source. Host: R8 = 0x80000001.",
            source: """
                movl $0x80000001, 8(%r15)
                movsxd 8(%r15), %r8d
                """,
            gpr: [8: ~0]),
        RegressionCase(
            "cmpxchg-r32-unequal-leaves-destination",
            note: """
                CMPXCHG with a register destination that differs from the accumulator loads EAX and does not write the \
                destination at all (no zero-extension of its upper half); the interpreter wrote it back. Host: \
                RBP = 0x338f664a2373c5ab unchanged, RAX = 0x2373c5ab.
                """,
            source: "cmpxchg %ecx, %ebp",
            gpr: [0: 5, 1: 7, 5: 0x338F_664A_2373_C5AB]),
        RegressionCase(
            "non-canonical-rsp-operand-raises-ss",
            note: """
                A memory operand whose base is RSP or RBP uses SS: a non-canonical address raises #SS(0) (vector 12), \
                not #GP. The interpreter raised #GP (13). Host: #SS at the MOV.
                """,
            source: """
                movabsq $0xfffe382a35a34b68, %rsp
                mov (%rsp), %eax
                """,
            comparedFlags: []),
        RegressionCase(
            "non-canonical-rbp-operand-raises-ss",
            note: "As above with an RBP base, a store. Host: #SS at the MOV.",
            source: """
                movabsq $0x40000eaa54e6f297, %rbp
                mov %ebx, 8(%rbp)
                """,
            comparedFlags: []),
        RegressionCase(
            "non-canonical-rbp-indexed-operand-raises-ss",
            note: "RBP base with an index (found as the divisor of an IDIV). Host: #SS at the IDIV.",
            source: "idivw -1100(%rbp,%r15)",
            gpr: [5: 0x4855_53B1_F27C_38EB],
            comparedFlags: []),

        RegressionCase(
            "instruction-longer-than-15-bytes-raises-gp",
            note: """
                An instruction longer than 15 bytes (here 14 redundant 66 prefixes + ADD) raises #GP(0); the \
                interpreter raised #UD (Capstone refuses the bytes). Host: #GP (13) at the first prefix.
                """,
            source: ".byte 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x01, 0xd8",
            comparedFlags: []),

        // MARK: Guards (these agree; they pin behaviour that is easy to break)

        RegressionCase(
            "cmpxchg-r32-equal-writes-destination-only",
            note: "Equal: the destination gets ECX (zero-extended); RAX keeps its upper half.",
            source: "cmpxchg %ecx, %ebp",
            gpr: [0: 0xFFFF_FFFF_2373_C5AB, 1: 0xAAAA_BBBB_CCCC_DDDD, 5: 0x338F_664A_2373_C5AB]),
        RegressionCase(
            "shift-count-zero-still-zero-extends",
            note: "A 32-bit shift by CL = 0 changes no flags but still writes (zero-extends) the destination.",
            source: "shl %cl, %eax",
            gpr: [0: 0xFFFF_FFFF_0000_0001, 1: 0xFFF0_0000_0000_0000],
            rflags: 0x8D5),
        RegressionCase(
            "xchg-eax-eax-zero-extends",
            note: "87 C0 is a real 32-bit exchange (only 90 is NOP): RAX's upper half is cleared.",
            source: "xchg %eax, %eax",
            gpr: [0: 0xFFFF_FFFF_0000_0001]),
        RegressionCase(
            "addr32-loop-uses-and-zero-extends-ecx",
            note: "LOOP with a 32-bit address size decrements ECX; the write clears RCX's upper half.",
            source: """
                movabsq $0x1234567800000002, %rcx
                1: addr32 loop 1b
                """),
        RegressionCase(
            "bt-memory-negative-register-offset",
            note: "BT with a register offset addresses outside the operand (signed, in operand-size units).",
            source: """
                mov $-77, %rax
                btsq %rax, 64(%r15)
                btw %ax, 64(%r15)
                setc %bl
                """,
            comparedFlags: [.cf]),
        RegressionCase(
            "rcr-byte-by-nine-is-identity",
            note: "RCR r/m8 rotates through CF modulo 9: a count of 9 leaves the value and CF unchanged.",
            source: """
                stc
                rcrb $9, %al
                setc %bl
                """,
            gpr: [0: 0x5A],
            comparedFlags: [.cf]),
        RegressionCase(
            "fifteen-byte-instruction-is-fine",
            note: "Exactly 15 bytes (13 redundant 66 prefixes + ADD r/m16) executes.",
            source: ".byte 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x01, 0xd8",
            gpr: [0: 0x1111_2222_3333_4444, 3: 0x5555_6666_7777_8888]),
        RegressionCase(
            "rex-before-66-is-ignored",
            note: "A REX prefix not directly before the opcode is ignored: 48 66 01 D8 is ADD AX, BX.",
            source: ".byte 0x48, 0x66, 0x01, 0xd8",
            gpr: [0: 0x1111_2222_3333_4444, 3: 0x5555_6666_7777_8888]),
        RegressionCase(
            "shld-16-bit-count-16",
            note: "SHLD r/m16 with a count of 16 (the largest defined one) moves the source in whole.",
            source: "shldw $16, %bx, %ax",
            gpr: [0: 0x1234, 3: 0xABCD],
            comparedFlags: [.cf, .zf, .sf, .pf]),
    ]
}
