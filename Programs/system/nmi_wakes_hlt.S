# An NMI ends the HLT state (SDM vol. 2 HLT: "an NMI ... will resume execution"); the NMI frame saves
# the RIP of the instruction after HLT, so the IRETQ continues there. HLT runs with IF=0; the NMI is
# injected before instruction 1000000, long after the HLT (~38000 instructions of set-up), so the
# machine waits halted until then.
# nmi-at-instruction: 1000000
# expect: stop=halt r8=1 r9=1 r10=0x5a
#include "../host/runtime.S"
        .globl test_main
test_main:
        hlt
after:  mov nmi_log + NL_COUNT, %r8
        lea after(%rip), %rax
        ISEQ NLE(0, NLE_RIP), %rax, %r9
        mov $0x5a, %r10d
        ret
