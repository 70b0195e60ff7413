# A handler that faults on its own first instruction, on an IST stack: every #UD is delivered on the same
# fresh stack, so it never overflows into a #DF and the CPU would deliver #UD forever without retiring an
# instruction. TinyVMX charges each delivered exception one unit of the instruction budget, so the run ends
# with instruction-limit on the handler's UD2 instead of hanging (found while tracing VMX exits).
# max-instructions: 100000
# expect: stop=instruction-limit
#include "../host/runtime.S"
        .globl test_main, storm
test_main:
        mov $6, %edi
        lea storm(%rip), %rsi
        mov $0x8E, %edx                     // interrupt gate, DPL 0
        mov $3, %ecx                        // IST3
        call set_gate
        ud2
storm:  ud2
