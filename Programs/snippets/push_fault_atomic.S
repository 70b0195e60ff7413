# A push that faults (#PF on the stack page above 4 GiB) leaves RSP unchanged.
# expect: stop=exception vector=14 errorCode=0x2 rsp=0x100000008 cr2=0x100000000
        .globl _start
_start: movabs $0x100000008, %rsp
        push %rax
        hlt
