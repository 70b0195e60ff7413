# Fault atomicity of REP MOVSB and restart after demand paging. The copy of 0x1000 bytes starts
# 0x800 bytes below 16 MiB; [16 MiB, 17 MiB) is a registered demand region, not present. The fault
# comes at the first byte of the new page after 0x800 iterations: the saved state has RCX=0x800
# remaining, RDI=0x1000000, RIP = the REP MOVSB itself, CR2=0x1000000, error 0x2 (SDM vol. 2 REP:
# registers reflect the iterations done when an exception interrupts a repeated string
# instruction; RIP points to it so it resumes). The handler maps a fresh page and IRETQs, the
# instruction resumes and completes: RCX=0, RSI=src+0x1000, RDI=0x1000800, and the bytes match.
# expect: stop=halt r8=0x1000000 r9=0x2 r10=0x800 r11=0x1000000 r12=1 r13=0x0 r14=1 r15=1 rcx=0x0 rdi=0x1000800 rsi=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1000000, %edi
        mov $0x1100000, %esi
        mov $PTE_KERNEL, %edx
        call demand_register
        mov $src, %edi                      // fill the source with a pattern
        xor %ecx, %ecx
1:      mov %cl, %al
        xor $0x5a, %al
        mov %al, (%rdi,%rcx)
        inc %ecx
        cmp $0x1000, %ecx
        jb 1b
        mov $src, %esi
        mov $0xfff800, %edi
        mov $0x1000, %ecx
copy:   rep movsb
        mov %rcx, %rdx
        mov %rsi, %rbx
        mov %rdi, %rbp
        mov FLE(0, FLE_CR2), %r8
        mov FLE(0, FLE_ERROR), %r9
        mov FLE(0, FLE_RCX), %r10
        mov fault_log + FL_LAST_CR2, %r11
        lea copy(%rip), %rax
        ISEQ FLE(0, FLE_RIP), %rax, %r12
        mov $src, %esi                      // compare the copy with the source
        mov $0xfff800, %edi
        mov $0x1000, %ecx
        repe cmpsb
        mov %rcx, %r13                      // 0: all bytes compared equal
        mov demand_count, %r14
        mov fault_log + FL_COUNT, %r15
        mov %rdx, %rcx                      // RCX after the copy
        lea src + 0x1000, %rax
        ISEQ %rax, %rbx, %rsi               // RSI after the copy = src + 0x1000
        mov %rbp, %rdi                      // RDI after the copy
        ret

        .bss
        .balign 4096
src:    .skip 0x1000
