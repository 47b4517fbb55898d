package org.tinyfit.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tinyfit.graph.Graph;

/**
 * The latency model fitted to a set of measurements. Cycles of a node on a board =
 * {@code core factor x board factor x (counts . cycles per unit)}, where
 * <ul>
 * <li>the counts are the node's {@link OpFeatures} (shape-dependent: regular, shallow, 1x1 and
 *     depthwise convolutions, fully connected layers, requantized outputs, element ops, ops);</li>
 * <li>the cycles per unit are fitted per runtime by least squares ({@link LeastSquares}, relative
 *     errors, a weak prior from {@link Runtimes#prior}) over every measurement of that runtime, for a
 *     Cortex-M4;</li>
 * <li>the core factor is how many cycles a core takes for what a Cortex-M4 does in one, measured from
 *     the same software (same version) run on both (MLPerf Tiny submissions of one engine on several
 *     boards); a core never run beside a Cortex-M4 takes the factor its instruction set implies
 *     ({@link #instructionSetFactor}) or else 1;</li>
 * <li>the board factor is the geometric mean of measured over modelled time across the board's own
 *     measurements of that runtime (memory wait states, compiler, software version); a board with none
 *     has 1, and its prediction is marked extrapolated.</li>
 * </ul>
 * Besides, for the rows whose software version was built and counted on an emulated Cortex-M4
 * ({@link EmulatedInstructions}): cycles per emulated instruction, per runtime, the geometric mean over
 * those rows of their cycles divided by their core factor and by their version's instructions. A row of
 * such a version is predicted as core factor x cycles per instruction x its version's instructions
 * ({@link #fromInstructions}). A version counted on the emulated Cortex-M55 with Helium (the software of
 * a Helium board) is predicted the same way with the core's instruction rate against a Cortex-M4
 * ({@link #instructionRateFactor}) in place of a measured core factor; such rows never enter the
 * cycles per instruction.
 */
public final class LatencyFit {
    /** Weight of the prior against the measurements: a coefficient twice its prior costs as much as a 32% error on one measurement. */
    static final double PRIOR_WEIGHT = 0.1;
    static final String REFERENCE_CORE = "Cortex-M4";

    private static final Map<String, double[]> WORKLOAD_FEATURES = new ConcurrentHashMap<>();

    private final List<Measurement> rows;
    private final Map<String, double[]> theta = new LinkedHashMap<>();
    private final Map<String, Set<String>> fittedOn = new LinkedHashMap<>();
    private final Map<String, Double> coreFactor = new LinkedHashMap<>();
    private final Map<String, Set<String>> coreFactorFrom = new LinkedHashMap<>();
    private final Map<String, Map<String, Relative>> relativeTo = new LinkedHashMap<>();
    private final Map<String, Double> boardFactor = new LinkedHashMap<>();
    private final Map<String, Integer> boardRows = new LinkedHashMap<>();
    private final EmulatedInstructions emulated;
    private final Map<String, Double> cyclesPerInstruction = new LinkedHashMap<>();
    private final Map<String, Set<String>> instructionsFrom = new LinkedHashMap<>();
    private final GeneratedCInstructions generatedC;
    private final Map<String, double[]> generatedCInstructionsPerUnit = new LinkedHashMap<>();

    private LatencyFit(List<Measurement> rows, EmulatedInstructions emulated, GeneratedCInstructions generatedC) {
        this.rows = List.copyOf(rows);
        this.emulated = emulated;
        this.generatedC = generatedC;
        fitCoreFactors();
        fitRuntimes();
        fitInstructions();
        for (String build : GeneratedCInstructions.BUILDS) generatedCInstructionsPerUnit.put(build, fitGeneratedC(generatedC.graphs(), build));
        fitBoards();
    }

    /** The model fitted to {@code rows}, with tinyfit's emulated instruction counts. */
    public static LatencyFit of(List<Measurement> rows) { return new LatencyFit(rows, EmulatedInstructions.builtin(), GeneratedCInstructions.builtin()); }

    /** The model fitted to {@code rows}, with the given emulated instruction counts. */
    static LatencyFit of(List<Measurement> rows, EmulatedInstructions emulated) { return new LatencyFit(rows, emulated, GeneratedCInstructions.builtin()); }

    /**
     * Instructions per unit of each {@link OpFeatures} column of tinyfit's generated C in one build
     * ({@link GeneratedCInstructions#BUILDS}), fitted like a runtime's cycles (relative least squares,
     * {@link #GENERATED_C_PRIOR} at weight {@link #PRIOR_WEIGHT}) to the counted graphs.
     */
    static double[] fitGeneratedC(List<GeneratedCInstructions.Counted> graphs, String build) {
        double[][] a = new double[graphs.size()][];
        double[] y = new double[graphs.size()];
        double[] ratios = new double[graphs.size()];
        String first = GeneratedCInstructions.BUILDS.get(0);
        for (int i = 0; i < graphs.size(); i++) {
            a[i] = graphs.get(i).features();
            y[i] = graphs.get(i).instructions(build);
            ratios[i] = y[i] / graphs.get(i).instructions(first);
        }
        java.util.Arrays.sort(ratios);
        double scale = ratios.length == 0 ? 1 : ratios[ratios.length / 2];
        double[] prior = GENERATED_C_PRIOR.clone();
        for (int j = 0; j < prior.length; j++) prior[j] *= scale;
        return LeastSquares.solve(a, y, prior, PRIOR_WEIGHT);
    }

    /**
     * The counted build whose instructions a core runs: the DSP path ({@code cortex-m4}) on the
     * Cortex-M4, M7, M33 and M55; the portable loops in Armv7-M ({@code cortex-m3}) on the Cortex-M3,
     * in Armv6-M ({@code cortex-m0plus}) on the Cortex-M0+; and for any other core (the generated C is
     * portable, its project's build is for Cortex-M) the portable loops of the Cortex-M3 build.
     */
    public static String generatedCBuild(String core) {
        String c = coreClass(core).toLowerCase(Locale.ROOT).replace(" ", "");
        return switch (c) {
            case "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", "cortex-m85" -> "cortex-m4";
            case "cortex-m0+", "cortex-m0plus", "cortex-m0" -> "cortex-m0plus";
            default -> "cortex-m3";
        };
    }

    /**
     * Where the generated C's fit starts, in Cortex-M4 instructions per unit: a MAC of an SMLAD loop
     * about 1 (two MACs, two loads, the loop), of a shallow or depthwise window about 2, requantizing an
     * output about 10, an element op about 5, a node's call and setup about 100, an output of ADD, SUB
     * or MUL about 40 (three fixed-point multiplies with their roundings). Another build starts
     * from these times the median, over the graphs fitted, of its instructions over the Cortex-M4
     * build's (the portable loops run 1-6x as many).
     */
    static final double[] GENERATED_C_PRIOR = {1, 2, 1, 2, 1, 10, 5, 100, 40};

    /** The generated C's fitted instructions per unit of each of its columns ({@link OpFeatures#GENERATED_C_NAMES}) in one build ({@link GeneratedCInstructions#BUILDS}). */
    public double[] generatedCInstructionsPerUnit(String build) { return generatedCInstructionsPerUnit.get(build).clone(); }

    /** The counted graphs the generated C's instructions are fitted to. */
    public GeneratedCInstructions generatedC() { return generatedC; }

    /**
     * Cycles per emulated instruction per runtime: the geometric mean, over the rows whose software was
     * emulated on the Cortex-M4, of cycles / (core factor x instructions), on cores measured beside a
     * Cortex-M4 only.
     */
    private void fitInstructions() {
        Map<String, List<Double>> logs = new LinkedHashMap<>();
        for (Measurement m : rows) {
            EmulatedInstructions.Version v = emulated.versionOf(m.board(), m.runtime());
            Long n = emulated.instructions(m.board(), m.runtime(), m.workload());
            if (n == null || !v.countedOnCortexM4() || !coreMeasured(m.core())) continue;
            logs.computeIfAbsent(m.runtime(), k -> new ArrayList<>()).add(Math.log(m.cycles() / (coreFactor(m.core()) * n)));
            instructionsFrom.computeIfAbsent(m.runtime(), k -> new LinkedHashSet<>()).add(m.boardName());
        }
        logs.forEach((rt, l) -> cyclesPerInstruction.put(rt, Math.exp(l.stream().mapToDouble(Double::doubleValue).average().orElse(0))));
    }

    /** Cortex-M4 cycles per emulated instruction fitted for a runtime, or null when no fitted row's software was emulated. */
    public Double cyclesPerInstruction(String runtime) { return cyclesPerInstruction.get(runtime); }

    /**
     * The time of a workload on a board from the emulated instructions of the software the board's rows
     * of this runtime ran: core factor x cycles per instruction (fitted on the rows this model was fitted
     * to) x instructions, at {@code clockHz}. The core factor is the measured one for software counted on
     * the Cortex-M4; for software counted on the core's own instruction set (a Helium build for a Helium
     * core) it is the core's instruction rate against a Cortex-M4 ({@link #instructionRateFactor}). Null
     * when that software was not emulated, the runtime has no cycles per instruction, or no such factor
     * is known for the core.
     */
    public Double fromInstructions(String board, String core, long clockHz, String runtime, String workload) {
        Long n = emulated.instructions(board, runtime, workload);
        Double cpi = cyclesPerInstruction.get(runtime);
        if (n == null || cpi == null) return null;
        Double f = instructionsCoreFactor(emulated.versionOf(board, runtime), core);
        return f == null ? null : f * cpi * n / clockHz * 1e3;
    }

    /** The factor {@link #fromInstructions} applies for a version's counts on a core, or null when none is known. */
    private Double instructionsCoreFactor(EmulatedInstructions.Version v, String core) {
        if (v.countedOnCortexM4()) return coreMeasured(core) ? coreFactor(core) : null;
        if (!coreMeasured(core) && ownInstructionSet(v.emulatedCore(), core)) return instructionRateFactor(core);
        return null;
    }

    /** True when counts made on {@code emulatedCore} are in the instruction set {@code core} runs: both Helium cores (Armv8.1-M with MVE). */
    static boolean ownInstructionSet(String emulatedCore, String core) {
        return helium(emulatedCore) && helium(core);
    }

    private static boolean helium(String core) {
        String c = coreClass(core);
        return c.equalsIgnoreCase("Cortex-M55") || c.equalsIgnoreCase("Cortex-M85");
    }

    /**
     * Cycles a core takes per Cortex-M4 cycle on the same instruction stream, from Arm's published
     * CoreMark/MHz (Cortex-M4 3.54; Cortex-M85 6.28: dual-issue), for a core whose software was counted
     * on its own instruction set; null for any other core. CoreMark is scalar code: the rule takes a
     * Helium instruction to cost the core what its average scalar instruction does (a dual-beat Helium
     * core overlaps consecutive vector instructions, about one per cycle). Not fitted on any measurement.
     */
    static Double instructionRateFactor(String core) {
        Double rate = COREMARK_PER_MHZ.get(coreClass(core));
        return rate == null ? null : COREMARK_PER_MHZ.get(REFERENCE_CORE) / rate;
    }

    /** Arm's published CoreMark/MHz of the cores {@link #instructionRateFactor} covers. */
    static final Map<String, Double> COREMARK_PER_MHZ = Map.of(REFERENCE_CORE, 3.54, "Cortex-M85", 6.28);

    /** The counts of a named workload (cached: the graphs are fixed). */
    static double[] workloadFeatures(String workload) { return workloadFeatures(workload, null); }

    /** The counts of a named workload in the columns {@code runtime}'s model uses (cached). */
    static double[] workloadFeatures(String workload, String runtime) {
        boolean c = Runtimes.TINYFIT_C.equals(runtime);
        return WORKLOAD_FEATURES.computeIfAbsent((c ? "c\u0000" : "") + workload, k -> OpFeatures.of(Workloads.byName(workload), runtime));
    }

    /** The core a factor is kept for: the FPU does not change int8 kernels, so Cortex-M4F is a Cortex-M4. */
    static String coreClass(String core) {
        String c = core.trim();
        return c.equalsIgnoreCase("Cortex-M4F") ? REFERENCE_CORE : c;
    }

    /**
     * Core factors from rows of the same software on the same workload. First, cores linked to a
     * Cortex-M4 (directly, or through a chain of cores that are): their factors are measured. Then, per
     * runtime, the cores left that ran the same software as each other but never beside a linked core:
     * in each such group the core with the most rows of the runtime is the anchor, taken as a
     * Cortex-M4, and the others get their measured factor against it ({@link #relativeTo}). These are
     * kept per runtime because a vendor's library may run different code on each of its cores (ESP-NN
     * has vector assembly for the ESP32-S3 only), so what one core gains under it says nothing of
     * another runtime.
     */
    private void fitCoreFactors() {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        for (Measurement m : rows) groups.computeIfAbsent(m.software() + "\u0000" + m.workload(), k -> new ArrayList<>()).add(m);
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put(REFERENCE_CORE, 0.0);
        link(groups.values(), logs, coreFactorFrom);
        logs.forEach((c, l) -> coreFactor.put(c, Math.exp(l)));
        Map<String, List<List<Measurement>>> byRuntime = new LinkedHashMap<>();
        for (List<Measurement> g : groups.values()) byRuntime.computeIfAbsent(g.get(0).runtime(), k -> new ArrayList<>()).add(g);
        byRuntime.forEach((runtime, gs) -> {
            Map<String, Integer> count = new LinkedHashMap<>();
            for (List<Measurement> g : gs) for (Measurement m : g) count.merge(coreClass(m.core()), 1, Integer::sum);
            Map<String, Relative> rel = new LinkedHashMap<>();
            for (String first : count.keySet()) {
                if (coreFactor.containsKey(first) || rel.containsKey(first)) continue;
                Set<String> component = component(first, gs);
                component.removeIf(coreFactor::containsKey);
                String anchor = first;
                for (String c : component) if (count.get(c) > count.get(anchor)) anchor = c;
                Map<String, Double> l = new LinkedHashMap<>();
                l.put(anchor, 0.0);
                Map<String, Set<String>> from = new LinkedHashMap<>();
                link(gs, l, from);
                for (String c : component) rel.put(c, new Relative(anchor, Math.exp(l.getOrDefault(c, 0.0)), from.getOrDefault(c, Set.of())));
            }
            relativeTo.put(runtime, rel);
        });
    }

    /** A core's factor against an anchor core that no measurement relates to a Cortex-M4 (the anchor itself has 1). */
    record Relative(String anchor, double factor, Set<String> from) {}

    /**
     * Adds to {@code logs} (core class -> log factor) every core that ran the same software on the same
     * workload as a core already in it, pass by pass until none is added: the mean over such groups of
     * its log cycles minus the mean log cycles of the known cores' rows, each divided by its factor.
     */
    private static void link(Iterable<List<Measurement>> groups, Map<String, Double> logs, Map<String, Set<String>> from) {
        while (true) {
            Map<String, List<Double>> found = new LinkedHashMap<>();
            for (List<Measurement> g : groups) {
                double sum = 0;
                int n = 0;
                for (Measurement m : g) {
                    Double l = logs.get(coreClass(m.core()));
                    if (l != null) { sum += Math.log(m.cycles()) - l; n++; }
                }
                if (n == 0) continue;
                double ref = sum / n;
                for (Measurement m : g) {
                    String c = coreClass(m.core());
                    if (logs.containsKey(c)) continue;
                    found.computeIfAbsent(c, k -> new ArrayList<>()).add(Math.log(m.cycles()) - ref);
                    from.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(m.software());
                }
            }
            if (found.isEmpty()) return;
            found.forEach((c, l) -> logs.put(c, l.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
        }
    }

    /** The cores joined to {@code core} by running the same software on the same workload (itself included). */
    private static Set<String> component(String core, Iterable<List<Measurement>> groups) {
        Set<String> out = new LinkedHashSet<>(List.of(core));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (List<Measurement> g : groups) {
                boolean touches = g.stream().anyMatch(m -> out.contains(coreClass(m.core())));
                if (!touches) continue;
                for (Measurement m : g) grew |= out.add(coreClass(m.core()));
            }
        }
        return out;
    }

    private void fitRuntimes() {
        Map<String, List<Measurement>> byRuntime = new LinkedHashMap<>();
        for (Measurement m : rows) {
            // a measurement of the generated C scales its board's figures (fitBoards); its per-op costs are its counted instructions'
            if (!Runtimes.TINYFIT_C.equals(m.runtime())) byRuntime.computeIfAbsent(m.runtime(), k -> new ArrayList<>()).add(m);
        }
        byRuntime.forEach((runtime, all) -> {
            List<Measurement> linked = all.stream().filter(m -> coreFactor.containsKey(coreClass(m.core()))).toList();
            List<Measurement> use = linked.isEmpty() ? all : linked;
            double[][] a = new double[use.size()][];
            double[] y = new double[use.size()];
            Set<String> boards = new LinkedHashSet<>();
            for (int i = 0; i < use.size(); i++) {
                Measurement m = use.get(i);
                a[i] = workloadFeatures(m.workload());
                y[i] = m.cycles() / coreFactor(m.core(), runtime);
                boards.add(m.boardName());
            }
            theta.put(runtime, LeastSquares.solve(a, y, Runtimes.prior(runtime), PRIOR_WEIGHT));
            fittedOn.put(runtime, boards);
        });
    }

    private void fitBoards() {
        Map<String, List<Double>> logs = new LinkedHashMap<>();
        for (Measurement m : rows) {
            double[] perUnit = perUnit(m.runtime(), m.core());
            if (perUnit == null) continue;
            double model = coreFactor(m.core(), m.runtime()) * OpFeatures.dot(workloadFeatures(m.workload(), m.runtime()), perUnit);
            logs.computeIfAbsent(key(m.board(), m.runtime()), k -> new ArrayList<>()).add(Math.log(m.cycles() / model));
        }
        logs.forEach((k, l) -> {
            boardFactor.put(k, Math.exp(l.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            boardRows.put(k, l.size());
        });
    }

    private static String key(String board, String runtime) { return board.toLowerCase(Locale.ROOT) + "\u0000" + runtime; }

    /** In Markdown: the fitted cycles per unit of every runtime (for a Cortex-M4) and the core factors. */
    public String describe() {
        StringBuilder b = new StringBuilder("| runtime | " + String.join(" | ", OpFeatures.NAMES) + " | fitted on |\n|---|");
        b.append("---:|".repeat(OpFeatures.NAMES.size())).append("---|\n");
        theta.forEach((runtime, t) -> row(b, runtime, t, String.join(", ", fittedOn.get(runtime))));
        row(b, "(prior, " + Runtimes.TFLM_REF + ")", Runtimes.prior(Runtimes.TFLM_REF), "the starting point of the fit, weight " + PRIOR_WEIGHT);
        row(b, "(prior, every other runtime)", Runtimes.prior(Runtimes.TFLM_CMSIS_NN), "the starting point of the fit, weight " + PRIOR_WEIGHT);
        b.append("\nCore factors (cycles per Cortex-M4 cycle, same software on both): ");
        List<String> f = new ArrayList<>();
        coreFactor.forEach((c, v) -> {
            if (!c.equals(REFERENCE_CORE)) f.add(String.format(Locale.ROOT, "%s x%.2f (%s)", c, v, String.join("; ", coreFactorFrom.get(c))));
        });
        b.append(String.join(", ", f));
        List<String> rel = new ArrayList<>();
        relativeTo.forEach((runtime, m) -> m.forEach((c, r) -> {
            if (!c.equals(r.anchor())) rel.add(String.format(Locale.ROOT, "%s x%.2f of %s with %s", c, r.factor(), r.anchor(), runtime));
        }));
        if (!rel.isEmpty()) b.append("; cores measured only beside each other, against the one with most rows (itself taken as a Cortex-M4): ").append(String.join(", ", rel));
        b.append(String.format(Locale.ROOT, "; a core never measured beside one: Cortex-M55 and Cortex-M85 x%.2f with %s (from the instruction set), any other x1%n",
                HELIUM_FACTOR, Runtimes.TFLM_CMSIS_NN));
        cyclesPerInstruction.forEach((rt, cpi) -> b.append(String.format(Locale.ROOT,
                "%nCycles per emulated instruction (%s): %.3f Cortex-M4 cycles, fitted on %s (each board's software version built for QEMU's Cortex-M4: %s)%n",
                rt, cpi, String.join(", ", instructionsFrom.get(rt)), versionsOf(rt))));
        Set<String> own = new LinkedHashSet<>();
        for (Measurement m : rows) {
            EmulatedInstructions.Version e = emulated.versionOf(m.board(), m.runtime());
            Double rate = e == null || e.countedOnCortexM4() || !cyclesPerInstruction.containsKey(m.runtime()) ? null : instructionsCoreFactor(e, m.core());
            if (rate != null) own.add(String.format(Locale.ROOT, "%s (%s, %s): x%.3f (Cortex-M4 %.2f over %s %.2f CoreMark/MHz), %s", m.boardName(), m.core(), m.runtime(), rate,
                    COREMARK_PER_MHZ.get(REFERENCE_CORE), coreClass(m.core()), COREMARK_PER_MHZ.get(coreClass(m.core())), e.software()));
        }
        if (!own.isEmpty()) b.append("\nSoftware counted on the emulated Cortex-M55's Helium instruction set, not the Cortex-M4's (these rows never enter ")
                .append("the cycles per instruction; predicted as cycles per instruction x instructions x the core's instruction rate against a Cortex-M4): ")
                .append(String.join("; ", own)).append('\n');
        return b.toString();
    }

    private String versionsOf(String runtime) {
        Set<String> v = new LinkedHashSet<>();
        for (Measurement m : rows) {
            EmulatedInstructions.Version e = emulated.versionOf(m.board(), m.runtime());
            if (e != null && e.countedOnCortexM4() && m.runtime().equals(runtime) && coreMeasured(m.core())) v.add(m.boardName() + ": " + e.software());
        }
        return String.join("; ", v);
    }

    private static void row(StringBuilder b, String name, double[] t, String note) {
        b.append("| ").append(name).append(" |");
        for (double v : t) b.append(String.format(Locale.ROOT, v >= 100 ? " %.0f |" : " %.2f |", v));
        b.append(' ').append(note).append(" |\n");
    }

    /** The measurements this model was fitted to. */
    public List<Measurement> rows() { return rows; }

    /** The runtimes with a fit, in the order first measured. */
    public List<String> runtimes() { return List.copyOf(theta.keySet()); }

    /** The fitted cycles per unit of each {@link OpFeatures} column for {@code runtime} on a Cortex-M4, or null if it has no fit. */
    public double[] cyclesPerUnit(String runtime) {
        if (Runtimes.TINYFIT_C.equals(runtime)) return generatedCCyclesPerUnit(REFERENCE_CORE);
        double[] t = theta.get(runtime);
        return t == null ? null : t.clone();
    }

    /**
     * Cortex-M4 cycles per unit of tinyfit's generated C as {@code core} runs it: the instructions per
     * unit of its build ({@link #generatedCBuild}) x TensorFlow Lite Micro + CMSIS-NN's Cortex-M4 cycles
     * per emulated instruction; null when no such cycles per instruction was fitted.
     */
    public double[] generatedCCyclesPerUnit(String core) {
        Double cpi = cyclesPerInstruction.get(Runtimes.TFLM_CMSIS_NN);
        if (cpi == null) return null;
        double[] t = generatedCInstructionsPerUnit.get(generatedCBuild(core)).clone();
        for (int j = 0; j < t.length; j++) t[j] *= cpi;
        return t;
    }

    /** Cortex-M4 cycles per unit of {@code runtime}'s columns as {@code core} runs it (not a copy), or null if the runtime has no fit. */
    private double[] perUnit(String runtime, String core) {
        return Runtimes.TINYFIT_C.equals(runtime) ? generatedCCyclesPerUnit(core) : theta.get(runtime);
    }

    /**
     * The instructions one inference of {@code g} executes in the generated C's {@code build}
     * ({@link GeneratedCInstructions#BUILDS}), by the per-op model fitted to the counted graphs.
     */
    public double generatedCInstructions(Graph g, String build) {
        return OpFeatures.dot(OpFeatures.generatedC(g), generatedCInstructionsPerUnit.get(build));
    }

    /** Cycles on {@code core} per cycle on a Cortex-M4 for the same work, as measured; 1 when never measured beside one. */
    public double coreFactor(String core) { return coreFactor.getOrDefault(coreClass(core), 1.0); }

    /** The core's factor against the anchor of its group for a runtime, when it was never measured beside a Cortex-M4 but beside other cores; else null. */
    Relative relative(String core, String runtime) {
        Relative r = relativeTo.getOrDefault(runtime, Map.of()).get(coreClass(core));
        return r == null || coreFactor.containsKey(coreClass(core)) ? null : r;
    }

    /**
     * Cycles on {@code core} per Cortex-M4 cycle for {@code runtime}: the measured factor, or for a core
     * never measured beside a Cortex-M4 the one its instruction set implies ({@link #instructionSetFactor}),
     * or else 1.
     */
    public double coreFactor(String core, String runtime) {
        Double measured = coreFactor.get(coreClass(core));
        if (measured != null) return measured;
        Relative r = relative(core, runtime);
        Double isa = instructionSetFactor(r == null ? core : r.anchor(), runtime);
        return (r == null ? 1.0 : r.factor()) * (isa == null ? 1.0 : isa);
    }

    /**
     * The factor a core's instruction set implies for a runtime, for a core never measured beside a
     * Cortex-M4; null when nothing is known. Only one case is known well enough to state: CMSIS-NN on a
     * core with Helium (the M-profile vector extension of Armv8.1-M: Cortex-M55, Cortex-M85) runs its
     * int8 loops as 128-bit vector instructions, 16 int8 multiply-accumulates each, executed two 32-bit
     * beats per cycle, so 8 per cycle; on a Cortex-M4 (and M33, M7) its loops widen int8 to int16 and
     * use SMLAD, 2 per cycle. The peak ratio, 2/8 = 0.25, is taken as the factor. Not fitted: no
     * measurement sets it, so leaving a board out cannot leak into it.
     */
    static Double instructionSetFactor(String core, String runtime) {
        String c = coreClass(core);
        boolean helium = c.equalsIgnoreCase("Cortex-M55") || c.equalsIgnoreCase("Cortex-M85");
        if (helium && Runtimes.TFLM_CMSIS_NN.equals(runtime)) return HELIUM_FACTOR;
        return null;
    }

    /** Cycles per Cortex-M4 cycle of CMSIS-NN's int8 loops on a Helium core: 2 MACs per cycle (SMLAD) against 8 (dual-beat MVE). */
    static final double HELIUM_FACTOR = 2.0 / 8.0;

    /** True if the core's factor was measured (or it is the reference core). */
    public boolean coreMeasured(String core) { return coreFactor.containsKey(coreClass(core)); }

    /** The board's own factor for a runtime (1 when it has no measurement of it). */
    public double boardFactor(String board, String runtime) { return boardFactor.getOrDefault(key(board, runtime), 1.0); }

    /** How many of the board's own measurements of the runtime the model uses. */
    public int boardMeasurements(String board, String runtime) { return boardRows.getOrDefault(key(board, runtime), 0); }

    /** Cycles of one node's counts on a board: core factor x board factor x counts . cycles per unit. Null if the runtime has no fit. */
    public Double cycles(double[] counts, String board, String core, String runtime) {
        double[] t = perUnit(runtime, core);
        if (t == null) return null;
        return coreFactor(core, runtime) * boardFactor(board, runtime) * OpFeatures.dot(counts, t);
    }

    /** The predicted time of a whole graph; null if the runtime has no fit. */
    public Prediction predict(Graph g, String board, String core, long clockHz, String runtime) {
        return predict(OpFeatures.of(g, runtime), board, core, clockHz, runtime);
    }

    Prediction predict(double[] counts, String board, String core, long clockHz, String runtime) {
        Double c = cycles(counts, board, core, runtime);
        if (c == null) return null;
        return new Prediction(runtime, c / clockHz * 1e3, extrapolated(board, runtime), basis(board, core, runtime));
    }

    /** True when no measurement of this runtime on this board went into the model, or the runtime was never measured. */
    public boolean extrapolated(String board, String runtime) {
        return boardMeasurements(board, runtime) == 0;
    }

    /** In words: what a prediction for this board, core and runtime rests on. */
    public String basis(String board, String core, String runtime) {
        StringBuilder b = new StringBuilder();
        if (Runtimes.TINYFIT_C.equals(runtime)) {
            int own = boardMeasurements(board, runtime);
            b.append(String.format(Locale.ROOT, "%stinyfit's generated C's instructions in its %s build (per-op costs fitted to %d graphs counted on QEMU)"
                    + " x %.3f Cortex-M4 cycles per instruction, TFLite Micro + CMSIS-NN's on %s", own > 0 ? "" : "estimated, never timed on a board: ",
                    generatedCBuild(core), generatedC.graphs().size(), cyclesPerInstruction.getOrDefault(Runtimes.TFLM_CMSIS_NN, Double.NaN),
                    String.join(", ", instructionsFrom.getOrDefault(Runtimes.TFLM_CMSIS_NN, Set.of()))));
            if (own > 0) b.append(String.format(Locale.ROOT, "; scaled by x%.2f to this board's own %d published measurement%s", boardFactor(board, runtime), own, own == 1 ? "" : "s"));
        } else {
            int own = boardMeasurements(board, runtime);
            b.append("per-op costs of ").append(runtime).append(" fitted by least squares on ")
                    .append(String.join(", ", fittedOn.getOrDefault(runtime, Set.of())));
            if (own > 0) {
                b.append(String.format(Locale.ROOT, "; scaled by x%.2f to this board's own %d published measurement%s", boardFactor(board, runtime), own, own == 1 ? "" : "s"));
            } else {
                b.append("; extrapolated: no published ").append(runtime).append(" measurement on this board");
            }
        }
        String cc = coreClass(core);
        if (cc.equals(REFERENCE_CORE)) return b.toString();
        if (coreMeasured(core)) {
            b.append(String.format(Locale.ROOT, "; %s takes x%.2f the cycles of a Cortex-M4 (same software on both: %s)", core, coreFactor(core),
                    String.join("; ", coreFactorFrom.getOrDefault(cc, Set.of()))));
        } else if (relative(core, runtime) != null && !relative(core, runtime).anchor().equals(cc)) {
            Relative r = relative(core, runtime);
            b.append(String.format(Locale.ROOT, "; %s was never measured beside a Cortex-M4: it takes x%.2f the cycles of %s (same software on both: %s), which is taken as cycle for cycle equal to a Cortex-M4",
                    core, r.factor(), r.anchor(), String.join("; ", r.from())));
        } else if (instructionSetFactor(core, runtime) != null) {
            b.append(String.format(Locale.ROOT, "; %s was never measured beside a Cortex-M4: taken as x%.2f its cycles, from the instruction set (Helium: 8 int8 MACs per cycle against SMLAD's 2)",
                    core, instructionSetFactor(core, runtime)));
        } else {
            b.append("; ").append(core).append(" was never measured beside a Cortex-M4: taken as cycle for cycle equal");
        }
        return b.toString();
    }
}
