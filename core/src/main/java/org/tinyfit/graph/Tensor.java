package org.tinyfit.graph;

/**
 * A tensor of the graph. {@code data} holds the bytes of a constant (little-endian, row-major);
 * it is {@code null} for an activation (a tensor computed at run time, or a graph input).
 * {@code quant} is {@code null} when the tensor is not quantized. {@code variable} marks state that
 * persists across invocations (for example an SVDF's activation state).
 */
public record Tensor(int id, String name, DType dtype, Shape shape, Quantization quant, byte[] data, boolean variable) {
    public Tensor {
        if (name == null) name = "t" + id;
        if (data != null) {
            long need = (long) shape.elements() * dtype.bytes();
            if (dtype.bytes() > 0 && data.length != need) {
                throw new GraphException("tensor " + id + " (" + name + "): " + shape + " " + dtype.lower()
                        + " needs " + need + " bytes of data but has " + data.length);
            }
        }
    }

    public static Tensor activation(int id, String name, DType dtype, Shape shape, Quantization quant) {
        return new Tensor(id, name, dtype, shape, quant, null, false);
    }

    public static Tensor constant(int id, String name, DType dtype, Shape shape, Quantization quant, byte[] data) {
        return new Tensor(id, name, dtype, shape, quant, data, false);
    }

    public boolean isConstant() { return data != null; }

    /** Bytes of the tensor's data: elements times element size. */
    public long bytes() { return (long) shape.elements() * dtype.bytes(); }

    public Tensor withId(int newId) { return new Tensor(newId, name, dtype, shape, quant, data, variable); }

    public Tensor withShape(Shape s) { return new Tensor(id, name, dtype, s, quant, data, variable); }

    public Tensor withData(byte[] d) { return new Tensor(id, name, dtype, shape, quant, d, variable); }

    public Tensor withQuant(Quantization q) { return new Tensor(id, name, dtype, shape, q, data, variable); }

    public String describe() {
        return dtype.lower() + shape;
    }
}
