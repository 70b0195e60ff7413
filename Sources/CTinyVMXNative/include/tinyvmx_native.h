// Host-CPU oracle: runs a snippet of x86-64 machine code natively, in-process,
// at fixed addresses, and reports the registers, flags and data afterwards.
#ifndef TINYVMX_NATIVE_H
#define TINYVMX_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/// Where the snippet is placed (one 64 KiB RX region, mapped once and kept).
#define TINYVMX_CODE_ADDRESS 0x60000000ULL
#define TINYVMX_CODE_SIZE 0x10000ULL
/// Longest return sequence appended to a snippet: jmp *disp(%rip) (6 bytes),
/// up to 7 bytes of padding, and the 8-byte aligned exit address.
#define TINYVMX_RETURN_SEQUENCE_LENGTH 21ULL
/// Where the data/scratch region is placed (1 MiB RW, mapped once and kept).
#define TINYVMX_DATA_ADDRESS 0x61000000ULL
#define TINYVMX_DATA_SIZE 0x100000ULL
/// RFLAGS bits taken from the input state: CF PF AF ZF SF DF OF.
#define TINYVMX_LOADED_FLAGS_MASK 0xCD5ULL

/// Outcome of a run (tinyvmx_native_result.status).
#define TINYVMX_STATUS_COMPLETED 0
#define TINYVMX_STATUS_FAULT 1
#define TINYVMX_STATUS_TIMED_OUT 2

/// Setup errors (return value of tinyvmx_native_run; 0 means the snippet ran).
#define TINYVMX_ERROR_MAP_CODE (-1)
#define TINYVMX_ERROR_MAP_DATA (-2)
#define TINYVMX_ERROR_CODE_TOO_LARGE (-3)
#define TINYVMX_ERROR_DATA_TOO_LARGE (-4)
#define TINYVMX_ERROR_SYSTEM_CALL (-5)

/// Registers in hardware encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15.
typedef struct tinyvmx_native_regs {
    uint64_t gpr[16];
    uint64_t rip;
    uint64_t rflags;
} tinyvmx_native_regs;

typedef struct tinyvmx_native_result {
    /// Registers at the end of the snippet, at the fault, or when the time limit hit.
    tinyvmx_native_regs regs;
    /// TINYVMX_STATUS_*.
    int32_t status;
    /// Signal number for a fault (SIGFPE, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, or
    /// SIGSYS for a system call stopped by the syscall guard), else 0.
    int32_t signal;
    /// Exception vector (REG_TRAPNO) for a fault, -1 for SIGSYS, else 0.
    int64_t vector;
    /// Error code (REG_ERR) for a fault, else 0.
    uint64_t error_code;
    /// CR2 (REG_CR2) for a page fault (vector 14), else 0.
    uint64_t fault_address;
} tinyvmx_native_result;

/// Runs `code` at TINYVMX_CODE_ADDRESS with the given registers and data.
///
/// The data region is set to `data` (`data_length` bytes) followed by zeros;
/// afterwards its first `data_out_length` bytes are copied to `data_out`.
/// `time_limit_usec` is a limit on the thread's CPU time (0: no limit).
/// Runs are serialized by a global mutex. Returns 0 when the snippet ran
/// (see `result->status`), or a TINYVMX_ERROR_* value with `*error_number`
/// set to the errno of the failing call (0 if none).
int tinyvmx_native_run(const uint8_t *code, size_t code_length,
                       const tinyvmx_native_regs *input,
                       const uint8_t *data, size_t data_length,
                       uint8_t *data_out, size_t data_out_length,
                       uint64_t time_limit_usec,
                       tinyvmx_native_result *result, int32_t *error_number);

#endif
