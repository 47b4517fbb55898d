package org.tinyfit.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.onnx.proto.OnnxProto.AttributeProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;

/** A node's attributes by name, with defaults; a value of the wrong kind is an error naming the node. */
final class Attrs {
    private final Map<String, AttributeProto> byName = new HashMap<>();
    private final String where;

    Attrs(NodeProto node, String where) {
        this.where = where;
        for (AttributeProto a : node.getAttributeList()) byName.put(a.getName(), a);
    }

    boolean has(String name) { return byName.containsKey(name); }

    long i(String name, long def) {
        AttributeProto a = byName.get(name);
        if (a == null) return def;
        if (a.getType() != AttributeProto.AttributeType.INT && a.getType() != AttributeProto.AttributeType.UNDEFINED) throw wrong(name, "an int");
        return a.getI();
    }

    int i32(String name, int def) {
        long v = i(name, def);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new OnnxFormatException(where + ": attribute " + name + " = " + v + " is out of range");
        return (int) v;
    }

    float f(String name, float def) {
        AttributeProto a = byName.get(name);
        if (a == null) return def;
        if (a.getType() != AttributeProto.AttributeType.FLOAT && a.getType() != AttributeProto.AttributeType.UNDEFINED) throw wrong(name, "a float");
        return a.getF();
    }

    String s(String name, String def) {
        AttributeProto a = byName.get(name);
        if (a == null) return def;
        if (a.getType() != AttributeProto.AttributeType.STRING && a.getType() != AttributeProto.AttributeType.UNDEFINED) throw wrong(name, "a string");
        return a.getS().toStringUtf8();
    }

    /** An int list, or {@code def} when absent; each value must fit an int. */
    int[] ints(String name, int[] def) {
        AttributeProto a = byName.get(name);
        if (a == null) return def;
        if (a.getType() != AttributeProto.AttributeType.INTS && a.getType() != AttributeProto.AttributeType.UNDEFINED) throw wrong(name, "a list of ints");
        List<Long> l = a.getIntsList();
        if (l.size() > OnnxTensors.MAX_RANK * 2) throw new OnnxFormatException(where + ": attribute " + name + " has " + l.size() + " values");
        int[] out = new int[l.size()];
        for (int k = 0; k < out.length; k++) {
            long v = l.get(k);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new OnnxFormatException(where + ": attribute " + name + " holds " + v + ", out of range");
            out[k] = (int) v;
        }
        return out;
    }

    float[] floats(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) return null;
        float[] out = new float[a.getFloatsCount()];
        for (int k = 0; k < out.length; k++) out[k] = a.getFloats(k);
        return out;
    }

    AttributeProto raw(String name) { return byName.get(name); }

    private OnnxFormatException wrong(String name, String what) {
        return new OnnxFormatException(where + ": attribute " + name + " should be " + what);
    }
}
