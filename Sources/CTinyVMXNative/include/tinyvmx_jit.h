#ifndef TINYVMX_JIT_H
#define TINYVMX_JIT_H
#include <stddef.h>
#include <stdint.h>
#include "tinyvmx_cpu.h"

/// Entries in each software-TLB array (direct-mapped by linear page number, low 8 bits).
#define TVX_TLB_SIZE 256
/// Entries in the indirect-branch cache (direct-mapped by the low 8 bits of the guest address).
#define TVX_JUMP_CACHE_SIZE 256

/// Why compiled code returned to the dispatcher (the value of tvx_jit_entry's result).
enum {
    /// A block ended and its successor is not linked: `cpu.rip` is where to go on.
    TVX_JIT_NEXT = 0,
    /// A block was not entered because `fuel` is smaller than its length: `cpu.rip` is its first instruction.
    TVX_JIT_BUDGET = 1,
    /// A memory access missed the TLB (or would cross a page, or touch code): `cpu.rip` is the instruction,
    /// which has not executed; the interpreter runs it. `exit_block` / `exit_index` say which one it is.
    TVX_JIT_MISS = 2,
};

/// One indirect-branch cache entry: `not_guest` is ~(guest address); `host` the compiled block's checked
/// entry (or the shared miss stub, so a false match is harmless).
typedef struct tvx_jump_cache_entry {
    uint64_t not_guest;
    uint64_t host;
} tvx_jump_cache_entry;

/// Everything generated code reads or writes, reached through one pointer (host register R15).
///
/// The register file comes first, so `&context->cpu` is the interpreter's `tvx_cpu_state`. A TLB tag is
/// −2 × the linear page number (1, which is odd, for an empty slot): an access hits when the page numbers of
/// its first and last byte plus the tag are zero. Addends are `host page − page's linear address`, so a hit's
/// host address is `linear + addend`. The interpreter fills and reads the same arrays.
typedef struct tvx_jit_context {
    tvx_cpu_state cpu;
    /// Budget units compiled code may still spend; each block subtracts its length on entry.
    uint64_t fuel;
    /// RFLAGS as compiled code left it (only the six status flags are meaningful).
    uint64_t flags;
    /// Which decoded block and instruction a TVX_JIT_MISS stopped at.
    uint64_t exit_block;
    uint64_t exit_index;
    uint64_t read_tag[TVX_TLB_SIZE];
    uint64_t read_addend[TVX_TLB_SIZE];
    uint64_t write_tag[TVX_TLB_SIZE];
    uint64_t write_addend[TVX_TLB_SIZE];
    tvx_jump_cache_entry jump_cache[TVX_JUMP_CACHE_SIZE];
} tvx_jit_context;

/// Offsets generated code is assembled with. Swift reads these constants; the asserts pin them to the layout.
enum {
    TVX_CTX_GPR = 0,
    TVX_CTX_RIP = 128,
    TVX_CTX_RFLAGS = 136,
    TVX_CTX_FS_BASE = 192,
    TVX_CTX_GS_BASE = 200,
};
_Static_assert(offsetof(tvx_jit_context, cpu.gpr) == TVX_CTX_GPR, "gpr");
_Static_assert(offsetof(tvx_jit_context, cpu.rip) == TVX_CTX_RIP, "rip");
_Static_assert(offsetof(tvx_jit_context, cpu.rflags) == TVX_CTX_RFLAGS, "rflags");
_Static_assert(offsetof(tvx_jit_context, cpu.fs_base) == TVX_CTX_FS_BASE, "fs_base");
_Static_assert(offsetof(tvx_jit_context, cpu.gs_base) == TVX_CTX_GS_BASE, "gs_base");

static inline size_t tvx_ctx_fuel(void) { return offsetof(tvx_jit_context, fuel); }
static inline size_t tvx_ctx_flags(void) { return offsetof(tvx_jit_context, flags); }
static inline size_t tvx_ctx_exit_block(void) { return offsetof(tvx_jit_context, exit_block); }
static inline size_t tvx_ctx_exit_index(void) { return offsetof(tvx_jit_context, exit_index); }
static inline size_t tvx_ctx_read_tag(void) { return offsetof(tvx_jit_context, read_tag); }
static inline size_t tvx_ctx_read_addend(void) { return offsetof(tvx_jit_context, read_addend); }
static inline size_t tvx_ctx_write_tag(void) { return offsetof(tvx_jit_context, write_tag); }
static inline size_t tvx_ctx_write_addend(void) { return offsetof(tvx_jit_context, write_addend); }
static inline size_t tvx_ctx_jump_cache(void) { return offsetof(tvx_jit_context, jump_cache); }

/// The prologue generated code starts with: `uint32_t entry(tvx_jit_context *context, const void *block)`.
typedef uint32_t (*tvx_jit_entry)(tvx_jit_context *context, const void *block);

/// Calls generated code at `prologue` (C calling convention) with the context and the block to jump to.
static inline uint32_t tvx_jit_call(const void *prologue, tvx_jit_context *context, const void *block) {
    return ((tvx_jit_entry)prologue)(context, block);
}

/// Whether the host has BMI2 (SHRX), which the generated code's flag-free checks use.
static inline int tvx_host_has_bmi2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi2");
}

#endif
