package org.tinyfit.memory;

import java.util.List;
import java.util.Locale;
import org.tinyfit.cost.Work;
import org.tinyfit.graph.Graph;
import org.tinyfit.quant.TinyMlModels;
import org.tinyfit.runtime.ArenaProof;
import org.tinyfit.tflite.TfliteReader;

/**
 * Prints the partial-execution table of BENCHMARKS.md: for each TinyML model, TFLite Micro's planned
 * arena, tinyfit's in-place peak with partial execution (planned, and proven by running in exactly
 * that arena against the unsplit model), their ratio and the extra MACs of the split graph. Run with
 * {@code scripts/bench-tinyml}.
 */
public final class TinyMlMemoryTable {
    private TinyMlMemoryTable() {}

    /** One model's row. */
    public record Row(String model, long tflmArenaBytes, long inPlacePeakBytes, long plannedArenaBytes, boolean verified, long macs, long extraMacs, int splits,
                      int pipelines) {
        public double ratio() { return (double) inPlacePeakBytes / tflmArenaBytes; }
    }

    public static Row measure(String name, Graph g) {
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        ArenaProof proof = ArenaProof.ofStreamed(g, m);
        long macs = macs(g);
        // a row pipeline computes each of its layers' output elements once: its MACs are those of the split graph
        return new Row(name, m.storedArenaBytes(), m.streamedPeakBytes(), proof.arenaBytes(), proof.verified(), macs,
                macs(m.partialExecution().graph()) - macs, m.partialExecution().splits().size(), m.streams() ? m.streamed().pipelines().size() : 0);
    }

    static long macs(Graph g) { return Work.macs(g); }

    /** The models of the table: person_detect from {@code shared} (when present), the rest built. */
    public static void main(String[] args) {
        String shared = args.length > 0 ? args[0] : "../shared";
        if (args.length > 1) {
            explain(args[1].equals("person_detect") ? TfliteReader.read(java.nio.file.Path.of(shared, "models", "person_detect.tflite")) : TinyMlModels.int8(args[1]));
            return;
        }
        System.out.println("| model | TFLM arena (B) | tinyfit in-place peak (B) | ratio | planned and run (B) | MACs | extra MACs | row pipelines |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        java.nio.file.Path pd = java.nio.file.Path.of(shared, "models", "person_detect.tflite");
        if (java.nio.file.Files.exists(pd)) print(measure("person_detect", TfliteReader.read(pd)));
        for (String name : TinyMlModels.names()) print(measure(name, TinyMlModels.int8(name)));
    }

    /** Prints each step's live bytes of the split graph in its order, and the splits (for study). */
    static void explain(Graph g) {
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        Graph split = m.partialExecution().graph();
        Schedule order = m.splitOrderSearch().schedule();
        long[] steps = StepMemory.stepBytes(split, order, LiveModel.IN_PLACE);
        InPlacePlanner.Result r = new InPlacePlanner().solve(split, order);
        System.out.println("splits " + m.partialExecution().splits() + " plan " + r.plan().arenaBytes() + " bound " + r.lowerBoundBytes());
        if (System.getenv("TINYFIT_EXPLAIN_PLAN") != null) {
            InPlaceBuffers ib = InPlaceBuffers.of(split, order, LiveRanges.TFLM_ALIGNMENT_BYTES);
            for (int i = 0; i < ib.buffers().size(); i++) {
                ArenaBuffer b = ib.buffers().get(i);
                long off = b.isScratch() ? r.plan().scratchOffset(b.node(), b.scratchIndex()) : r.plan().offset(b.tensor());
                System.out.printf(Locale.ROOT, "buf g%-3d [%6d,%6d) t%3d..%3d %s%n", ib.group()[i], off, off + b.alignedBytes(), b.firstTime(), b.lastTime(),
                        b.isScratch() ? b.label() : split.tensor(b.tensor()).describe() + " " + split.tensor(b.tensor()).name());
            }
        }
        for (int s = 0; s < steps.length; s++) {
            org.tinyfit.graph.Node n = split.node(order.node(s));
            System.out.printf(Locale.ROOT, "%4d %8d %-24s %s -> %s%n", s, steps[s], n.op().kind(), n.hasInput(0) ? split.tensor(n.input(0)).describe() : "", split.tensor(n.output(0)).describe());
        }
    }

    private static void print(Row r) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.3f | %,d%s | %,d | %,d | %d |%n", r.model(), r.tflmArenaBytes(), r.inPlacePeakBytes(), r.ratio(),
                r.plannedArenaBytes(), r.verified() ? ", outputs identical" : ", NOT VERIFIED", r.macs(), r.extraMacs(), r.pipelines());
    }
}
