/* ---------------------------------------------------------------- constants */

#define KERNEL_CS       0x08
#define KERNEL_DS       0x10
#define USER_DS         0x1b            /* GDT entry 0x18, RPL 3 */
#define USER_CS         0x23            /* GDT entry 0x20, RPL 3 */
#define TSS_SEL         0x28

#define MSR_EFER            0xC0000080
#define MSR_FS_BASE         0xC0000100
#define MSR_GS_BASE         0xC0000101
#define MSR_KERNEL_GS_BASE  0xC0000102

#define PTE_P       0x1
#define PTE_W       0x2
#define PTE_U       0x4
#define PTE_PWT     0x8
#define PTE_PCD     0x10
#define PTE_A       0x20
#define PTE_D       0x40
#define PTE_PS      0x80
#define PTE_G       0x100
#define PTE_RSVD51  0x0008000000000000
#define PTE_NX      0x8000000000000000
#define PTE_KERNEL  (PTE_P | PTE_W)
#define PTE_USER    (PTE_P | PTE_W | PTE_U)

#define PF_P        0x1
#define PF_W        0x2
#define PF_U        0x4
#define PF_RSVD     0x8
#define PF_I        0x10

/* Identity map built at boot: 4 KiB pages for [4 KiB, IDMAP_END); page 0 and everything else
 * not present. */
#define IDMAP_END       0x1000000
#define IDMAP_PT_PAGES  8               /* 8 page tables x 2 MiB */
#define PT_POOL_PAGES   32              /* page-table pages for map_page() */

/* Fresh physical pages handed out by the demand-paging path (above 4 GiB, zero-filled RAM). */
#define DEMAND_PHYS_BASE 0x200000000

/* The per-CPU area is reached through GS at this linear address (an alias of `percpu`). */
#define PERCPU_BASE     0xfffffe0000000000

/* Trap frame built by every entry stub: 15 GPRs, vector, error code, then the CPU frame. */
#define TF_R15      0
#define TF_R14      8
#define TF_R13      16
#define TF_R12      24
#define TF_R11      32
#define TF_R10      40
#define TF_R9       48
#define TF_R8       56
#define TF_RBP      64
#define TF_RDI      72
#define TF_RSI      80
#define TF_RDX      88
#define TF_RCX      96
#define TF_RBX      104
#define TF_RAX      112
#define TF_VECTOR   120
#define TF_ERROR    128
#define TF_RIP      136
#define TF_CS       144
#define TF_RFLAGS   152
#define TF_RSP      160
#define TF_SS       168
#define TF_SIZE     176

/* Per-CPU area (through %gs). */
#define PCPU_SELF       0       /* PERCPU_BASE */
#define PCPU_NMI_CR2    8       /* CR2 saved by the NMI handler on entry (Linux nmi_cr2) */
#define PCPU_KERNEL_RSP 16      /* kernel RSP saved by run_user */
#define PCPU_PF_DEPTH   24      /* #PF handlers currently running */
#define PCPU_LAST_CR2   32      /* CR2 read by the last #PF handler */
#define PCPU_LAST_ERROR 40      /* error code of the last #PF */
#define PCPU_MAGIC      48      /* "PERCPU!!" */
#define PCPU_SCRATCH    56      /* free for tests */
#define PCPU_MAGIC_VALUE 0x2121555043524550

/* Fault log (`fault_log`): every exception entry except NMI. */
#define FL_COUNT        0
#define FL_LAST_VECTOR  8
#define FL_LAST_ERROR   16
#define FL_LAST_CR2     24      /* CR2 read by the #PF handler; 0 for other vectors */
#define FL_LAST_RIP     32
#define FL_LAST_RSP     40      /* RSP saved in the CPU frame */
#define FL_LAST_FRAME   48      /* address of the RIP slot of the CPU frame */
#define FL_PF_COUNT     56
#define FL_ENTRIES      64
#define FLE_VECTOR      0
#define FLE_ERROR       8
#define FLE_CR2         16
#define FLE_RIP         24
#define FLE_RSP         32
#define FLE_RCX         40      /* RCX of the interrupted context (REP progress) */
#define FLE_FRAME       48
#define FLE_CS          56
#define FLE_SIZE        64
#define FL_MAX          32

/* NMI log (`nmi_log`). */
#define NL_COUNT        0
#define NL_LAST_CR2     8       /* CR2 read on entry */
#define NL_LAST_RIP     16
#define NL_LAST_FRAME   24      /* address of the RIP slot of the CPU frame */
#define NL_EXITS        32      /* completed handler runs (about to IRETQ) */
#define NL_NESTED       40      /* entries while another NMI handler was running */
#define NL_IN_PROGRESS  48
#define NL_RESTORES     56      /* exits that wrote the saved CR2 back */
#define NL_ENTRIES      64
#define NLE_CR2         0       /* CR2 at entry */
#define NLE_RIP         8       /* interrupted RIP */
#define NLE_FRAME       16      /* address of the RIP slot */
#define NLE_EXITS       24      /* NL_EXITS when this NMI entered */
#define NLE_RSP         32      /* interrupted RSP */
#define NLE_CR2_EXIT    40      /* CR2 at exit, before any write-back */
#define NLE_CS          48      /* interrupted CS */
#define NLE_SWAPGS      56      /* 1 if the handler had to SWAPGS (interrupted with the user GS) */
#define NLE_SIZE        64
#define NL_MAX          8

/* int $0x80 system calls (number in RAX, arguments in RDI, RSI; result in RAX). */
#define SYS_EXIT        0       /* leave user mode: run_user returns RDI in RAX, RSI in RDX */
#define SYS_GETPCPU     1       /* returns %gs:PCPU_SELF as the kernel sees it */
#define SYS_ADD         2       /* returns RDI + RSI */
#define SYS_GSBASES     3       /* returns MSR GS_BASE in RAX, KERNEL_GS_BASE in RDX (kernel view) */
#define ENOSYS          38

/* Addresses of log entry fields, for tests: FLE(i, FLE_CR2), NLE(i, NLE_RIP). */
#define FLE(i, f)   (fault_log + FL_ENTRIES + (i) * FLE_SIZE + (f))
#define NLE(i, f)   (nmi_log + NL_ENTRIES + (i) * NLE_SIZE + (f))

/* Exception-table entry: a fault at `from` resumes at `to` (like Linux _ASM_EXTABLE). */
#define EXTABLE(from, to) \
        .pushsection .rt_extable, 1, "a" ; .quad from, to ; .popsection

.macro SAVE_REGS
        push %rax
        push %rbx
        push %rcx
        push %rdx
        push %rsi
        push %rdi
        push %rbp
        push %r8
        push %r9
        push %r10
        push %r11
        push %r12
        push %r13
        push %r14
        push %r15
.endm

/* ISEQ a, b, dst: dst = 1 if a == b else 0 (cmp operands: one may be memory or an immediate a). */
.macro ISEQ a, b, dst
        mov $0, \dst
        cmpq \a, \b
        jne 1000f
        mov $1, \dst
1000:
.endm

.macro RESTORE_REGS
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rbp
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        pop %rbx
        pop %rax
.endm

/* Clears R8-R15 (entry to test_main and to user mode start from zeroed registers). */
#define ZERO_R8_TO_R15 \
        xor %r8d, %r8d; xor %r9d, %r9d; xor %r10d, %r10d; xor %r11d, %r11d; \
        xor %r12d, %r12d; xor %r13d, %r13d; xor %r14d, %r14d; xor %r15d, %r15d
