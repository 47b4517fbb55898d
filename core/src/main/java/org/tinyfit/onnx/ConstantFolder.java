package org.tinyfit.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.onnx.OnnxTensors.Value;
import org.tinyfit.onnx.proto.OnnxProto.AttributeProto;
import org.tinyfit.runtime.KernelSupport;

/**
 * Evaluates, at import, the nodes whose inputs are all constants: the shape arithmetic an exporter
 * leaves behind (Shape, Gather, Unsqueeze, Concat, Reshape, Slice, Cast, ...) and element-wise math
 * on constants. Float results are rounded to float32 after each op, as a float32 runtime would.
 */
final class ConstantFolder {
    private ConstantFolder() {}

    /** The ops this class evaluates when all their inputs are constant. */
    static final java.util.Set<String> FOLDABLE = java.util.Set.of("Constant", "Identity", "Shape", "Size", "Gather", "Unsqueeze",
            "Squeeze", "Concat", "Reshape", "Flatten", "Cast", "Add", "Sub", "Mul", "Div", "Neg", "Sqrt", "Reciprocal", "Slice",
            "ConstantOfShape", "Transpose", "Relu", "Floor", "Ceil", "Range", "Equal", "Where", "Expand", "DequantizeLinear");

    /** The ops that are only ever folded (tinyfit has no run-time version of them). */
    static final java.util.Set<String> FOLD_ONLY = java.util.Set.of("Constant", "Shape", "Size", "Gather", "Cast", "Sqrt", "Reciprocal",
            "ConstantOfShape", "Transpose", "Floor", "Ceil", "Range", "Equal", "Where", "Expand");

    /** Folds one node; {@code in} holds its inputs (null for an absent optional one). */
    static Value[] fold(String op, Attrs a, List<Value> given, int opset, String where) {
        List<Value> in = new Inputs(given, where);
        Value x = op.equals("Constant") ? null : in.get(0);
        return switch (op) {
            case "Constant" -> one(constant(a, where));
            case "Identity" -> one(x);
            case "Shape" -> {
                int r = x.dims().length;
                int start = norm((int) a.i("start", 0), r, true), end = a.has("end") ? norm((int) a.i("end", r), r, true) : r;
                double[] v = new double[Math.max(0, end - start)];
                for (int i = 0; i < v.length; i++) v[i] = x.dims()[start + i];
                yield one(new Value(OnnxTensors.INT64, new int[] {v.length}, v));
            }
            case "Size" -> one(new Value(OnnxTensors.INT64, new int[0], new double[] {x.elements()}));
            case "Gather" -> one(gather(x, in.get(1), (int) a.i("axis", 0), where));
            case "Unsqueeze" -> {
                int[] axes = opset >= 13 ? ints(in.get(1), where) : a.ints("axes", new int[0]);
                int r = x.dims().length + axes.length;
                boolean[] at = new boolean[r];
                for (int ax : axes) at[norm(ax, r, where)] = true;
                int[] dims = new int[r];
                for (int i = 0, k = 0; i < r; i++) dims[i] = at[i] ? 1 : x.dims()[k++];
                yield one(reshaped(x, dims));
            }
            case "Squeeze" -> one(reshaped(x, squeezed(x.dims(), opset >= 13 ? (optional(in, 1) != null ? ints(in.get(1), where) : null) : a.ints("axes", null), where)));
            case "Concat" -> one(concat(in, (int) a.i("axis", 0), where));
            case "Reshape" -> one(reshaped(x, reshapeDims(x.dims(), opset >= 5 ? ints(in.get(1), where) : a.ints("shape", new int[0]), a.i("allowzero", 0) != 0, where)));
            case "Flatten" -> {
                int axis = norm((int) a.i("axis", 1), x.dims().length + 1, where);
                yield one(reshaped(x, new int[] {(int) Layouts.product(x.dims(), 0, axis), (int) Layouts.product(x.dims(), axis, x.dims().length)}));
            }
            case "Cast" -> one(cast(x, (int) a.i("to", OnnxTensors.FLOAT), where));
            case "Add", "Sub", "Mul", "Div", "Equal" -> one(binary(op, x, in.get(1), where));
            case "Neg", "Sqrt", "Reciprocal", "Relu", "Floor", "Ceil" -> {
                double[] v = x.values().clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = switch (op) {
                        case "Neg" -> -v[i];
                        case "Sqrt" -> Math.sqrt(v[i]);
                        case "Reciprocal" -> 1 / v[i];
                        case "Relu" -> Math.max(0, v[i]);
                        case "Floor" -> Math.floor(v[i]);
                        default -> Math.ceil(v[i]);
                    };
                }
                yield one(rounded(new Value(x.type(), x.dims(), v)));
            }
            case "Slice" -> one(slice(x, in, a, opset, where));
            case "ConstantOfShape" -> {
                int[] dims = OnnxTensors.dims(Arrays.stream(ints(x, where)).mapToObj(Long::valueOf).toList(), where);
                Value fill = a.has("value") ? OnnxTensors.decode(a.raw("value").getT(), where + ", attribute value") : new Value(OnnxTensors.FLOAT, new int[] {1}, new double[] {0});
                if (fill.elements() != 1) throw new OnnxFormatException(where + ": value must hold one element");
                double[] v = new double[checkedElements(dims, where)];
                Arrays.fill(v, fill.values()[0]);
                yield one(new Value(fill.type(), dims, v));
            }
            case "Transpose" -> {
                int r = x.dims().length;
                int[] perm = a.ints("perm", null);
                if (perm == null) { perm = new int[r]; for (int i = 0; i < r; i++) perm[i] = r - 1 - i; }
                checkPermutation(perm, r, where);
                yield one(new Value(x.type(), Layouts.permute(x.dims(), perm), Layouts.transpose(x.values(), x.dims(), perm)));
            }
            case "Range" -> {
                double start = scalar(x, where), limit = scalar(in.get(1), where), delta = scalar(in.get(2), where);
                if (delta == 0) throw new OnnxFormatException(where + ": delta is 0");
                double count = Math.max(0, Math.ceil((limit - start) / delta));
                if (count > OnnxTensors.MAX_ELEMENTS) throw new OnnxFormatException(where + ": the range holds " + count + " elements");
                double[] v = new double[(int) count];
                for (int i = 0; i < v.length; i++) v[i] = start + i * delta;
                yield one(rounded(new Value(x.type(), new int[] {v.length}, v)));
            }
            case "Where" -> {
                Value c = x, p = in.get(1), q = in.get(2);
                int[] dims = broadcast(broadcast(c.dims(), p.dims(), where), q.dims(), where);
                int n = checkedElements(dims, where);
                int[] mc = map(c.dims(), dims), mp = map(p.dims(), dims), mq = map(q.dims(), dims);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = c.values()[mc[i]] != 0 ? p.values()[mp[i]] : q.values()[mq[i]];
                yield one(new Value(p.type(), dims, v));
            }
            case "Expand" -> {
                int[] target = ints(in.get(1), where);
                int[] dims = broadcast(x.dims(), target, where);
                int[] m = map(x.dims(), dims);
                double[] v = new double[checkedElements(dims, where)];
                for (int i = 0; i < v.length; i++) v[i] = x.values()[m[i]];
                yield one(new Value(x.type(), dims, v));
            }
            case "DequantizeLinear" -> {
                Value scale = in.get(1), zp = optional(in, 2);
                int r = x.dims().length;
                int axis = scale.elements() == 1 ? 0 : norm((int) a.i("axis", 1), r, where);
                if (scale.elements() != 1 && scale.elements() != x.dims()[axis]) throw new OnnxFormatException(where + ": " + scale.elements() + " scales for axis " + axis + " of " + Arrays.toString(x.dims()));
                if (zp != null && zp.elements() != scale.elements()) throw new OnnxFormatException(where + ": " + scale.elements() + " scales but " + zp.elements() + " zero points");
                int inner = scale.elements() == 1 ? 1 : (int) Layouts.product(x.dims(), axis + 1, r);
                double[] v = new double[x.elements()];
                for (int i = 0; i < v.length; i++) {
                    int c = scale.elements() == 1 ? 0 : (i / inner) % scale.elements();
                    v[i] = (float) ((float) (x.values()[i] - (zp == null ? 0 : zp.values()[c])) * (float) scale.values()[c]);
                }
                yield one(new Value(OnnxTensors.FLOAT, x.dims(), v));
            }
            default -> null;
        };
    }

    private static Value[] one(Value v) { return new Value[] {v}; }

    /** A node's inputs where reading an absent one is an error naming the node; {@link #optional} reads one that may be absent. */
    private static final class Inputs extends java.util.AbstractList<Value> {
        private final List<Value> values;
        private final String where;

        Inputs(List<Value> values, String where) {
            this.values = values;
            this.where = where;
        }

        @Override public Value get(int i) {
            Value v = optional(i);
            if (v == null) throw new OnnxFormatException(where + ": input " + i + " is missing");
            return v;
        }

        Value optional(int i) { return i < values.size() ? values.get(i) : null; }

        @Override public int size() { return values.size(); }
    }

    private static Value optional(List<Value> in, int i) { return ((Inputs) in).optional(i); }

    static Value constant(Attrs a, String where) {
        if (a.has("value")) return OnnxTensors.decode(a.raw("value").getT(), where + ", attribute value");
        if (a.has("value_float")) return new Value(OnnxTensors.FLOAT, new int[0], new double[] {a.f("value_float", 0)});
        if (a.has("value_int")) return new Value(OnnxTensors.INT64, new int[0], new double[] {a.i("value_int", 0)});
        if (a.has("value_floats")) {
            float[] f = a.floats("value_floats");
            double[] v = new double[f.length];
            for (int i = 0; i < f.length; i++) v[i] = f[i];
            return new Value(OnnxTensors.FLOAT, new int[] {f.length}, v);
        }
        if (a.has("value_ints")) {
            AttributeProto p = a.raw("value_ints");
            double[] v = new double[p.getIntsCount()];
            for (int i = 0; i < v.length; i++) v[i] = p.getInts(i);
            return new Value(OnnxTensors.INT64, new int[] {v.length}, v);
        }
        throw new OnnxFormatException(where + ": a Constant with none of value, value_float(s), value_int(s) is not supported");
    }

    static int[] ints(Value v, String where) {
        if (v == null) throw new OnnxFormatException(where + ": a required input is missing");
        if (v.elements() > OnnxTensors.MAX_RANK * 4) throw new OnnxFormatException(where + ": a parameter tensor holds " + v.elements() + " values");
        int[] out = new int[v.elements()];
        for (int i = 0; i < out.length; i++) {
            double d = v.values()[i];
            out[i] = d >= Integer.MAX_VALUE ? Integer.MAX_VALUE : d <= Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) d;
        }
        return out;
    }

    static double scalar(Value v, String where) {
        if (v == null || v.elements() != 1) throw new OnnxFormatException(where + ": expected a single value, got " + (v == null ? "none" : v.toString()));
        return v.values()[0];
    }

    static int norm(int axis, int rank, String where) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new OnnxFormatException(where + ": axis " + axis + " is out of range for rank " + rank);
        return a;
    }

    private static int norm(int axis, int rank, boolean clamp) {
        int a = axis < 0 ? axis + rank : axis;
        return Math.max(0, Math.min(rank, a));
    }

    static int checkedElements(int[] dims, String where) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new OnnxFormatException(where + ": negative dimension in " + Arrays.toString(dims));
            n *= d;
            if (n > OnnxTensors.MAX_ELEMENTS) throw new OnnxFormatException(where + ": shape " + Arrays.toString(dims) + " holds more than " + OnnxTensors.MAX_ELEMENTS + " elements");
        }
        return (int) n;
    }

    static void checkPermutation(int[] perm, int rank, String where) {
        boolean[] seen = new boolean[rank];
        if (perm.length != rank) throw new OnnxFormatException(where + ": perm " + Arrays.toString(perm) + " does not permute " + rank + " axes");
        for (int p : perm) {
            if (p < 0 || p >= rank || seen[p]) throw new OnnxFormatException(where + ": perm " + Arrays.toString(perm) + " is not a permutation");
            seen[p] = true;
        }
    }

    static Value reshaped(Value x, int[] dims) {
        return new Value(x.type(), dims, x.values());
    }

    /** ONNX Reshape's target: 0 copies the input's dimension (unless allowzero), one -1 is inferred. */
    static int[] reshapeDims(int[] in, int[] target, boolean allowZero, String where) {
        int[] dims = target.clone();
        int unknown = -1;
        long known = 1, total = Layouts.product(in, 0, in.length);
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0 && !allowZero) {
                if (i >= in.length) throw new OnnxFormatException(where + ": shape " + Arrays.toString(target) + " copies dimension " + i + ", the input has rank " + in.length);
                dims[i] = in[i];
            }
            if (dims[i] == -1) {
                if (unknown >= 0) throw new OnnxFormatException(where + ": shape " + Arrays.toString(target) + " has more than one -1");
                unknown = i;
            } else if (dims[i] < 0) {
                throw new OnnxFormatException(where + ": shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known *= dims[i];
                if (known > OnnxTensors.MAX_ELEMENTS) throw new OnnxFormatException(where + ": shape " + Arrays.toString(target) + " is too large");
            }
        }
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) throw new OnnxFormatException(where + ": cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(target));
            dims[unknown] = (int) (total / known);
        } else if (known != total) {
            throw new OnnxFormatException(where + ": cannot reshape " + Arrays.toString(in) + " (" + total + " elements) to " + Arrays.toString(target));
        }
        return dims;
    }

    static int[] squeezed(int[] dims, int[] axes, String where) {
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) drop[i] = dims[i] == 1;
        } else {
            for (int ax : axes) {
                int a = norm(ax, dims.length, where);
                if (dims[a] != 1) throw new OnnxFormatException(where + ": cannot squeeze axis " + ax + " of " + Arrays.toString(dims));
                drop[a] = true;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) if (!drop[i]) out.add(dims[i]);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Value gather(Value data, Value idx, int axis, String where) {
        int r = data.dims().length;
        int ax = norm(axis, r, where);
        int[] d = data.dims(), id = idx.dims();
        int[] out = new int[r - 1 + id.length];
        int k = 0;
        for (int i = 0; i < ax; i++) out[k++] = d[i];
        for (int i : id) out[k++] = i;
        for (int i = ax + 1; i < r; i++) out[k++] = d[i];
        int outer = (int) Layouts.product(d, 0, ax), inner = (int) Layouts.product(d, ax + 1, r), n = idx.elements();
        double[] v = new double[checkedElements(out, where)];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < n; j++) {
                long q = (long) idx.values()[j];
                if (q < 0) q += d[ax];
                if (q < 0 || q >= d[ax]) throw new OnnxFormatException(where + ": index " + (long) idx.values()[j] + " is out of range for axis " + ax + " of size " + d[ax]);
                System.arraycopy(data.values(), (int) ((o * (long) d[ax] + q) * inner), v, (o * n + j) * inner, inner);
            }
        }
        return new Value(data.type(), out, v);
    }

    private static Value concat(List<Value> in, int axis, String where) {
        Value first = in.get(0);
        for (int i = 0; i < in.size(); i++) in.get(i);
        int r = first.dims().length;
        int ax = norm(axis, r, where);
        int[] out = first.dims().clone();
        out[ax] = 0;
        for (Value v : in) {
            if (v.dims().length != r) throw new OnnxFormatException(where + ": inputs have ranks " + r + " and " + v.dims().length);
            for (int i = 0; i < r; i++) if (i != ax && v.dims()[i] != first.dims()[i]) throw new OnnxFormatException(where + ": input shapes " + Arrays.toString(first.dims()) + " and " + Arrays.toString(v.dims()) + " differ outside axis " + ax);
            out[ax] += v.dims()[ax];
        }
        int outer = (int) Layouts.product(out, 0, ax), inner = (int) Layouts.product(out, ax + 1, r);
        double[] v = new double[checkedElements(out, where)];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Value x : in) {
                int len = x.dims()[ax] * inner;
                System.arraycopy(x.values(), o * len, v, pos, len);
                pos += len;
            }
        }
        return new Value(first.type(), out, v);
    }

    private static Value cast(Value x, int to, String where) {
        if (OnnxTensors.dtype(to) == null && to != OnnxTensors.DOUBLE) throw new OnnxFormatException(where + ": cast to " + OnnxTensors.typeName(to) + " is not supported");
        double[] v = x.values().clone();
        for (int i = 0; i < v.length; i++) {
            double d = v[i];
            v[i] = switch (to) {
                case OnnxTensors.FLOAT -> (float) d;
                case OnnxTensors.DOUBLE -> d;
                case OnnxTensors.BOOL -> d != 0 ? 1 : 0;
                case OnnxTensors.INT8 -> (byte) (long) d;
                case OnnxTensors.UINT8 -> ((long) d) & 0xFF;
                case OnnxTensors.INT16 -> (short) (long) d;
                case OnnxTensors.INT32 -> (int) (long) d;
                default -> (long) d;
            };
        }
        return new Value(to, x.dims(), v);
    }

    static int[] broadcast(int[] a, int[] b, String where) {
        int r = Math.max(a.length, b.length);
        int[] pa = Layouts.leftPad(a, r), pb = Layouts.leftPad(b, r), out = new int[r];
        for (int i = 0; i < r; i++) {
            if (pa[i] != pb[i] && pa[i] != 1 && pb[i] != 1) throw new OnnxFormatException(where + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            out[i] = pa[i] == 1 ? pb[i] : pa[i];
        }
        return out;
    }

    /** For each flat index of {@code out}, the flat index of a tensor of shape {@code in} broadcast to it. */
    static int[] map(int[] in, int[] out) {
        int r = out.length;
        int[] pin = Layouts.leftPad(in, r), s = KernelSupport.strides(pin);
        int n = (int) Layouts.product(out, 0, r);
        int[] m = new int[n];
        int[] idx = new int[r];
        for (int f = 0; f < n; f++) {
            int src = 0;
            for (int d = 0; d < r; d++) if (pin[d] != 1) src += idx[d] * s[d];
            m[f] = src;
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) break;
                idx[d] = 0;
            }
        }
        return m;
    }

    private static Value binary(String op, Value x, Value y, String where) {
        int[] dims = broadcast(x.dims(), y.dims(), where);
        int n = checkedElements(dims, where);
        int[] mx = map(x.dims(), dims), my = map(y.dims(), dims);
        boolean integer = OnnxTensors.dtype(x.type()) != null && !OnnxTensors.dtype(x.type()).isFloat() && x.type() != OnnxTensors.DOUBLE;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double p = x.values()[mx[i]], q = y.values()[my[i]];
            v[i] = switch (op) {
                case "Add" -> p + q;
                case "Sub" -> p - q;
                case "Mul" -> p * q;
                case "Equal" -> p == q ? 1 : 0;
                default -> {
                    if (integer && q == 0) throw new OnnxFormatException(where + ": integer division by zero");
                    yield integer ? (double) ((long) p / (long) q) : p / q;
                }
            };
        }
        return rounded(new Value(op.equals("Equal") ? OnnxTensors.BOOL : x.type(), dims, v));
    }

    private static Value rounded(Value v) {
        if (v.type() != OnnxTensors.FLOAT) return v;
        double[] d = v.values();
        for (int i = 0; i < d.length; i++) d[i] = (float) d[i];
        return v;
    }

    /**
     * ONNX Slice's bounds per axis (in the input's axis order): the first index, the index past the
     * last (-1 when a negative step runs to the start), the step and the count, after ONNX's clamping.
     */
    record SliceBounds(int[] begin, int[] end, int[] step, int[] count) {
        static SliceBounds of(int[] dims, int[] starts, int[] ends, int[] axes, int[] steps, String where) {
            if (ends.length != starts.length || (axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
                throw new OnnxFormatException(where + ": starts, ends, axes and steps differ in length");
            }
            int r = dims.length;
            int[] begin = new int[r], end = dims.clone(), step = new int[r], count = dims.clone();
            Arrays.fill(step, 1);
            for (int k = 0; k < starts.length; k++) {
                int ax = norm(axes == null ? k : axes[k], r, where);
                int dim = dims[ax];
                int st = steps == null ? 1 : steps[k];
                if (st == 0) throw new OnnxFormatException(where + ": step 0");
                long s = starts[k], e = ends[k];
                if (s < 0) s += dim;
                if (e < 0) e += dim;
                if (st > 0) {
                    s = Math.max(0, Math.min(dim, s));
                    e = Math.max(0, Math.min(dim, e));
                    count[ax] = (int) Math.max(0, (e - s + st - 1) / st);
                } else {
                    s = Math.max(-1, Math.min(dim - 1, s));
                    e = Math.max(-1, Math.min(dim - 1, e));
                    count[ax] = (int) Math.max(0, (s - e - st - 1) / -st);
                }
                begin[ax] = (int) s;
                end[ax] = (int) e;
                step[ax] = st;
            }
            return new SliceBounds(begin, end, step, count);
        }
    }

    private static Value slice(Value x, List<Value> in, Attrs a, int opset, String where) {
        int r = x.dims().length;
        int[] starts, ends, axes, steps;
        if (opset >= 10) {
            starts = ints(in.get(1), where);
            ends = ints(in.get(2), where);
            axes = optional(in, 3) != null ? ints(in.get(3), where) : null;
            steps = optional(in, 4) != null ? ints(in.get(4), where) : null;
        } else {
            starts = a.ints("starts", new int[0]);
            ends = a.ints("ends", new int[0]);
            axes = a.ints("axes", null);
            steps = null;
        }
        SliceBounds b = SliceBounds.of(x.dims(), starts, ends, axes, steps, where);
        int[] begin = b.begin(), step = b.step(), count = b.count();
        int n = checkedElements(count, where);
        int[] strides = KernelSupport.strides(x.dims());
        double[] v = new double[n];
        int[] idx = new int[r];
        for (int f = 0; f < n; f++) {
            int src = 0;
            for (int d = 0; d < r; d++) src += (begin[d] + idx[d] * step[d]) * strides[d];
            v[f] = x.values()[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < count[d]) break;
                idx[d] = 0;
            }
        }
        return new Value(x.type(), count, v);
    }
}
