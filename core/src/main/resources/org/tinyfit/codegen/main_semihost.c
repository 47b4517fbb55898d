/* Cortex-M test driver: reads input.bin through semihosting (inputs concatenated, in model order),
 * runs the model, writes output.bin, and exits with 0, or 1 if a file could not be read or written.
 * It also writes systick.txt: the SysTick ticks (core clock) model_invoke took. Under QEMU with
 * -icount shift=0 one instruction takes 1 ns of virtual time, so on mps2-an386 (25 MHz) a tick is
 * 40 instructions. */
#include <stdint.h>
#include "model.h"
#include "model_io.h"

static int8_t tf_in[TF_IN_BYTES > 0 ? TF_IN_BYTES : 1];
static int8_t tf_out[TF_OUT_BYTES > 0 ? TF_OUT_BYTES : 1];

int tf_semihost(int op, const void *arg);

#define TF_SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define TF_SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define TF_SYST_CVR (*(volatile uint32_t *)0xE000E018)
volatile uint32_t tf_systick_wraps;

void SysTick_Handler(void) { ++tf_systick_wraps; }

/* Ticks so far, relative to an arbitrary start: whole 2^24-tick periods (counted when the
 * down-counter reaches 0), minus the counter. Reads only a counter that has reloaded, and a period
 * count that did not change meanwhile. */
static int64_t tf_ticks(void) {
    uint32_t wraps, value;
    do {
        wraps = tf_systick_wraps;
        value = TF_SYST_CVR;
    } while (value == 0 || wraps != tf_systick_wraps);
    return ((int64_t)wraps << 24) - (int64_t)value;
}

static int tf_file(const char *name, int mode, int8_t *buf, int bytes, int writing) {
    int len = 0;
    while (name[len]) ++len;
    const uintptr_t open_args[3] = {(uintptr_t)name, (uintptr_t)mode, (uintptr_t)len};
    int handle = tf_semihost(0x01, open_args);
    if (handle == -1) return -1;
    const uintptr_t io_args[3] = {(uintptr_t)handle, (uintptr_t)buf, (uintptr_t)bytes};
    int left = tf_semihost(writing ? 0x05 : 0x06, io_args);
    const uintptr_t close_args[1] = {(uintptr_t)handle};
    tf_semihost(0x02, close_args);
    return left == 0 ? 0 : -1;
}

int main(void) {
    if (tf_file("input.bin", 1, tf_in, TF_IN_BYTES, 0) != 0) return 1;
    TF_SYST_RVR = 0xFFFFFF;
    TF_SYST_CVR = 0;
    TF_SYST_CSR = 7; /* enabled, interrupt on wrap, core clock */
    int64_t start = tf_ticks();
    TF_INVOKE(tf_in, tf_out);
    uint64_t ticks = (uint64_t)(tf_ticks() - start);
    if (tf_file("output.bin", 5, tf_out, TF_OUT_BYTES, 1) != 0) return 1;
    char text[24];
    int at = (int)sizeof text;
    do {
        text[--at] = (char)('0' + ticks % 10);
        ticks /= 10;
    } while (ticks);
    if (tf_file("systick.txt", 5, (int8_t *)text + at, (int)sizeof text - at, 1) != 0) return 1;
    return 0;
}
