package org.tinyfit.graph;

/** Element types a tensor can hold, with their size in bytes. */
public enum DType {
    F32(4), F16(2), I8(1), U8(1), I16(2), I32(4), I64(8), BOOL(1), UNKNOWN(0);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    public boolean isFloat() { return this == F32 || this == F16; }

    public boolean isQuantizedInt() { return this == I8 || this == U8 || this == I16; }

    public String lower() { return name().toLowerCase(java.util.Locale.ROOT); }
}
