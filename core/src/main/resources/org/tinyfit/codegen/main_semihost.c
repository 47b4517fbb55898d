/* Cortex-M test driver: reads input.bin through semihosting (inputs concatenated, in model order),
 * runs the model, writes output.bin, and exits with 0, or 1 if a file could not be read or written. */
#include <stdint.h>
#include "model.h"
#include "model_io.h"

static int8_t tf_in[TF_IN_BYTES > 0 ? TF_IN_BYTES : 1];
static int8_t tf_out[TF_OUT_BYTES > 0 ? TF_OUT_BYTES : 1];

int tf_semihost(int op, const void *arg);

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
    TF_INVOKE(tf_in, tf_out);
    if (tf_file("output.bin", 5, tf_out, TF_OUT_BYTES, 1) != 0) return 1;
    return 0;
}
