package org.tinyfit.cost;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tinyfit.codegen.CFootprint;
import org.tinyfit.codegen.CProject;
import org.tinyfit.device.Device;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.latency.Latency;
import org.tinyfit.latency.Runtimes;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MemoryProfile;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.memory.Schedule;

/**
 * The one place tinyfit's numbers come from: per node and in total, MACs, parameters, flash, SRAM
 * and latency of a graph run in a schedule with an arena plan on a device, and whether it fits.
 *
 * <p>Flash = the model (its file size when known, else constant data plus an estimate of the
 * flatbuffer structure) + TFLite Micro's code ({@link TflmOverhead#codeBytes}). Peak SRAM = the
 * arena plan's size (the non-persistent head) + TFLite Micro's persistent tail ({@link TflmTail}, for
 * the device core's target, {@code persistentTarget}; exact for TFLite Micro's reference kernels unless
 * {@code persistentExact} is false); with TFLite Micro's planner this sum is what its
 * {@code arena_used_bytes()} reports. {@code tensorArenaBytes} is the {@code tensor_arena} to request:
 * that sum, or more when {@code AllocateTensors()} needs more room while it plans
 * ({@link TflmTail#planningBytes}); the SRAM constraint checks it. {@code hostPersistentBytes} and
 * {@code hostTensorArenaBytes} are the same for a 64-bit host build. Latency per node comes from {@link Latency} for the
 * runtime chosen (TFLite Micro with CMSIS-NN by default where the core has the DSP extension): the
 * fitted per-op model for int8 ops, the board's cycles-per-MAC table for the rest. Energy per
 * inference = latency x the device's published inference power, when it has one (null otherwise).
 */
public record Cost(String model, String device, String planner, List<NodeCost> nodes,
                   long macs, long elementOps, long parameters, long constantBytes, long modelBytes, boolean modelBytesMeasured,
                   long codeBytes, long flashBytes, long arenaBytes, long persistentBytes, long peakSramBytes,
                   long lowerBoundBytes, double latencyMicros, Double energyMicrojoules, boolean hybrid, List<Finding> findings, Verdict verdict,
                   String runtime, boolean latencyExtrapolated, String latencyBasis,
                   String persistentTarget, boolean persistentExact, long hostPersistentBytes, long tensorArenaBytes, long hostTensorArenaBytes) {
    public Cost {
        nodes = List.copyOf(nodes);
        findings = List.copyOf(findings);
    }

    /** The cost with the model's bytes in flash estimated from the graph. */
    public static Cost of(Graph g, Device device, Schedule schedule, ArenaPlan plan) {
        return of(g, device, schedule, plan, -1);
    }

    /** The cost with the core's default runtime ({@link Runtimes#defaultFor}). */
    public static Cost of(Graph g, Device device, Schedule schedule, ArenaPlan plan, long modelFileBytes) {
        return of(g, device, schedule, plan, modelFileBytes, null);
    }

    /**
     * The cost. {@code modelFileBytes} is the size of the model file as it will sit in flash (-1 if
     * unknown: estimated). {@code lowerBoundBytes} is the live-bytes lower bound of the schedule
     * ({@link MemoryProfile}): no plan for this schedule has a smaller arena. {@code runtime} names
     * the software that runs the model ({@link Runtimes}; null: the core's default).
     */
    public static Cost of(Graph g, Device device, Schedule schedule, ArenaPlan plan, long modelFileBytes, String runtime) {
        schedule.check(g);
        Latency latency = Latency.of(device, runtime);
        long lowerBoundBytes = MemoryProfile.of(g, schedule).lowerBoundBytes();
        List<NodeCost> rows = new ArrayList<>();
        long macs = 0, ops = 0;
        double micros = 0;
        Set<Integer> paramTensors = new LinkedHashSet<>();
        for (int step = 0; step < schedule.size(); step++) {
            Node n = g.node(schedule.node(step));
            NodeCost row = row(g, latency, n, step, paramTensors);
            rows.add(row);
            macs += row.macs();
            ops += row.elementOps();
            micros += row.latencyMicros();
        }
        long parameters = 0;
        for (int t : paramTensors) parameters += g.tensor(t).shape().elements();
        long constantBytes = 0;
        for (Tensor t : g.tensors()) if (t.isConstant()) constantBytes += t.bytes();
        boolean measured = modelFileBytes >= 0;
        long modelBytes = measured ? modelFileBytes : TflmOverhead.modelBytesEstimate(g, constantBytes);
        long code = TflmOverhead.codeBytes(g);
        long flash = modelBytes + code;
        TflmTail.Result tail = TflmTail.of(g, TflmAbi.of(device.core()));
        long persistent = tail.bytes();
        long peak = plan.arenaBytes() + persistent;
        long tensorArena = tail.tensorArenaBytes(plan.arenaBytes());
        TflmTail.Result hostTail = TflmTail.of(g, TflmAbi.HOST_64);
        List<Constraint> constraints = new ArrayList<>();
        constraints.add(new Constraint("SRAM", tensorArena, device.sramBytes()));
        if (device.largestSramBlockBytes() < device.sramBytes()) {
            constraints.add(new Constraint("contiguous SRAM", tensorArena, device.largestSramBlockBytes()));
        }
        constraints.add(new Constraint("flash", flash, device.flashBytes()));
        return new Cost(g.name(), device.id(), plan.planner(), rows, macs, ops, parameters, constantBytes, modelBytes, measured,
                code, flash, plan.arenaBytes(), persistent, peak, lowerBoundBytes, micros,
                device.power() == null ? null : micros * device.power().activeMilliwatts() / 1000.0, Support.isHybrid(g),
                Support.findings(g, device, latency), Verdict.of(constraints, Support.cannotRun(g)), latency.runtime(), latency.extrapolated(), latency.basis(),
                tail.abi().description(), tail.exact(), hostTail.bytes(), tensorArena,
                hostTail.tensorArenaBytes(plan.arenaBytes()));
    }

    private static NodeCost row(Graph g, Latency latency, Node n, int step, Set<Integer> paramTensors) {
        Work w = Work.of(g, n);
        long params = 0, weightBytes = 0, activationBytes = 0;
        List<int[]> inShapes = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        int[] ins = n.inputs();
        for (int slot = 0; slot < ins.length; slot++) {
            int t = ins[slot];
            if (t < 0) continue;
            Tensor tensor = g.tensor(t);
            inShapes.add(tensor.shape().dims());
            if (!seen.add(t)) continue;
            if (tensor.isConstant()) {
                weightBytes += tensor.bytes();
                if (Work.isParameterInput(n.op(), slot)) {
                    params += tensor.shape().elements();
                    paramTensors.add(t);
                }
            } else {
                activationBytes += tensor.bytes();
            }
        }
        List<int[]> outShapes = new ArrayList<>();
        for (int t : n.outputs()) {
            outShapes.add(g.tensor(t).shape().dims());
            if (seen.add(t)) activationBytes += g.tensor(t).bytes();
        }
        DType computeType = activationType(g, n);
        return new NodeCost(step, n.id(), n.op().kind(), tableName(computeType), inShapes, outShapes, w.macs(), w.elementOps(), params,
                weightBytes, activationBytes, latency.micros(g, n, computeType));
    }

    /** The type a node computes in: that of its activation input for weighted ops, else of its first non-constant input, else its output. */
    public static DType activationType(Graph g, Node n) {
        int act = Support.activationInput(n);
        if (act >= 0) return g.tensor(act).dtype();
        for (int t : n.inputs()) if (t >= 0 && !g.tensor(t).isConstant()) return g.tensor(t).dtype();
        return g.tensor(n.output(0)).dtype();
    }

    /** int8 for 8-bit integers and any other integer type, int16, or float32 for float types. */
    static String tableName(DType t) {
        return switch (t) {
            case F32, F16 -> "float32";
            case I16 -> "int16";
            case I8, U8, I32, I64, BOOL, UNKNOWN -> "int8";
        };
    }

    /**
     * The model as TFLite Micro runs it: the stored order, planned by TFLite Micro's greedy planner.
     * {@code modelFileBytes}: the model file's size, -1 if unknown.
     */
    public static Cost storedOrder(Graph g, Device device, long modelFileBytes) {
        return storedOrder(g, device, modelFileBytes, null, null);
    }

    /** The model as TFLite Micro runs it, its latency for {@code runtime} (null: the core's default). */
    public static Cost storedOrder(Graph g, Device device, long modelFileBytes, String runtime) {
        return storedOrder(g, device, modelFileBytes, null, runtime);
    }

    /**
     * As {@link #storedOrder(Graph, Device, long, String)} for a model file that carries an offline plan
     * ("OfflineMemoryAllocation"): {@code offlineOffsets[t]} is tensor {@code t}'s offset in the arena,
     * -1 for one TFLite Micro plans itself ({@link TflmGreedyPlanner#planWithOffline}). Null: no plan.
     */
    public static Cost storedOrder(Graph g, Device device, long modelFileBytes, int[] offlineOffsets, String runtime) {
        Schedule s = Schedule.stored(g);
        TflmGreedyPlanner tflm = new TflmGreedyPlanner();
        ArenaPlan plan = offlineOffsets == null ? tflm.plan(g, s) : tflm.planWithOffline(g, s, offlineOffsets);
        return of(g, device, s, plan, modelFileBytes, runtime);
    }

    /**
     * The model as {@code tinyfit export --c} deploys it (runtime {@code tinyfit-c}): the default in-place
     * layout (partial execution, split order, in-place plan) of the generated project for the device's
     * core. Flash and SRAM are {@link CFootprint}'s prediction of {@code arm-none-eabi-size} for the
     * project's image: flash = kernel code + weights and requantization tables + the image's fixed part;
     * SRAM = the static arena + the im2col column and the input and output buffers (reported as
     * persistent). Throws {@link org.tinyfit.codegen.CodegenException} for a model or core the generator
     * does not support.
     */
    public static Cost codegen(Graph g, Device device) {
        CProject.Layout layout = CProject.layout(g, CProject.ArenaChoice.INPLACE);
        CProject.Project p = CProject.generate(layout, new CProject.Options(CProject.ArenaChoice.INPLACE, CProject.cpu(device.core())));
        CFootprint.Footprint f = CFootprint.predict(p);
        Cost c = of(layout.graph(), device, layout.schedule(), layout.plan(), -1, Runtimes.TINYFIT_C);
        long ram = f.ramBytes(), others = ram - c.arenaBytes();
        List<Constraint> constraints = new ArrayList<>();
        constraints.add(new Constraint("SRAM", ram, device.sramBytes()));
        if (device.largestSramBlockBytes() < device.sramBytes()) constraints.add(new Constraint("contiguous SRAM", ram, device.largestSramBlockBytes()));
        constraints.add(new Constraint("flash", f.flashBytes(), device.flashBytes()));
        return new Cost(g.name(), device.id(), c.planner(), c.nodes(), c.macs(), c.elementOps(), c.parameters(), c.constantBytes(), f.constantBytes(), false,
                f.codeBytes(), f.flashBytes(), c.arenaBytes(), others, ram, c.lowerBoundBytes(), c.latencyMicros(), c.energyMicrojoules(), c.hybrid(),
                c.findings(), Verdict.of(constraints, Support.cannotRun(layout.graph())), c.runtime(), c.latencyExtrapolated(), c.latencyBasis(),
                "generated C (" + CProject.cpu(device.core()) + ")", true, others, ram, ram);
    }

    /** What {@code arena_used_bytes()} of a 64-bit host build of TFLite Micro reports: the arena plan plus the host's tail. */
    public long hostArenaUsedBytes() { return arenaBytes + hostPersistentBytes; }

    /** Latency in milliseconds. */
    public double latencyMillis() { return latencyMicros / 1000.0; }

    /**
     * The SRAM the model needs: the {@code tensor_arena} to request ({@code tensorArenaBytes}), the figure the
     * verdict's SRAM constraint checks. {@code peakSramBytes} (head + tail) is what the arena keeps after
     * {@code AllocateTensors()}; for small models planning needs more than that.
     */
    public long sramBytes() { return tensorArenaBytes; }
}
