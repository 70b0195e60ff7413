// Host-CPU oracle runner: maps the fixed regions, loads the code and data,
// and runs the snippet (native_signals.c, trampoline.S) under a global mutex.
#define _GNU_SOURCE
#include "native_internal.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

TINYVMX_HIDDEN struct tinyvmx_ctx tinyvmx_native_ctx;

// Guarded by run_mutex.
static pthread_mutex_t run_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *code_region;
static uint8_t *data_region;
static size_t code_bytes_in_use;  // snippet + return sequence of the last load
static size_t code_length_in_use; // snippet length of the last load, or SIZE_MAX

static uint8_t *map_fixed(uint64_t address, size_t size, int32_t *error_number) {
    void *p = mmap((void *)(uintptr_t)address, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        *error_number = errno;
        return NULL;
    }
    if (p != (void *)(uintptr_t)address) { // kernels before 4.17 treat the address as a hint
        munmap(p, size);
        *error_number = EEXIST;
        return NULL;
    }
    return p;
}

static int ensure_mapped(int32_t *error_number) {
    if (!code_region && !(code_region = map_fixed(TINYVMX_CODE_ADDRESS, TINYVMX_CODE_SIZE, error_number)))
        return TINYVMX_ERROR_MAP_CODE;
    if (!data_region && !(data_region = map_fixed(TINYVMX_DATA_ADDRESS, TINYVMX_DATA_SIZE, error_number)))
        return TINYVMX_ERROR_MAP_DATA;
    return 0;
}

// Code region: snippet, return sequence, zeros; then RX (W^X). The return
// sequence is "jmp *disp(%rip)" and the exit address in an 8-byte aligned
// slot (an unaligned one would raise #AC if the snippet set AC). The same
// snippet as last time is left in place.
static int load_code(const uint8_t *code, size_t length, int32_t *error_number) {
    if (code_length_in_use == length && code_bytes_in_use && memcmp(code_region, code, length) == 0)
        return 0;
    size_t slot = (length + 6 + 7) & ~(size_t)7;
    size_t used = slot + 8;
    if (mprotect(code_region, TINYVMX_CODE_SIZE, PROT_READ | PROT_WRITE) != 0) goto fail;
    if (code_bytes_in_use > used) memset(code_region + used, 0, code_bytes_in_use - used);
    memcpy(code_region, code, length);
    const uint8_t jmp_rip[6] = {0xff, 0x25, (uint8_t)(slot - (length + 6)), 0, 0, 0};
    memcpy(code_region + length, jmp_rip, sizeof jmp_rip);
    memset(code_region + length + 6, 0xcc, slot - (length + 6)); // never executed
    uint64_t exit_address = (uint64_t)(uintptr_t)&tinyvmx_native_exit;
    memcpy(code_region + slot, &exit_address, sizeof exit_address);
    code_bytes_in_use = used;
    code_length_in_use = length;
    if (mprotect(code_region, TINYVMX_CODE_SIZE, PROT_READ | PROT_EXEC) != 0) goto fail;
    return 0;
fail:
    *error_number = errno;
    code_length_in_use = SIZE_MAX; // reload next time
    return TINYVMX_ERROR_SYSTEM_CALL;
}

// Data region: `data` then zeros. Whole pages past the data are dropped
// (MADV_DONTNEED reads back as zero), so a run costs what it touches.
static int load_data(const uint8_t *data, size_t length, int32_t *error_number) {
    const size_t page = 4096;
    size_t page_end = (length + page - 1) & ~(page - 1);
    if (length) memcpy(data_region, data, length);
    memset(data_region + length, 0, page_end - length);
    if (page_end < TINYVMX_DATA_SIZE &&
        madvise(data_region + page_end, TINYVMX_DATA_SIZE - page_end, MADV_DONTNEED) != 0) {
        *error_number = errno;
        return TINYVMX_ERROR_SYSTEM_CALL;
    }
    return 0;
}

static int run_locked(const uint8_t *code, size_t code_length, const tinyvmx_native_regs *input,
                      const uint8_t *data, size_t data_length, uint64_t time_limit_usec,
                      tinyvmx_native_result *result, int32_t *error_number) {
    int status = ensure_mapped(error_number);
    if (status == 0) status = load_code(code, code_length, error_number);
    if (status == 0) status = load_data(data, data_length, error_number);
    if (status != 0) return status;

    memcpy(tinyvmx_native_ctx.in_gpr, input->gpr, sizeof input->gpr);
    // IF and reserved bit 1 as user mode has them; TF, AC and the rest clear.
    tinyvmx_native_ctx.in_rflags = (input->rflags & TINYVMX_LOADED_FLAGS_MASK) | 0x202;
    struct tinyvmx_signal_state signals;
    status = tinyvmx_signals_install(&signals, time_limit_usec, error_number);
    if (status == 0) tinyvmx_signals_run(result, TINYVMX_CODE_ADDRESS + code_length);
    tinyvmx_signals_restore(&signals);
    return status;
}

int tinyvmx_native_run(const uint8_t *code, size_t code_length, const tinyvmx_native_regs *input,
                       const uint8_t *data, size_t data_length, uint8_t *data_out,
                       size_t data_out_length, uint64_t time_limit_usec,
                       tinyvmx_native_result *result, int32_t *error_number) {
    *error_number = 0;
    if (code_length > TINYVMX_CODE_SIZE - TINYVMX_RETURN_SEQUENCE_LENGTH) return TINYVMX_ERROR_CODE_TOO_LARGE;
    if (data_length > TINYVMX_DATA_SIZE || data_out_length > TINYVMX_DATA_SIZE) return TINYVMX_ERROR_DATA_TOO_LARGE;

    pthread_mutex_lock(&run_mutex);
    int status = run_locked(code, code_length, input, data, data_length, time_limit_usec,
                            result, error_number);
    if (status == 0 && data_out_length) memcpy(data_out, data_region, data_out_length);
    pthread_mutex_unlock(&run_mutex);
    return status;
}
