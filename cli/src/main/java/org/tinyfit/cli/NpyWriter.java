package org.tinyfit.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.tinyfit.graph.Tensor;

/** Writes a tensor's bytes as a NumPy .npy (format 1.0, little-endian, C order). */
final class NpyWriter {
    private NpyWriter() {}

    static byte[] write(Tensor t, byte[] data) {
        String descr = switch (t.dtype()) {
            case F32 -> "<f4";
            case F16 -> "<f2";
            case I8 -> "|i1";
            case U8 -> "|u1";
            case BOOL -> "|b1";
            case I16 -> "<i2";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case UNKNOWN -> throw new UserException("tensor " + t.name() + " has an unknown type; write it raw instead");
        };
        StringBuilder shape = new StringBuilder("(");
        int[] dims = t.shape().dims();
        for (int i = 0; i < dims.length; i++) shape.append(dims[i]).append(dims.length == 1 || i < dims.length - 1 ? "," : "");
        shape.append(')');
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        out.write(h.length & 0xff);
        out.write((h.length >> 8) & 0xff);
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
