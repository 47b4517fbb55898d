/* Host test driver: reads the inputs (concatenated, in model order) from argv[1], runs the model,
 * writes the outputs (concatenated) to argv[2]. Uses stdio; the model itself does not. */
#include <stdio.h>
#include "model.h"
#include "model_io.h"

static int8_t tf_in[TF_IN_BYTES > 0 ? TF_IN_BYTES : 1];
static int8_t tf_out[TF_OUT_BYTES > 0 ? TF_OUT_BYTES : 1];

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s INPUT OUTPUT\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    size_t got = fread(tf_in, 1, TF_IN_BYTES, f);
    int extra = fgetc(f);
    fclose(f);
    if (got != TF_IN_BYTES || extra != EOF) { fprintf(stderr, "%s: expected exactly %d bytes\n", argv[1], TF_IN_BYTES); return 2; }
    TF_INVOKE(tf_in, tf_out);
    f = fopen(argv[2], "wb");
    if (!f) { perror(argv[2]); return 2; }
    if (fwrite(tf_out, 1, TF_OUT_BYTES, f) != TF_OUT_BYTES) { perror(argv[2]); fclose(f); return 2; }
    return fclose(f) == 0 ? 0 : 2;
}
