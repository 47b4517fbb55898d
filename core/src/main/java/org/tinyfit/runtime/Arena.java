package org.tinyfit.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;

/**
 * The memory a graph runs in: one {@code byte[]} arena, allocated once, where every activation
 * tensor lives at its planned offset; constants are read from the graph's own bytes; variable
 * tensors the plan leaves out of the arena (state such as an SVDF's) get their own zeroed storage
 * that persists across runs, like TFLite Micro's persistent allocations.
 *
 * <p>Typed accessors take a tensor id and an element index, little-endian, and check that the
 * index is inside the tensor, so a kernel can never touch another tensor's bytes through them.
 * Fast kernels may instead work on {@link #array(int)} from {@link #offset(int)} for
 * {@link #byteCount(int)} bytes. Constants are read-only: a write to one throws.
 */
public final class Arena {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final Graph graph;
    private final byte[] arena;
    private final byte[][] arrays;
    private final int[] offsets;
    private final int[] byteCounts;
    private final int[] elements;
    private final boolean[] writable;
    private final long[][] scratchOffsets;

    /**
     * Lays out {@code graph}'s tensors by {@code plan}. Throws a {@link GraphException} if an
     * activation tensor (not a constant) has no offset, or its bytes leave the arena.
     */
    public Arena(Graph graph, ArenaPlan plan) {
        this.graph = graph;
        int n = graph.tensors().size();
        long[] planned = plan.offsets();
        if (planned.length != n) {
            throw new GraphException("the arena plan (" + plan.planner() + ") places " + planned.length + " tensors, the graph has " + n);
        }
        if (plan.arenaBytes() < 0 || plan.arenaBytes() > Integer.MAX_VALUE - 8) {
            throw new GraphException("the arena plan (" + plan.planner() + ") needs " + plan.arenaBytes() + " bytes; a Java arena holds at most 2 GB");
        }
        this.arena = new byte[(int) plan.arenaBytes()];
        this.arrays = new byte[n][];
        this.offsets = new int[n];
        this.byteCounts = new int[n];
        this.elements = new int[n];
        this.writable = new boolean[n];
        this.scratchOffsets = plan.scratchOffsets();
        for (int t = 0; t < n; t++) {
            Tensor tensor = graph.tensor(t);
            long bytes = tensor.bytes();
            if (bytes > Integer.MAX_VALUE) throw new GraphException("tensor " + t + " (" + tensor.name() + ") has " + bytes + " bytes, more than a Java array holds");
            byteCounts[t] = (int) bytes;
            elements[t] = tensor.shape().elements();
            if (tensor.isConstant()) {
                arrays[t] = tensor.data();
                offsets[t] = 0;
            } else if (planned[t] >= 0) {
                if (planned[t] + bytes > arena.length) {
                    throw new GraphException("the arena plan (" + plan.planner() + ") puts tensor " + t + " (" + tensor.name() + ", " + bytes
                            + " bytes) at offset " + planned[t] + ", past the end of its " + arena.length + "-byte arena");
                }
                arrays[t] = arena;
                offsets[t] = (int) planned[t];
                writable[t] = true;
            } else if (tensor.variable()) {
                arrays[t] = new byte[(int) bytes];
                writable[t] = true;
            } else {
                arrays[t] = null; // not used by any node, or the interpreter rejects the plan
            }
        }
    }

    public Graph graph() { return graph; }

    /**
     * Where the plan put node {@code node}'s {@code index}-th scratch buffer (a {@link
     * org.tinyfit.memory.ScratchRequirement}, as TFLite Micro's kernels request them) if it holds
     * {@code bytes} bytes inside the arena; -1 when the plan has no such buffer (the kernel then
     * keeps its scratch outside the arena).
     */
    public int scratchOffset(int node, int index, long bytes) {
        if (node >= scratchOffsets.length || index >= scratchOffsets[node].length) return -1;
        long off = scratchOffsets[node][index];
        if (off < 0 || off + bytes > arena.length) return -1;
        return (int) off;
    }

    /** Reads int32 {@code i} of scratch bytes at {@code offset} in the arena. */
    public int scratchI32(int offset, int i) { return (int) I32.get(arena, offset + 4 * i); }

    public void setScratchI32(int offset, int i, int v) { I32.set(arena, offset + 4 * i, v); }

    /** The arena itself (all activation tensors at their offsets). */
    public byte[] bytes() { return arena; }

    /** Whether tensor {@code t} has storage (it is a constant, placed in the arena, or a variable). */
    public boolean hasStorage(int t) { return arrays[t] != null; }

    /** The array tensor {@code t}'s bytes are in: the arena, a constant's data, or a variable's storage. */
    public byte[] array(int t) { return storage(t); }

    /** Byte offset of tensor {@code t} in {@link #array(int)}. */
    public int offset(int t) { return offsets[t]; }

    public int byteCount(int t) { return byteCounts[t]; }

    public int elements(int t) { return elements[t]; }

    public boolean writable(int t) { return writable[t]; }

    /** A copy of tensor {@code t}'s bytes. */
    public byte[] read(int t) {
        byte[] out = new byte[byteCounts[t]];
        System.arraycopy(storage(t), offsets[t], out, 0, out.length);
        return out;
    }

    /** Replaces tensor {@code t}'s bytes (its full size). */
    public void write(int t, byte[] data) {
        checkWritable(t);
        if (data.length != byteCounts[t]) {
            throw new GraphException("tensor " + t + " (" + graph.tensor(t).name() + ") holds " + byteCounts[t] + " bytes, got " + data.length);
        }
        System.arraycopy(data, 0, arrays[t], offsets[t], data.length);
    }

    /** Sets every byte of a writable tensor to zero (e.g. to reset a variable). */
    public void zero(int t) {
        checkWritable(t);
        java.util.Arrays.fill(arrays[t], offsets[t], offsets[t] + byteCounts[t], (byte) 0);
    }

    public byte i8(int t, int i) { return storage(t)[offsets[t] + Objects.checkIndex(i, elements[t])]; }

    public void setI8(int t, int i, int v) {
        checkWritable(t);
        arrays[t][offsets[t] + Objects.checkIndex(i, elements[t])] = (byte) v;
    }

    /** An unsigned byte (uint8 and bool tensors). */
    public int u8(int t, int i) { return i8(t, i) & 0xff; }

    public short i16(int t, int i) { return (short) I16.get(storage(t), offsets[t] + 2 * Objects.checkIndex(i, elements[t])); }

    public void setI16(int t, int i, int v) {
        checkWritable(t);
        I16.set(arrays[t], offsets[t] + 2 * Objects.checkIndex(i, elements[t]), (short) v);
    }

    public int i32(int t, int i) { return (int) I32.get(storage(t), offsets[t] + 4 * Objects.checkIndex(i, elements[t])); }

    public void setI32(int t, int i, int v) {
        checkWritable(t);
        I32.set(arrays[t], offsets[t] + 4 * Objects.checkIndex(i, elements[t]), v);
    }

    public long i64(int t, int i) { return (long) I64.get(storage(t), offsets[t] + 8 * Objects.checkIndex(i, elements[t])); }

    public void setI64(int t, int i, long v) {
        checkWritable(t);
        I64.set(arrays[t], offsets[t] + 8 * Objects.checkIndex(i, elements[t]), v);
    }

    public float f32(int t, int i) { return (float) F32.get(storage(t), offsets[t] + 4 * Objects.checkIndex(i, elements[t])); }

    public void setF32(int t, int i, float v) {
        checkWritable(t);
        F32.set(arrays[t], offsets[t] + 4 * Objects.checkIndex(i, elements[t]), v);
    }

    private byte[] storage(int t) {
        byte[] a = arrays[t];
        if (a == null) throw new GraphException("tensor " + t + " (" + graph.tensor(t).name() + ") has no storage: the arena plan gives it no offset");
        return a;
    }

    private void checkWritable(int t) {
        if (!writable[t]) {
            storage(t);
            throw new GraphException("tensor " + t + " (" + graph.tensor(t).name() + ") is a constant; kernels may not write it");
        }
    }
}
