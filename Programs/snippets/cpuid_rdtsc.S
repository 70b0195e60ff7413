# CPUID answers from the configured table (default leaf 0: "GenuineIntel"); RDTSC reads the number of instructions retired before it (3).
# expect: stop=halt rbx=0x756e6547 rdx=0x0 rax=0x3 r8=0x6c65746e
        .globl _start
_start: xor %eax, %eax
        cpuid
        mov %ecx, %r8d
        rdtsc
        hlt
