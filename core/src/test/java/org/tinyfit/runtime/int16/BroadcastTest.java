package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BroadcastTest {

    /** Any shape broadcast against a copy with some dimensions set to 1 (and leading ones dropped) reads by the NumPy rule. */
    @Property(tries = 300)
    void indicesFollowTheNumpyRule(@ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 4) Integer> dims,
                                   @ForAll @IntRange(min = 0, max = 15) int onesMask, @ForAll @IntRange(min = 0, max = 3) int drop) {
        int[] a = dims.stream().mapToInt(Integer::intValue).toArray();
        int keep = Math.max(1, a.length - drop);
        int[] b = new int[keep];
        for (int i = 0; i < keep; i++) {
            int d = a.length - keep + i;
            b[i] = (onesMask & (1 << d)) != 0 ? 1 : a[d];
        }
        Broadcast br = Broadcast.of(a, b);
        assertArrayEquals(a, br.outputShape());
        int n = br.outputElements();
        int[] ia = new int[n], ib = new int[n];
        br.indices(ia, ib);
        for (int o = 0; o < n; o++) {
            int rem = o, idxB = 0, strideB = 1;
            int[] pos = new int[a.length];
            for (int d = a.length - 1; d >= 0; d--) {
                pos[d] = rem % a[d];
                rem /= a[d];
            }
            for (int i = keep - 1; i >= 0; i--) {
                int d = a.length - keep + i;
                idxB += (b[i] == 1 ? 0 : pos[d]) * strideB;
                strideB *= b[i];
            }
            assertArrayEquals(new int[] {o, idxB}, new int[] {ia[o], ib[o]}, "output element " + o);
        }
    }
}
