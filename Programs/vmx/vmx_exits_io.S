# I/O instructions with "unconditional I/O exiting" (SDM vol. 3C "Instructions That Cause VM Exits
# Conditionally": IN, INS, OUT, OUTS exit when the control is 1 and "use I/O bitmaps" is 0; "Exit
# Qualification for I/O Instructions": bits 2:0 size - 1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP,
# bit 6 operand encoding (0 = DX, 1 = immediate), bits 31:16 port). Exit reason 30. Without the control
# (and without I/O bitmaps) the instructions run in the guest: CPL 0 <= IOPL is not needed at CPL 0.
#   0 OUT 0x80, AL            -> 30, qualification 0x800040
#   1 IN AX, DX (DX = 0x3F8)  -> 30, 0x3f80009
#   2 OUT DX, EAX (DX = 0xCF8) -> 30, 0xcf80003
#   r8 = mask of passing cases (7)    r9 = first failing case (-1 = none)
#   r10 = its exit reason, r11 = its qualification, r12 = its GUEST_RIP (when r9 is not -1)
# expect: stop=halt r8=7 r9=0xffffffffffffffff
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
#include "../host/runtime/vmx_table.S"

        .section .rodata
        .balign 8
table:
        XCASE set_io, i0, EXIT_REASON_IO, 0x800040, i0x, 0
        XCASE set_io, i1, EXIT_REASON_IO, 0x3f80009, i1x, 0
        XCASE set_io, i2, EXIT_REASON_IO, 0xcf80003, i2x, 0
table_end:
        .text

set_io:
        VMCS_SET VMCS_PROC_CONTROLS, PROC_UNCOND_IO
        ret

        .globl test_main
test_main:
        call vmx_on
        XTABLE_RUN_REPORT table, table_end
        ret

        .globl i0, i1, i2
i0:     mov $0x55, %al
i0x:    outb %al, $0x80
        ud2
i1:     mov $0x3f8, %edx
i1x:    inw %dx, %ax
        ud2
i2:     mov $0xcf8, %edx
        mov $0x80000000, %eax
i2x:    outl %eax, %dx
        ud2
