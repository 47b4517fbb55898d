package org.tinyfit.search;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.Param;

/**
 * A trained candidate's parameters, by name and shape, as the journal keeps them for its children:
 * a child starts from its parent's trained values for every parameter of the same name and shape
 * (the layers its mutation left alone) and from its own seeded initial values for the rest.
 */
final class Weights {
    private Weights() {}

    /** The parameters' names, shapes and values. */
    static byte[] of(Graph graph, List<Param> params) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(params.size());
            for (Param p : params) {
                out.writeUTF(p.name);
                int[] shape = graph.tensor(p.tensorId).shape().dims();
                out.writeInt(shape.length);
                for (int d : shape) out.writeInt(d);
                out.writeInt(p.value.length);
                for (float v : p.value) out.writeFloat(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Copies into {@code params} every parent parameter of the same name and shape; returns how many. */
    static int inherit(byte[] parent, Graph graph, List<Param> params) {
        Map<String, float[]> values = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parent))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int[] shape = new int[in.readInt()];
                for (int k = 0; k < shape.length; k++) shape[k] = in.readInt();
                float[] v = new float[in.readInt()];
                for (int k = 0; k < v.length; k++) v[k] = in.readFloat();
                values.put(name, v);
                shapes.put(name, shape);
            }
        } catch (IOException e) {
            throw new SearchException("a parent's weights in the journal are damaged: " + e.getMessage(), e);
        }
        int copied = 0;
        for (Param p : params) {
            float[] v = values.get(p.name);
            if (v != null && v.length == p.value.length && Arrays.equals(shapes.get(p.name), graph.tensor(p.tensorId).shape().dims())) {
                System.arraycopy(v, 0, p.value, 0, v.length);
                copied++;
            }
        }
        return copied;
    }
}
