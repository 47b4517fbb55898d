package org.tinyfit.runtime.kernels;

import java.util.Arrays;
import org.tinyfit.runtime.Arena;

/** int32 scratch values: in the arena at a planned offset, or on the heap when the plan has none. */
interface Int32Scratch {
    int length();

    int get(int i);

    void set(int i, int v);

    default void clear() { for (int i = 0; i < length(); i++) set(i, 0); }

    static Int32Scratch of(int[] heap) {
        return new Int32Scratch() {
            public int length() { return heap.length; }
            public int get(int i) { return heap[i]; }
            public void set(int i, int v) { heap[i] = v; }
            public void clear() { Arrays.fill(heap, 0); }
        };
    }

    static Int32Scratch inArena(Arena a, int offset, int n) {
        return new Int32Scratch() {
            public int length() { return n; }
            public int get(int i) { return a.scratchI32(offset, java.util.Objects.checkIndex(i, n)); }
            public void set(int i, int v) { a.setScratchI32(offset, java.util.Objects.checkIndex(i, n), v); }
        };
    }
}
