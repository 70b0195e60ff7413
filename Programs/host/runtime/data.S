/* ---------------------------------------------------------------- data */

        .section .rodata, "a"
.Lhex_digits:     .ascii "0123456789abcdef"
.Ls_oops:         .asciz "Oops: "
.Ls_error:        .asciz " error "
.Ls_count:        .asciz " [#"
.Ls_rip:          .asciz "]\nRIP: "
.Ls_rsp:          .asciz "\nRSP: "
.Ls_eflags:       .asciz " EFLAGS: "
.Ls_fs:           .asciz "FS:  "
.Ls_gs:           .asciz " GS: "
.Ls_knlgs:        .asciz " knlGS: "
.Ls_cs:           .asciz "\nCS:  "
.Ls_cr0:          .asciz " CR0: "
.Ls_cr2:          .asciz "\nCR2: "
.Ls_cr3:          .asciz " CR3: "
.Ls_cr4:          .asciz " CR4: "
        .balign 4
.Lgpr_names:      .asciz "RAX"
                .asciz "RBX"
                .asciz "RCX"
                .asciz "RDX"
                .asciz "RSI"
                .asciz "RDI"
                .asciz "RBP"
                .asciz "R08"
                .asciz "R09"
                .asciz "R10"
                .asciz "R11"
                .asciz "R12"
                .asciz "R13"
                .asciz "R14"
                .asciz "R15"
.Lgpr_offsets:    .byte TF_RAX, TF_RBX, TF_RCX, TF_RDX, TF_RSI, TF_RDI, TF_RBP, TF_R8
                .byte TF_R9, TF_R10, TF_R11, TF_R12, TF_R13, TF_R14, TF_R15

        .data
        .balign 16
        .globl gdt
gdt:    .quad 0
        .quad 0x00af9a000000ffff        // 0x08 kernel code: P DPL0 code exec/read, L=1 D=0 G=1
        .quad 0x00cf92000000ffff        // 0x10 kernel data: P DPL0 data read/write
        .quad 0x00cff2000000ffff        // 0x18 user data:   P DPL3 data read/write
        .quad 0x00affa000000ffff        // 0x20 user code:   P DPL3 code exec/read, L=1
        .quad 0, 0                      // 0x28 64-bit TSS (built by rt_build_tss)
.Lgdt_end:
        .balign 8
        .word 0, 0, 0
.Lgdtr:   .word .Lgdt_end - gdt - 1
        .quad gdt
        .word 0, 0, 0
.Lidtr:   .word 256 * 16 - 1
        .quad idt

        .balign 8
        .globl pt_pool_next, demand_phys_next, demand_start, demand_end, demand_flags, demand_count
pt_pool_next:     .quad pt_pool
demand_phys_next: .quad DEMAND_PHYS_BASE
demand_start:     .quad 0
demand_end:       .quad 0
demand_flags:     .quad PTE_KERNEL
demand_count:     .quad 0
        /* Test hooks (0 = none): */
        .globl pf_callback, nmi_callback, die_hook, vector_handlers
pf_callback:      .quad 0               // pf_callback(frame, cr2) -> rax != 0: handled, IRETQ
nmi_callback:     .quad 0               // nmi_callback(frame), inside the NMI handler
die_hook:         .quad 0               // die_hook(frame), after the oops dump
        .globl fixup_count, syscall_count, oops_count, oops_cr2, oops_log_len
fixup_count:      .quad 0
syscall_count:    .quad 0
oops_count:       .quad 0
oops_cr2:         .quad 0
oops_log_len:     .quad 0

        .bss
        .balign 4096
        .globl pml4, pdpt, pd0, idmap_pt, pt_pool, idt, percpu
pml4:           .skip 4096
pdpt:           .skip 4096
pd0:            .skip 4096
idmap_pt:       .skip 4096 * IDMAP_PT_PAGES
pt_pool:        .skip 4096 * PT_POOL_PAGES
idt:            .skip 4096
percpu:         .skip 4096
        .globl kstack_top, nmi_stack_top, df_stack_top, ist3_stack_top
                .skip 16384
kstack_top:
                .skip 8192
nmi_stack_top:
                .skip 8192
df_stack_top:
                .skip 8192
ist3_stack_top:
        .balign 16
        .globl tss
tss:            .skip 104
        .balign 64
        .globl vector_handlers, fault_log, nmi_log, oops_log
vector_handlers: .skip 256 * 8          // per-vector hooks: handler(frame, cr2) -> handled?
fault_log:      .skip FL_ENTRIES + FLE_SIZE * FL_MAX
nmi_log:        .skip NL_ENTRIES + NLE_SIZE * NL_MAX
oops_log:       .skip 4096

        .text
