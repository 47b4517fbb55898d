package org.tinyfit.train;

/** Concat along a non-batch axis: per sample, {@code outer} runs of each input's {@code inner[i]} contiguous values. */
final class ConcatStep extends Step {
    private final int[] ins;
    private final int y, outer;
    private final int[] inner;

    ConcatStep(int[] ins, int y, int outer, int[] inner) {
        this.ins = ins; this.y = y; this.outer = outer; this.inner = inner;
    }

    @Override void forward(Ctx c) {
        float[] ys = c.act[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int yo = s * per;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < ins.length; i++) {
                        float[] xs = c.value(ins[i]);
                        System.arraycopy(xs, s * outer * inner[i] + o * inner[i], ys, yo, inner[i]);
                        yo += inner[i];
                    }
                }
            }
        });
    }

    @Override void backward(Ctx c) {
        float[] dy = c.grad[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int yo = s * per;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < ins.length; i++) {
                        float[] dx = c.gradOf(ins[i]);
                        if (dx != null) {
                            int xo = s * outer * inner[i] + o * inner[i];
                            for (int j = 0; j < inner[i]; j++) dx[xo + j] += dy[yo + j];
                        }
                        yo += inner[i];
                    }
                }
            }
        });
    }
}
