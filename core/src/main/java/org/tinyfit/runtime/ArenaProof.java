package org.tinyfit.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlacePlanCheck;
import org.tinyfit.memory.InPlacePlanner;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.RowPipeline;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;

/**
 * The arena of a model split for partial execution, in its in-place order, planned by
 * {@link InPlacePlanner} and checked by {@link InPlacePlanCheck}, and whether it was proven by
 * running: the split graph ran in the interpreter in exactly that arena and gave the same outputs,
 * byte for byte, as the original graph with TFLite Micro's plan, on one seeded random input.
 *
 * @param arenaBytes the planned arena
 * @param planner    the planner that made it
 * @param gapBytes   how much the plan misses the in-place live-bytes peak by (0: it reaches it)
 * @param verified   whether the run matched
 * @param check      what the run showed, or why there was none
 */
public record ArenaProof(long arenaBytes, String planner, long gapBytes, boolean verified, String check) {
    /** Plans the split graph of {@code m} (made from {@code g}) and proves the plan by running both graphs. */
    public static ArenaProof of(Graph g, MemoryOptimization m) {
        return prove(g, m.partialExecution().graph(), m.splitOrderSearch().schedule(), Interpreter.defaultProviders());
    }

    /**
     * As {@link #of}, for the graph with {@code m}'s row pipelines collapsed ({@link RowPipeline}),
     * run by {@link RowPipelineKernels}: the same as {@link #of} when {@code m} streams nothing.
     */
    public static ArenaProof ofStreamed(Graph g, MemoryOptimization m) {
        RowPipeline.Result r = m.streamed();
        if (!m.streams()) return of(g, m);
        return prove(g, r.graph(), r.schedule(), new RowPipelineKernels(r.pipelines()).withDefaults());
    }

    private static ArenaProof prove(Graph g, Graph split, Schedule order, java.util.List<KernelProvider> providers) {
        InPlacePlanner.Result r = new InPlacePlanner().solve(split, order);
        ArenaPlan plan = r.plan();
        InPlacePlanCheck.verify(split, order, plan);
        try {
            Schedule stored = Schedule.stored(g);
            byte[][] in = seededInputs(g);
            byte[][] want = new Interpreter(g, stored, new TflmGreedyPlanner().plan(g, stored)).run(in);
            Interpreter run = new Interpreter(split, order, plan, providers, true);
            byte[][] got = run.run(in);
            if (run.arena().bytes().length != plan.arenaBytes()) {
                return new ArenaProof(plan.arenaBytes(), plan.planner(), r.gapBytes(), false,
                        "the interpreter's arena is " + run.arena().bytes().length + " bytes, not the planned " + plan.arenaBytes());
            }
            for (int k = 0; k < want.length; k++) {
                if (!Arrays.equals(want[k], got[k])) {
                    return new ArenaProof(plan.arenaBytes(), plan.planner(), r.gapBytes(), false, "output " + k + " differs from the original model's");
                }
            }
            return new ArenaProof(plan.arenaBytes(), plan.planner(), r.gapBytes(), true, "verified by running");
        } catch (GraphException e) {
            return new ArenaProof(plan.arenaBytes(), plan.planner(), r.gapBytes(), false, "not run: " + e.getMessage());
        }
    }

    /** One input per graph input: seeded Gaussian values for float tensors, seeded bytes otherwise. */
    static byte[][] seededInputs(Graph g) {
        Random rnd = new Random(42);
        int[] ins = g.inputs();
        byte[][] out = new byte[ins.length][];
        for (int k = 0; k < ins.length; k++) {
            Tensor t = g.tensor(ins[k]);
            out[k] = new byte[(int) t.bytes()];
            if (t.dtype() == DType.F32) {
                ByteBuffer b = ByteBuffer.wrap(out[k]).order(ByteOrder.LITTLE_ENDIAN);
                while (b.remaining() >= 4) b.putFloat((float) rnd.nextGaussian());
            } else {
                rnd.nextBytes(out[k]);
            }
        }
        return out;
    }
}
