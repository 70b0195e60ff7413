/* ---------------------------------------------------------------- VMX constants
 *
 * VMCS field encodings (SDM vol. 3D appendix B; the set TinyVMX supports, Sources/.../VMCSField.swift),
 * VM-execution / VM-exit / VM-entry control bits (SDM vol. 3C "VM-Execution Control Fields",
 * "VM-Exit Control Fields", "VM-Entry Control Fields"), VMX capability MSRs (vol. 3D appendix A),
 * basic exit reasons (appendix C) and VM-instruction error numbers (vol. 3C "VM Instruction Error Numbers").
 * Plain #defines only: usable from assembly and C.
 */

/* 16-bit control */
#define VMCS_VPID                       0x0000
/* 16-bit guest state */
#define VMCS_GUEST_ES_SELECTOR          0x0800
#define VMCS_GUEST_CS_SELECTOR          0x0802
#define VMCS_GUEST_SS_SELECTOR          0x0804
#define VMCS_GUEST_DS_SELECTOR          0x0806
#define VMCS_GUEST_FS_SELECTOR          0x0808
#define VMCS_GUEST_GS_SELECTOR          0x080A
#define VMCS_GUEST_LDTR_SELECTOR        0x080C
#define VMCS_GUEST_TR_SELECTOR          0x080E
/* 16-bit host state */
#define VMCS_HOST_ES_SELECTOR           0x0C00
#define VMCS_HOST_CS_SELECTOR           0x0C02
#define VMCS_HOST_SS_SELECTOR           0x0C04
#define VMCS_HOST_DS_SELECTOR           0x0C06
#define VMCS_HOST_FS_SELECTOR           0x0C08
#define VMCS_HOST_GS_SELECTOR           0x0C0A
#define VMCS_HOST_TR_SELECTOR           0x0C0C
/* 64-bit control (add 1 for the high half) */
#define VMCS_IO_BITMAP_A                0x2000
#define VMCS_IO_BITMAP_B                0x2002
#define VMCS_MSR_BITMAP                 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR        0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR         0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR        0x200A
#define VMCS_TSC_OFFSET                 0x2010
#define VMCS_VIRTUAL_APIC_ADDR          0x2012
#define VMCS_EPT_POINTER                0x201A
/* 64-bit read-only data */
#define VMCS_GUEST_PHYSICAL_ADDRESS     0x2400
/* 64-bit guest state */
#define VMCS_LINK_POINTER               0x2800
#define VMCS_GUEST_DEBUGCTL             0x2802
#define VMCS_GUEST_PAT                  0x2804
#define VMCS_GUEST_EFER                 0x2806
/* 64-bit host state */
#define VMCS_HOST_PAT                   0x2C00
#define VMCS_HOST_EFER                  0x2C02
/* 32-bit control */
#define VMCS_PIN_CONTROLS               0x4000
#define VMCS_PROC_CONTROLS              0x4002
#define VMCS_EXCEPTION_BITMAP           0x4004
#define VMCS_PF_ERROR_MASK              0x4006
#define VMCS_PF_ERROR_MATCH             0x4008
#define VMCS_CR3_TARGET_COUNT           0x400A
#define VMCS_EXIT_CONTROLS              0x400C
#define VMCS_EXIT_MSR_STORE_COUNT       0x400E
#define VMCS_EXIT_MSR_LOAD_COUNT        0x4010
#define VMCS_ENTRY_CONTROLS             0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT       0x4014
#define VMCS_ENTRY_INTR_INFO            0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR      0x4018
#define VMCS_ENTRY_INSTRUCTION_LEN      0x401A
#define VMCS_TPR_THRESHOLD              0x401C
#define VMCS_PROC_CONTROLS2             0x401E
/* 32-bit read-only data */
#define VMCS_VM_INSTRUCTION_ERROR       0x4400
#define VMCS_EXIT_REASON                0x4402
#define VMCS_EXIT_INTR_INFO             0x4404
#define VMCS_EXIT_INTR_ERROR            0x4406
#define VMCS_IDT_VECTORING_INFO         0x4408
#define VMCS_IDT_VECTORING_ERROR        0x440A
#define VMCS_EXIT_INSTRUCTION_LEN       0x440C
#define VMCS_EXIT_INSTRUCTION_INFO      0x440E
/* 32-bit guest state */
#define VMCS_GUEST_ES_LIMIT             0x4800
#define VMCS_GUEST_CS_LIMIT             0x4802
#define VMCS_GUEST_SS_LIMIT             0x4804
#define VMCS_GUEST_DS_LIMIT             0x4806
#define VMCS_GUEST_FS_LIMIT             0x4808
#define VMCS_GUEST_GS_LIMIT             0x480A
#define VMCS_GUEST_LDTR_LIMIT           0x480C
#define VMCS_GUEST_TR_LIMIT             0x480E
#define VMCS_GUEST_GDTR_LIMIT           0x4810
#define VMCS_GUEST_IDTR_LIMIT           0x4812
#define VMCS_GUEST_ES_AR                0x4814
#define VMCS_GUEST_CS_AR                0x4816
#define VMCS_GUEST_SS_AR                0x4818
#define VMCS_GUEST_DS_AR                0x481A
#define VMCS_GUEST_FS_AR                0x481C
#define VMCS_GUEST_GS_AR                0x481E
#define VMCS_GUEST_LDTR_AR              0x4820
#define VMCS_GUEST_TR_AR                0x4822
#define VMCS_GUEST_INTERRUPTIBILITY     0x4824
#define VMCS_GUEST_ACTIVITY_STATE       0x4826
#define VMCS_GUEST_SMBASE               0x4828
#define VMCS_GUEST_SYSENTER_CS          0x482A
#define VMCS_PREEMPTION_TIMER_VALUE     0x482E
/* 32-bit host state */
#define VMCS_HOST_SYSENTER_CS           0x4C00
/* natural-width control */
#define VMCS_CR0_GUEST_HOST_MASK        0x6000
#define VMCS_CR4_GUEST_HOST_MASK        0x6002
#define VMCS_CR0_READ_SHADOW            0x6004
#define VMCS_CR4_READ_SHADOW            0x6006
#define VMCS_CR3_TARGET0                0x6008
#define VMCS_CR3_TARGET1                0x600A
#define VMCS_CR3_TARGET2                0x600C
#define VMCS_CR3_TARGET3                0x600E
/* natural-width read-only data */
#define VMCS_EXIT_QUALIFICATION         0x6400
#define VMCS_IO_RCX                     0x6402
#define VMCS_IO_RSI                     0x6404
#define VMCS_IO_RDI                     0x6406
#define VMCS_IO_RIP                     0x6408
#define VMCS_GUEST_LINEAR_ADDRESS       0x640A
/* natural-width guest state */
#define VMCS_GUEST_CR0                  0x6800
#define VMCS_GUEST_CR3                  0x6802
#define VMCS_GUEST_CR4                  0x6804
#define VMCS_GUEST_ES_BASE              0x6806
#define VMCS_GUEST_CS_BASE              0x6808
#define VMCS_GUEST_SS_BASE              0x680A
#define VMCS_GUEST_DS_BASE              0x680C
#define VMCS_GUEST_FS_BASE              0x680E
#define VMCS_GUEST_GS_BASE              0x6810
#define VMCS_GUEST_LDTR_BASE            0x6812
#define VMCS_GUEST_TR_BASE              0x6814
#define VMCS_GUEST_GDTR_BASE            0x6816
#define VMCS_GUEST_IDTR_BASE            0x6818
#define VMCS_GUEST_DR7                  0x681A
#define VMCS_GUEST_RSP                  0x681C
#define VMCS_GUEST_RIP                  0x681E
#define VMCS_GUEST_RFLAGS               0x6820
#define VMCS_GUEST_PENDING_DBG_EXC      0x6822
#define VMCS_GUEST_SYSENTER_ESP         0x6824
#define VMCS_GUEST_SYSENTER_EIP         0x6826
/* natural-width host state */
#define VMCS_HOST_CR0                   0x6C00
#define VMCS_HOST_CR3                   0x6C02
#define VMCS_HOST_CR4                   0x6C04
#define VMCS_HOST_FS_BASE               0x6C06
#define VMCS_HOST_GS_BASE               0x6C08
#define VMCS_HOST_TR_BASE               0x6C0A
#define VMCS_HOST_GDTR_BASE             0x6C0C
#define VMCS_HOST_IDTR_BASE             0x6C0E
#define VMCS_HOST_SYSENTER_ESP          0x6C10
#define VMCS_HOST_SYSENTER_EIP          0x6C12
#define VMCS_HOST_RSP                   0x6C14
#define VMCS_HOST_RIP                   0x6C16

/* Pin-based VM-execution controls (0x4000) */
#define PIN_EXT_INT_EXITING             (1 << 0)
#define PIN_NMI_EXITING                 (1 << 3)
#define PIN_VIRTUAL_NMIS                (1 << 5)
#define PIN_PREEMPTION_TIMER            (1 << 6)

/* Primary processor-based VM-execution controls (0x4002) */
#define PROC_INTR_WINDOW                (1 << 2)
#define PROC_USE_TSC_OFFSET             (1 << 3)
#define PROC_HLT_EXITING                (1 << 7)
#define PROC_INVLPG_EXITING             (1 << 9)
#define PROC_MWAIT_EXITING              (1 << 10)
#define PROC_RDPMC_EXITING              (1 << 11)
#define PROC_RDTSC_EXITING              (1 << 12)
#define PROC_CR3_LOAD                   (1 << 15)
#define PROC_CR3_STORE                  (1 << 16)
#define PROC_CR8_LOAD                   (1 << 19)
#define PROC_CR8_STORE                  (1 << 20)
#define PROC_NMI_WINDOW                 (1 << 22)
#define PROC_MOV_DR_EXITING             (1 << 23)
#define PROC_UNCOND_IO                  (1 << 24)
#define PROC_USE_IO_BITMAPS             (1 << 25)
#define PROC_MTF                        (1 << 27)
#define PROC_USE_MSR_BITMAPS            (1 << 28)
#define PROC_SECONDARY                  (1 << 31)

/* Secondary processor-based VM-execution controls (0x401E) */
#define PROC2_ENABLE_EPT                (1 << 1)
#define PROC2_ENABLE_VPID               (1 << 5)
#define PROC2_UNRESTRICTED_GUEST        (1 << 7)

/* VM-exit controls (0x400C) */
#define EXIT_SAVE_DEBUG                 (1 << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE       (1 << 9)
#define EXIT_ACK_INTR_ON_EXIT           (1 << 15)
#define EXIT_SAVE_PAT                   (1 << 18)
#define EXIT_LOAD_PAT                   (1 << 19)
#define EXIT_SAVE_EFER                  (1 << 20)
#define EXIT_LOAD_EFER                  (1 << 21)
#define EXIT_SAVE_PREEMPTION_TIMER      (1 << 22)

/* VM-entry controls (0x4012) */
#define ENTRY_LOAD_DEBUG                (1 << 2)
#define ENTRY_IA32E_MODE_GUEST          (1 << 9)
#define ENTRY_SMM                       (1 << 10)
#define ENTRY_LOAD_PAT                  (1 << 14)
#define ENTRY_LOAD_EFER                 (1 << 15)

/* MSRs */
#define MSR_IA32_FEATURE_CONTROL        0x3A
#define MSR_IA32_VMX_BASIC              0x480
#define MSR_IA32_VMX_PINBASED_CTLS      0x481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x482
#define MSR_IA32_VMX_EXIT_CTLS          0x483
#define MSR_IA32_VMX_ENTRY_CTLS         0x484
#define MSR_IA32_VMX_MISC               0x485
#define MSR_IA32_VMX_CR0_FIXED0         0x486
#define MSR_IA32_VMX_CR0_FIXED1         0x487
#define MSR_IA32_VMX_CR4_FIXED0         0x488
#define MSR_IA32_VMX_CR4_FIXED1         0x489
#define MSR_IA32_VMX_VMCS_ENUM          0x48A
#define MSR_IA32_VMX_PROCBASED_CTLS2    0x48B
#define MSR_IA32_VMX_EPT_VPID_CAP       0x48C
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48D
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48E
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x48F
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x490
#define MSR_IA32_PAT                    0x277

#define CR0_TS                          (1 << 3)
#define CR4_VMXE                        0x2000

/* Basic exit reasons (bits 15:0 of VMCS_EXIT_REASON) */
#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_INTERRUPT_WINDOW    7
#define EXIT_REASON_NMI_WINDOW          8
#define EXIT_REASON_TASK_SWITCH         9
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_GETSEC              11
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVD                13
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDPMC               15
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_RSM                 17
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_DR_ACCESS           29
#define EXIT_REASON_IO                  30
#define EXIT_REASON_RDMSR               31
#define EXIT_REASON_WRMSR               32
#define EXIT_REASON_ENTRY_FAIL_GUEST    33
#define EXIT_REASON_ENTRY_FAIL_MSR      34
#define EXIT_REASON_MWAIT               36
#define EXIT_REASON_MTF                 37
#define EXIT_REASON_MONITOR             39
#define EXIT_REASON_PAUSE               40
#define EXIT_REASON_TPR_BELOW_THRESHOLD 43
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_RDTSCP              51
#define EXIT_REASON_PREEMPTION_TIMER    52
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_WBINVD              54
#define EXIT_REASON_XSETBV              55
#define EXIT_REASON_ENTRY_FAILURE       0x80000000   /* bit 31: VM-entry failure */

/* Interruption information (VM-exit 0x4404, IDT-vectoring 0x4408, VM-entry 0x4016) */
#define INTR_INFO_VALID                 0x80000000
#define INTR_INFO_ERROR_VALID           0x800
#define INTR_INFO_NMI_UNBLOCKING        0x1000
#define INTR_TYPE_EXT_INTR              (0 << 8)
#define INTR_TYPE_NMI                   (2 << 8)
#define INTR_TYPE_HW_EXCEPTION          (3 << 8)
#define INTR_TYPE_SW_INTR               (4 << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION     (5 << 8)
#define INTR_TYPE_SW_EXCEPTION          (6 << 8)

/* VM-instruction error numbers (VMCS_VM_INSTRUCTION_ERROR) */
#define VMXERR_VMCALL_IN_ROOT           1
#define VMXERR_VMCLEAR_BAD_ADDR         2
#define VMXERR_VMCLEAR_VMXON_PTR        3
#define VMXERR_VMLAUNCH_NOT_CLEAR       4
#define VMXERR_VMRESUME_NOT_LAUNCHED    5
#define VMXERR_VMRESUME_AFTER_VMXOFF    6
#define VMXERR_ENTRY_BAD_CONTROLS       7
#define VMXERR_ENTRY_BAD_HOST_STATE     8
#define VMXERR_VMPTRLD_BAD_ADDR         9
#define VMXERR_VMPTRLD_VMXON_PTR        10
#define VMXERR_VMPTRLD_BAD_REVISION     11
#define VMXERR_UNSUPPORTED_FIELD        12
#define VMXERR_WRITE_READ_ONLY          13
#define VMXERR_VMXON_IN_ROOT            15
#define VMXERR_ENTRY_MOV_SS             26

/* Status returned by the vmx.S helpers (from RFLAGS after a VMX instruction) */
#define VMX_OK                          0       /* VMsucceed */
#define VMX_FAIL_INVALID                1       /* CF = 1 */
#define VMX_FAIL_VALID                  2       /* ZF = 1; the error number is in VMCS_VM_INSTRUCTION_ERROR */

/* guest_regs slots (x86 register numbering, like KVM's VCPU_REGS_*): byte offsets */
#define GR_RAX  0
#define GR_RCX  8
#define GR_RDX  16
#define GR_RBX  24
#define GR_RSP  32      /* unused: the guest RSP lives in VMCS_GUEST_RSP */
#define GR_RBP  40
#define GR_RSI  48
#define GR_RDI  56
#define GR_R8   64
#define GR_R9   72
#define GR_R10  80
#define GR_R11  88
#define GR_R12  96
#define GR_R13  104
#define GR_R14  112
#define GR_R15  120

/* EPT */
#define EPT_R           0x1
#define EPT_W           0x2
#define EPT_X           0x4
#define EPT_RWX         0x7
#define EPT_MT_WB       (6 << 3)        /* leaf entries: memory type in bits 5:3 */
#define EPTP_WB_4LEVEL  (6 | (3 << 3))  /* EPTP: memory type WB, page-walk length 4 - 1 */
#define EPT_MAP_END     0x1000000       /* ept_identity_setup maps guest-physical [0, 16 MiB) */

/* EPT-violation exit qualification bits (SDM vol. 3C "Exit Qualification for EPT Violations") */
#define EPTQ_READ       (1 << 0)
#define EPTQ_WRITE      (1 << 1)
#define EPTQ_FETCH      (1 << 2)
#define EPTQ_READABLE   (1 << 3)
#define EPTQ_WRITABLE   (1 << 4)
#define EPTQ_EXECUTABLE (1 << 5)
#define EPTQ_LINEAR_VALID (1 << 7)
#define EPTQ_TRANSLATED (1 << 8)
