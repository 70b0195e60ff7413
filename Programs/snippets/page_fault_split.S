# An 8-byte load that starts 4 bytes below 4 GiB: the first page is mapped, the second is not; the fault
# reports the first byte of the second page (CR2 = 0x100000000) and nothing is loaded.
# set: rax=0x1234
# expect: stop=exception vector=14 errorCode=0x0 cr2=0x100000000 rax=0x1234
        .globl _start
_start: mov $0xfffffffc, %ebx
        mov (%rbx), %rax
        hlt
