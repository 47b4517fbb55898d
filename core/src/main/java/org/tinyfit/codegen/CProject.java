package org.tinyfit.codegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.tinyfit.device.Core;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlacePlanCheck;
import org.tinyfit.memory.InPlacePlanner;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.BuiltinKernels;

/**
 * A C99 project for an int8 graph: weights as {@code const} arrays (flash), one static arena laid
 * out by an arena plan, one function per node with its shapes and quantization constants, and
 * {@code model_invoke()} with one argument per model input and output. No heap, no floating point,
 * nothing from libc but {@code memcpy} and {@code memset}. Kernels are bit-exact with tinyfit's Java
 * runtime (and so with TFLite Micro's reference kernels); on cores with the DSP extension the dot
 * products use ACLE intrinsics. The project carries a host test driver, a Cortex-M startup file,
 * a linker script for QEMU's MPS2 boards, a semihosting driver and a Makefile.
 */
public final class CProject {
    private CProject() {}

    /** How the arena is laid out. */
    public enum ArenaChoice {
        /**
         * Partial execution (channel groups, row bands) where it lowers the peak, in-place
         * depthwise, pooling and element-wise ops, the in-place min-peak order, planned by {@link InPlacePlanner}.
         */
        INPLACE,
        /** The min-peak order, the smaller of TFLite Micro's greedy plan and the minimum-arena plan. */
        BEST,
        /** The stored order and TFLite Micro's greedy plan: the arena TFLite Micro itself would plan. */
        TFLM;

        public String lower() { return name().toLowerCase(Locale.ROOT); }
    }

    /** @param cpu the {@code -mcpu} the Makefile's Cortex-M target uses (e.g. {@code cortex-m4}) */
    public record Options(ArenaChoice arena, String cpu) {
        public static final Options DEFAULT = new Options(ArenaChoice.INPLACE, "cortex-m4");
    }

    /** The graph the code computes (the input graph, or its split form), the order of its nodes and their arena plan. */
    public record Layout(Graph graph, Schedule schedule, ArenaPlan plan, ArenaChoice choice) {}

    /**
     * @param files path (relative to the project directory) to content
     * @param arenaBytes the static arena of the generated code
     * @param columnBytes the one other static buffer: the int16 im2col column convolutions share
     * @param tflmArenaBytes the arena TFLite Micro plans for the model (stored order, its greedy planner), for comparison
     * @param weightBytes bytes of the constant arrays (flash)
     */
    public record Project(Map<String, String> files, Layout layout, long arenaBytes, long columnBytes, long tflmArenaBytes, long weightBytes) {
        public Project { files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files)); }

        /** Writes every file under {@code dir} (created if missing). */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** Throws a one-line {@link CodegenException} listing every node the generator has no code for. */
    public static void requireSupported(Graph g) {
        List<String> bad = new ArrayList<>();
        for (Node n : g.nodes()) {
            String why = CKernels.unsupported(g, n);
            if (why != null) bad.add(n.label() + ": " + why);
        }
        for (int t : g.inputs()) if (g.tensor(t).dtype() != DType.I8) bad.add("input " + g.tensor(t).name() + " is " + g.tensor(t).dtype().lower());
        for (int t : g.outputs()) if (g.tensor(t).dtype() != DType.I8) bad.add("output " + g.tensor(t).name() + " is " + g.tensor(t).dtype().lower());
        if (!bad.isEmpty()) {
            throw new CodegenException("cannot generate C for " + g.name() + " (int8 models only): " + String.join("; ", bad));
        }
    }

    /** The layout {@code choice} gives {@code g}. */
    public static Layout layout(Graph g, ArenaChoice choice) {
        requireSupported(g);
        return switch (choice) {
            case TFLM -> {
                Schedule s = Schedule.stored(g);
                yield new Layout(g, s, new TflmGreedyPlanner().plan(g, s), choice);
            }
            case BEST -> {
                Schedule s = MinPeakScheduler.minimize(g).schedule();
                ArenaPlan greedy = new TflmGreedyPlanner().plan(g, s);
                ArenaPlan minimum = new MinimumArenaPlanner().plan(g, s);
                yield new Layout(g, s, minimum.arenaBytes() < greedy.arenaBytes() ? minimum : greedy, choice);
            }
            case INPLACE -> {
                MemoryOptimization m = MemoryOptimization.of(g, List.of());
                Graph split = m.partialExecution().graph();
                Schedule s = m.splitOrderSearch().schedule();
                yield new Layout(split, s, new InPlacePlanner().solve(split, s).plan(), choice);
            }
        };
    }

    /** The project for {@code g} with the arena {@code options} chooses. */
    public static Project generate(Graph g, Options options) {
        Project p = generate(layout(g, options.arena()), options);
        return new Project(p.files(), p.layout(), p.arenaBytes(), p.columnBytes(), new TflmGreedyPlanner().plan(g, Schedule.stored(g)).arenaBytes(), p.weightBytes());
    }

    /** The {@code -mcpu} value for a core, or a {@link CodegenException} for a core that is not a Cortex-M. */
    public static String cpu(Core core) {
        return switch (core) {
            case CORTEX_M0_PLUS -> "cortex-m0plus";
            case CORTEX_M3 -> "cortex-m3";
            case CORTEX_M4, CORTEX_M4F -> "cortex-m4";
            case CORTEX_M7 -> "cortex-m7";
            case CORTEX_M33 -> "cortex-m33";
            case CORTEX_M55 -> "cortex-m55";
            case XTENSA_LX6, XTENSA_LX7, RISCV32 -> throw new CodegenException("the generated project's build targets Cortex-M cores; this device has a "
                    + core.display() + " (the C itself is portable: compile model.c and model_weights.c with your toolchain)");
        };
    }

    /**
     * The project computing {@code layout.graph()} in its schedule, in one arena laid out by its plan
     * ({@link Project#tflmArenaBytes()}: TFLite Micro's plan of that graph in its stored order).
     */
    public static Project generate(Layout layout, Options options) {
        Graph g = layout.graph();
        Schedule schedule = layout.schedule();
        ArenaPlan plan = layout.plan();
        requireSupported(g);
        schedule.check(g);
        InPlacePlanCheck.verify(g, schedule, plan);
        for (Node n : g.nodes()) BuiltinKernels.forOp(n.op(), false).prepare(n, g); // the runtime's own checks of shapes and quantization
        for (int t : g.outputs()) {
            if (!plan.inArena(t)) throw new CodegenException("output " + g.tensor(t).name() + " is not computed in the arena");
        }
        TreeSet<Integer> constants = new TreeSet<>();
        Map<String, byte[]> arranged = new LinkedHashMap<>();
        int[] column = {0};
        CKernels.Symbols sym = new CKernels.Symbols() {
            @Override public String arena(int t) {
                if (!plan.inArena(t)) throw new CodegenException("tensor " + t + " (" + g.tensor(t).name() + ") has no place in the arena");
                return "TF_ARENA(" + plan.offset(t) + ")";
            }

            @Override public String constant(int t) {
                constants.add(t);
                return "tf_const_" + t;
            }

            @Override public String scratch(int node, int index) { return "TF_ARENA(" + plan.scratchOffset(node, index) + ")"; }

            @Override public String arranged(String key, byte[] data) {
                String name = "tf_w_" + key;
                byte[] before = arranged.putIfAbsent(name, data);
                if (before != null && !java.util.Arrays.equals(before, data)) throw new IllegalStateException(name + " arranged two ways");
                return name;
            }

            @Override public String column(int values) {
                column[0] = Math.max(column[0], values);
                return "tf_column";
            }
        };
        StringBuilder nodes = new StringBuilder();
        StringBuilder invoke = new StringBuilder();
        for (int s = 0; s < schedule.size(); s++) {
            Node n = g.node(schedule.node(s));
            String fn = "tf_node_" + n.id();
            CKernels.emit(nodes, fn, g, n, plan, sym);
            invoke.append("    ").append(fn).append("();\n");
        }
        Map<String, String> files = new LinkedHashMap<>();
        long weightBytes = 0;
        for (int t : constants) weightBytes += g.tensor(t).bytes();
        for (byte[] a : arranged.values()) weightBytes += a.length;
        files.put("model.h", header(layout, 2L * column[0]));
        files.put("model.c", source(layout, nodes, invoke, sym, column[0]));
        files.put("model_weights.h", weightsHeader(g, constants, arranged));
        files.put("model_weights.c", weights(g, constants, arranged));
        files.put("model_io.h", io(g));
        files.put("tinyfit_kernels.h", resource("tinyfit_kernels.h"));
        files.put("main_host.c", resource("main_host.c"));
        files.put("main_semihost.c", resource("main_semihost.c"));
        files.put("startup_cm.c", resource("startup_cm.c"));
        files.put("mps2.ld", resource("mps2.ld"));
        files.put("Makefile", resource("Makefile").replace("@CPU@", options.cpu()));
        files.put("README.md", readme(layout, weightBytes, options));
        return new Project(files, layout, plan.arenaBytes(), 2L * column[0], new TflmGreedyPlanner().plan(g, Schedule.stored(g)).arenaBytes(), weightBytes);
    }

    static String resource(String name) {
        try (InputStream in = CProject.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cName(String s) { return s.replaceAll("[^A-Za-z0-9_]", "_"); }

    private static String shape(Tensor t) {
        StringBuilder b = new StringBuilder("{");
        int[] d = t.shape().dims();
        for (int i = 0; i < d.length; i++) b.append(i == 0 ? "" : ", ").append(d[i]);
        return b.append('}').toString();
    }

    private static String header(Layout layout, long columnBytes) {
        Graph g = layout.graph();
        StringBuilder h = new StringBuilder();
        h.append("/* ").append(g.name()).append(": generated by tinyfit. int8 in, int8 out; real = scale * (q - zero_point). */\n");
        h.append("#ifndef MODEL_H\n#define MODEL_H\n\n#include <stdint.h>\n\n");
        h.append("/* The one static arena (").append(layout.plan().planner()).append(", ").append(layout.choice().lower()).append("). */\n");
        h.append("#define MODEL_ARENA_BYTES ").append(layout.plan().arenaBytes()).append('\n');
        h.append("/* The one other static buffer: the im2col column the convolutions share. */\n");
        h.append("#define MODEL_COLUMN_BYTES ").append(columnBytes).append('\n');
        h.append("#define MODEL_INPUT_COUNT ").append(g.inputs().length).append('\n');
        h.append("#define MODEL_OUTPUT_COUNT ").append(g.outputs().length).append("\n\n");
        describe(h, g, g.inputs(), "INPUT");
        InputScaling.of(g).ifPresent(sc -> scaling(h, sc));
        describe(h, g, g.outputs(), "OUTPUT");
        h.append("/* Runs the model: one buffer per input, then one per output, in the model's order. */\n");
        h.append("void model_invoke(").append(params(g)).append(");\n\n#endif\n");
        return h.toString();
    }

    /** The standardization the model expects before input 0 is quantized, as initializer lists a caller can put in an array. */
    private static void scaling(StringBuilder h, InputScaling sc) {
        h.append("/* Input 0 takes standardized features: x' = (x - MODEL_INPUT0_FEATURE_SHIFT[c]) * MODEL_INPUT0_FEATURE_SCALE[c],\n")
                .append("   c = index % MODEL_INPUT0_FEATURES (statistics of the training data), then\n")
                .append("   q = round(x' / MODEL_INPUT0_SCALE) + MODEL_INPUT0_ZERO_POINT, clamped to [-128, 127]. */\n");
        h.append("#define MODEL_INPUT0_FEATURES ").append(sc.features()).append('\n');
        h.append("#define MODEL_INPUT0_FEATURE_SHIFT {").append(floats(sc.shift())).append("}\n");
        h.append("#define MODEL_INPUT0_FEATURE_SCALE {").append(floats(sc.scale())).append("}\n\n");
    }

    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ", ").append(Float.toString(v[i])).append('f');
        return b.toString();
    }

    private static void describe(StringBuilder h, Graph g, int[] ids, String kind) {
        for (int k = 0; k < ids.length; k++) {
            Tensor t = g.tensor(ids[k]);
            String p = "MODEL_" + kind + k;
            h.append("/* ").append(t.name()).append(" */\n");
            h.append("#define ").append(p).append("_BYTES ").append(t.bytes()).append('\n');
            h.append("#define ").append(p).append("_RANK ").append(t.shape().rank()).append('\n');
            h.append("#define ").append(p).append("_SHAPE ").append(shape(t)).append('\n');
            h.append("#define ").append(p).append("_SCALE ").append(Float.toString(t.quant().scale())).append("f\n");
            h.append("#define ").append(p).append("_ZERO_POINT (").append(t.quant().zeroPoint()).append(")\n\n");
        }
    }

    private static String params(Graph g) {
        List<String> ps = new ArrayList<>();
        for (int k = 0; k < g.inputs().length; k++) ps.add("const int8_t *input" + k);
        for (int k = 0; k < g.outputs().length; k++) ps.add("int8_t *output" + k);
        return String.join(", ", ps);
    }

    private static String source(Layout layout, StringBuilder nodes, StringBuilder invoke, CKernels.Symbols sym, int columnValues) {
        Graph g = layout.graph();
        long arena = Math.max(layout.plan().arenaBytes(), 1);
        StringBuilder c = new StringBuilder();
        c.append("/* ").append(g.name()).append(": ").append(g.nodes().size()).append(" nodes in the order ").append(layout.choice().lower())
                .append(" gives, in one ").append(layout.plan().arenaBytes()).append("-byte arena planned by ").append(layout.plan().planner()).append(". */\n");
        c.append("#include <string.h>\n#include \"model.h\"\n#include \"model_weights.h\"\n#include \"tinyfit_kernels.h\"\n\n");
        c.append("static int8_t tf_arena[").append(arena).append("] __attribute__((aligned(16)));\n");
        c.append("#define TF_ARENA(offset) (tf_arena + (offset))\n");
        if (columnValues > 0) c.append("static int16_t tf_column[").append(columnValues).append("] __attribute__((aligned(4)));\n");
        c.append('\n');
        c.append(nodes);
        c.append("void model_invoke(").append(params(g)).append(") {\n");
        int[] ins = g.inputs(), outs = g.outputs();
        for (int k = 0; k < ins.length; k++) {
            if (layout.plan().inArena(ins[k])) c.append("    memcpy(").append(sym.arena(ins[k])).append(", input").append(k).append(", ").append(g.tensor(ins[k]).bytes()).append(");\n");
        }
        c.append(invoke);
        for (int k = 0; k < outs.length; k++) {
            c.append("    memcpy(output").append(k).append(", ").append(sym.arena(outs[k])).append(", ").append(g.tensor(outs[k]).bytes()).append(");\n");
        }
        c.append("}\n");
        return c.toString();
    }

    /** Total input and output bytes, and a call of model_invoke on concatenated buffers, for the test drivers. */
    private static String io(Graph g) {
        StringBuilder args = new StringBuilder();
        long in = 0, out = 0;
        for (int t : g.inputs()) {
            args.append(args.isEmpty() ? "" : ", ").append("(in) + ").append(in);
            in += g.tensor(t).bytes();
        }
        for (int t : g.outputs()) {
            args.append(args.isEmpty() ? "" : ", ").append("(out) + ").append(out);
            out += g.tensor(t).bytes();
        }
        return "#ifndef MODEL_IO_H\n#define MODEL_IO_H\n\n#define TF_IN_BYTES " + in + "\n#define TF_OUT_BYTES " + out
                + "\n#define TF_INVOKE(in, out) model_invoke(" + args + ")\n\n#endif\n";
    }

    private static String cType(DType d) {
        return switch (d) {
            case I8 -> "int8_t";
            case I32 -> "int32_t";
            default -> throw new CodegenException("constants of type " + d.lower() + " are not generated");
        };
    }

    private static String weightsHeader(Graph g, TreeSet<Integer> constants, Map<String, byte[]> arranged) {
        StringBuilder h = new StringBuilder("#ifndef MODEL_WEIGHTS_H\n#define MODEL_WEIGHTS_H\n\n#include <stdint.h>\n\n");
        for (int t : constants) {
            Tensor c = g.tensor(t);
            h.append("extern const ").append(cType(c.dtype())).append(" tf_const_").append(t).append('[').append(Math.max(1, c.shape().elements())).append("];\n");
        }
        for (Map.Entry<String, byte[]> a : arranged.entrySet()) {
            h.append("extern const int8_t ").append(a.getKey()).append('[').append(Math.max(1, a.getValue().length)).append("];\n");
        }
        return h.append("\n#endif\n").toString();
    }

    private static String weights(Graph g, TreeSet<Integer> constants, Map<String, byte[]> arranged) {
        StringBuilder w = new StringBuilder("/* The model's constants, in flash. */\n#include \"model_weights.h\"\n\n");
        for (int t : constants) {
            Tensor c = g.tensor(t);
            int n = c.shape().elements();
            w.append("/* ").append(cName(c.name())).append(' ').append(c.describe()).append(" */\n");
            w.append("const ").append(cType(c.dtype())).append(" tf_const_").append(t).append('[').append(Math.max(1, n)).append("] __attribute__((aligned(4))) = {");
            ByteBuffer b = ByteBuffer.wrap(c.data()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                w.append(i % 24 == 0 ? "\n    " : " ");
                w.append(c.dtype() == DType.I8 ? b.get() : b.getInt()).append(',');
            }
            if (n == 0) w.append('0');
            w.append("\n};\n\n");
        }
        for (Map.Entry<String, byte[]> a : arranged.entrySet()) {
            byte[] data = a.getValue();
            w.append("/* a filter in the order its kernel reads it */\n");
            w.append("const int8_t ").append(a.getKey()).append('[').append(Math.max(1, data.length)).append("] __attribute__((aligned(4))) = {");
            for (int k = 0; k < data.length; k++) w.append(k % 24 == 0 ? "\n    " : " ").append(data[k]).append(',');
            if (data.length == 0) w.append('0');
            w.append("\n};\n\n");
        }
        return w.toString();
    }

    private static String readme(Layout layout, long weightBytes, Options options) {
        Graph g = layout.graph();
        return String.format(Locale.ROOT, resource("README.template.md"), g.name(), g.nodes().size(), layout.plan().arenaBytes(), layout.plan().planner(),
                layout.choice().lower(), weightBytes, params(g), options.cpu());
    }
}
