package org.tinyfit.data;

/** How one stored value is encoded; samples keep their stored type in memory and become float per batch. */
public enum ElementType {
    U8(1), I8(1), I16(2), I32(4), I64(8), F32(4), F64(8);

    private final int bytes;

    ElementType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    public boolean isInteger() { return this != F32 && this != F64; }
}
