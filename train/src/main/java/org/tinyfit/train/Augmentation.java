package org.tinyfit.train;

/**
 * Training-time image augmentation on an NHWC batch, in place: a random shift of up to
 * {@code shift} pixels in each direction with zero fill (a random crop of the image padded by
 * {@code shift}), and a horizontal flip with probability ½ when {@code flip}.
 */
public record Augmentation(int shift, boolean flip) {
    public static final Augmentation NONE = new Augmentation(0, false);

    public boolean isNone() { return shift == 0 && !flip; }

    public void apply(float[] x, int n, int h, int w, int c, Rng rng, float[] scratch) {
        int per = h * w * c;
        for (int s = 0; s < n; s++) {
            int dy = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift;
            int dx = shift == 0 ? 0 : rng.nextInt(2 * shift + 1) - shift;
            boolean f = flip && rng.nextInt(2) == 1;
            if (dy == 0 && dx == 0 && !f) continue;
            int base = s * per;
            System.arraycopy(x, base, scratch, 0, per);
            for (int i = 0; i < h; i++) {
                int si = i + dy;
                for (int j = 0; j < w; j++) {
                    int sj = (f ? w - 1 - j : j) + dx;
                    int o = base + (i * w + j) * c;
                    if (si < 0 || si >= h || sj < 0 || sj >= w) {
                        for (int k = 0; k < c; k++) x[o + k] = 0f;
                    } else {
                        System.arraycopy(scratch, (si * w + sj) * c, x, o, c);
                    }
                }
            }
        }
    }
}
