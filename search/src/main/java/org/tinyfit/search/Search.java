package org.tinyfit.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.tinyfit.device.Device;
import org.tinyfit.compress.Compression;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.passes.InferenceForm;

/**
 * Aging (regularized) evolution under a device's limits (Real et al. 2019), in generations of
 * {@code parallel} candidates: each generation is proposed from the population as it stood when
 * the generation began, evaluated (in parallel), and added in candidate order, so the search is
 * the same for the same seed however its evaluations are scheduled, interrupted or resumed.
 *
 * <p>A proposal is judged before any training: its int8 layout's SRAM (after tinyfit's order and
 * plan for the runtime), flash and latency on the device. One over a limit by at most a quarter is
 * pruned into the limits ({@link Compression#pruneToFit} on its untrained network: the channels
 * at the binding figure go first, the widths it keeps become the genome's) or, where that fails,
 * narrowed (every stage one width down, up to three times); one still over is journaled as
 * rejected. The journal holds every candidate; a run that finds candidates in it takes them from
 * there instead of evaluating them again.
 */
public final class Search {
    /** Hears about progress. */
    public interface Listener {
        default void candidate(Record r, Summary s) {}

        /**
         * Asked before each new generation (not before one read back from the journal): true ends
         * the search there, e.g. to leave the rest of a time budget to training the best one again.
         *
         * @param all            every candidate so far, by id
         * @param elapsedSeconds since this run of the search began
         */
        default boolean enough(List<Record> all, double elapsedSeconds) { return false; }

        /** An epoch of the best network's final training (after the search) ended. */
        default void finalEpoch(org.tinyfit.train.EpochResult r, int epochs) {}
    }

    /**
     * How a parent's child is chosen and trained: {@code AGING} takes one random mutation (plain
     * aging evolution); {@code PREDICTED} draws {@link #CHOICES} feasible mutations and trains the
     * one a {@link Predictor} fitted on the journal so far ranks highest; {@code FULL} does so,
     * starts each child from its parent's trained weights wherever a layer's name and shape are
     * unchanged, and trains by successive halving: every candidate first for a third of its
     * recipe's epochs, and only those among the best third of the recent first rungs go on to the end.
     */
    public enum Strategy {
        AGING, PREDICTED, FULL;

        boolean predicts() { return this != AGING; }

        public boolean halves() { return this == FULL; }

        boolean inherits() { return this == FULL; }
    }

    static final int CHOICES = 6;

    /** Successive halving's factor: a first rung of 1/ETA of the epochs, and the best 1/ETA go on. */
    static final int ETA = 3;

    /**
     * Where the search stands: candidates trained to the end, stopped after their first rung,
     * rejected before training, and read back from the journal.
     */
    public record Summary(int trained, int rejected, int reused, Record best, int frontSize, double elapsedSeconds, int stopped) {}

    /**
     * @param population  how many recent trained candidates compete (aging evolution's P)
     * @param sample      how many of them a tournament draws (S)
     * @param parallel    candidates per generation
     * @param maxTrained  stop after this many evaluated candidates, trained or stopped after their first rung (0: no limit)
     * @param budgetSeconds stop starting generations after this many seconds (0: no limit)
     */
    public record Config(long seed, int population, int sample, int parallel, int maxTrained, double budgetSeconds, Strategy strategy) {
        /** The full strategy. */
        public Config(long seed, int population, int sample, int parallel, int maxTrained, double budgetSeconds) {
            this(seed, population, sample, parallel, maxTrained, budgetSeconds, Strategy.FULL);
        }

        public Config {
            if (population < 2 || sample < 1 || sample > population) throw new SearchException("population must be >= 2 and 1 <= sample <= population");
            if (parallel < 1) throw new SearchException("parallel must be at least 1");
            if (maxTrained <= 0 && budgetSeconds <= 0) throw new SearchException("give a budget: a time or a number of candidates");
        }
    }

    private final SearchSpace space;
    private final Device device;
    private final Limits limits;
    private final Config cfg;

    public Search(SearchSpace space, Device device, Limits limits, Config cfg) {
        this.space = space;
        this.device = device;
        this.limits = limits;
        this.cfg = cfg;
    }

    /** What identifies this search in its journal: a different one must not resume from it. */
    public String fingerprint(String dataDescription) {
        return String.format(Locale.ROOT, "data=%s device=%s limits=[%s] seed=%d population=%d sample=%d parallel=%d strategy=%s%s space=%s",
                dataDescription, device.id(), limits.describe(), cfg.seed(), cfg.population(), cfg.sample(), cfg.parallel(), cfg.strategy(),
                cfg.strategy().inherits() ? "(halving,inheritance)" : "", space.kind());
    }

    private final Map<Genome, Footprint> footprints = new java.util.HashMap<>();

    /** The footprint a genome's int8 model will have on the device (computed once per genome). */
    public synchronized Footprint footprint(Genome g) {
        Footprint f = footprints.get(g);
        if (f == null) {
            Graph inference = InferenceForm.of(space.graph(g, 0));
            f = Footprint.of(Int8Layout.of(inference), device, limits.runtime());
            footprints.put(g, f);
        }
        return f;
    }

    /**
     * Fails early, naming the smallest candidate's figures, when not even the smallest network of
     * the space meets the limits.
     */
    public void checkFeasible() {
        Footprint f = footprint(space.smallest());
        String why = limits.violation(f);
        if (why != null) {
            throw new SearchException(String.format(Locale.ROOT, "no candidate can meet the limits (%s): the smallest network (%s) needs "
                    + "%,d B SRAM, %,d B flash, %.1f ms; %s", limits.describe(), space.smallest().key(), f.sramBytes(), f.flashBytes(),
                    f.latencyMillis(), why));
        }
    }

    /** Runs (or resumes) the search; returns every candidate, by id. */
    public List<Record> run(Journal journal, Evaluator evaluator, Listener listener) throws InterruptedException {
        checkFeasible();
        Map<Integer, Record> done = new TreeMap<>();
        for (Record r : journal.all()) done.put(r.candidate().id(), r);
        java.util.SortedMap<Integer, Evaluation> firstRungs = journal.rungs(0);
        List<Record> all = new ArrayList<>();
        Deque<Record> population = new ArrayDeque<>();
        long t0 = System.nanoTime();
        int next = 0, trained = 0, rejected = 0, reused = 0, stopped = 0;
        while (true) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (cfg.maxTrained() > 0 && trained + stopped >= cfg.maxTrained()) break;
            boolean replaying = done.containsKey(next);
            if (!replaying && cfg.budgetSeconds() > 0 && elapsed >= cfg.budgetSeconds()) break;
            if (!replaying && listener.enough(java.util.Collections.unmodifiableList(all), elapsed)) break;
            int size = cfg.parallel();
            if (cfg.maxTrained() > 0) size = Math.min(size, cfg.maxTrained() - trained - stopped);
            List<Candidate> proposals = new ArrayList<>();
            List<Record> generation = new ArrayList<>();
            Predictor predictor = cfg.strategy().predicts() ? Predictor.fit(all) : null;
            for (int i = 0; i < size; i++) {
                Candidate c = propose(next + i, population, predictor);
                Footprint f = footprint(c.genome());
                String why = limits.violation(f);
                if (why != null && slightlyOver(f)) {
                    Genome pruned = pruned(c.genome());
                    if (pruned != null) {
                        c = new Candidate(c.id(), c.parent(), pruned, c.seed());
                        f = footprint(pruned);
                        why = null;
                    }
                }
                for (int narrow = 0; why != null && narrow < 3 && slightlyOver(f); narrow++) {
                    Genome smaller = narrowed(c.genome());
                    if (smaller.equals(c.genome()) || !space.valid(smaller)) break;
                    c = new Candidate(c.id(), c.parent(), smaller, c.seed());
                    f = footprint(smaller);
                    why = limits.violation(f);
                }
                Record prior = done.get(c.id());
                if (prior != null && !prior.candidate().genome().equals(c.genome())) {
                    throw new SearchException("the journal " + journal.file() + " disagrees with this search at candidate " + c.id()
                            + " (it holds " + prior.candidate().genome().key() + "); delete it or use another --out");
                }
                if (why != null) generation.add(prior != null ? prior : new Record(c, Record.Status.REJECTED, why, f, null));
                else {
                    generation.add(prior);
                    if (prior == null) proposals.add(c);
                }
            }
            List<Record> results = proposals.isEmpty() ? List.of()
                    : cfg.strategy().halves() ? halving(proposals, next, next + size, firstRungs, journal, evaluator, all)
                    : trainWhole(proposals, evaluator);
            int k = 0;
            for (int i = 0; i < generation.size(); i++) {
                Record r = generation.get(i);
                boolean fresh = r == null || !done.containsKey(r.candidate().id());
                if (r == null) r = results.get(k++);
                if (fresh) journal.put(r);
                else reused++;
                all.add(r);
                switch (r.status()) {
                    case TRAINED -> {
                        trained++;
                        population.addLast(r);
                        if (population.size() > cfg.population()) population.removeFirst();
                    }
                    case STOPPED -> stopped++;
                    case REJECTED -> rejected++;
                }
                listener.candidate(r, new Summary(trained, rejected, reused, Pareto.best(all), Pareto.front(all).size(),
                        (System.nanoTime() - t0) / 1e9, stopped));
            }
            next += size;
        }
        return all;
    }

    private List<Record> trainWhole(List<Candidate> proposals, Evaluator evaluator) throws InterruptedException {
        List<Evaluation> results = evaluator.evaluate(proposals);
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < proposals.size(); i++) {
            Candidate c = proposals.get(i);
            out.add(new Record(c, Record.Status.TRAINED, null, footprint(c.genome()), results.get(i)));
        }
        return out;
    }

    /** The epochs of a recipe's first rung: a third of them, at least one (all of them for a one-epoch recipe: no rungs). */
    public static int firstRung(int epochs) {
        return Math.max(1, epochs / ETA);
    }

    /**
     * Trains a generation (candidates {@code from} to {@code to}, of which {@code proposals} are
     * not in the journal yet) by successive halving: each candidate's first rung (read back from
     * the journal if it is there, else trained and journaled at once), then the rest of the recipe
     * for those that {@link #promoted} says go on, from the first rung's checkpoint.
     */
    private List<Record> halving(List<Candidate> proposals, int from, int to, java.util.SortedMap<Integer, Evaluation> firstRungs,
            Journal journal, Evaluator evaluator, List<Record> earlier) throws InterruptedException {
        List<Evaluator.Job> first = new ArrayList<>();
        for (Candidate c : proposals) {
            int epochs = c.genome().recipe().epochs(), rung = firstRung(epochs);
            if (rung < epochs && !firstRungs.containsKey(c.id())) first.add(new Evaluator.Job(c, rung, null, inherited(c, earlier)));
        }
        if (!first.isEmpty()) {
            List<Evaluation> rung0 = evaluator.train(first);
            for (int i = 0; i < first.size(); i++) {
                journal.putRung(0, first.get(i).epochs(), rung0.get(i));
                firstRungs.put(first.get(i).candidate().id(), rung0.get(i));
            }
        }
        List<Evaluator.Job> rest = new ArrayList<>();
        List<Candidate> going = new ArrayList<>();
        Record[] out = new Record[proposals.size()];
        for (int i = 0; i < proposals.size(); i++) {
            Candidate c = proposals.get(i);
            Evaluation e0 = firstRungs.get(c.id());
            if (e0 == null) rest.add(new Evaluator.Job(c, c.genome().recipe().epochs(), null, inherited(c, earlier)));
            else if (promoted(c.id(), from, to, firstRungs)) rest.add(new Evaluator.Job(c, c.genome().recipe().epochs(), e0.checkpoint()));
            else {
                out[i] = new Record(c, Record.Status.STOPPED, "stopped after " + firstRung(c.genome().recipe().epochs()) + " of "
                        + c.genome().recipe().epochs() + " epochs", footprint(c.genome()), withoutCheckpoint(e0, e0.seconds()));
                continue;
            }
            going.add(c);
        }
        List<Evaluation> ends = rest.isEmpty() ? List.of() : evaluator.train(rest);
        for (int i = 0, k = 0; i < proposals.size(); i++) {
            if (out[i] != null) continue;
            Candidate c = going.get(k);
            Evaluation e = ends.get(k++);
            Evaluation e0 = firstRungs.get(c.id());
            out[i] = new Record(c, Record.Status.TRAINED, null, footprint(c.genome()), withoutCheckpoint(e, e.seconds() + (e0 == null ? 0 : e0.seconds())));
        }
        return List.of(out);
    }

    private static Evaluation withoutCheckpoint(Evaluation e, double seconds) {
        return new Evaluation(e.id(), e.valAccuracy(), e.model(), seconds, null, e.weights());
    }

    /** The trained weights of {@code c}'s parent (every earlier candidate is in {@code earlier}, by id), or null. */
    private byte[] inherited(Candidate c, List<Record> earlier) {
        if (!cfg.strategy().inherits() || c.parent() < 0) return null;
        Record parent = earlier.get(c.parent());
        if (parent.candidate().id() != c.parent()) throw new IllegalStateException("candidate " + c.parent() + " out of order");
        return parent.evaluation() == null ? null : parent.evaluation().weights();
    }

    /**
     * Whether candidate {@code id} of the generation {@code from}..{@code to} goes on after its first
     * rung: always in the first population and while fewer than {@link #ETA} first rungs came before
     * the generation, else
     * when its first rung is among the best third of the last {@code population} first rungs up to
     * the generation's end (of equal ones, the earlier candidate's ranks first: a child must beat
     * what is known, not tie it). It depends only on the journal, so a resumed search decides the same.
     */
    private boolean promoted(int id, int from, int to, java.util.SortedMap<Integer, Evaluation> firstRungs) {
        if (from < cfg.population() || firstRungs.headMap(from).size() < ETA) return true;
        List<Evaluation> window = new ArrayList<>(firstRungs.headMap(to).values());
        window = new ArrayList<>(window.subList(Math.max(0, window.size() - cfg.population()), window.size()));
        window.sort(java.util.Comparator.comparingDouble((Evaluation e) -> -e.valAccuracy()).thenComparingInt(Evaluation::id));
        for (int i = 0; i < (window.size() + ETA - 1) / ETA; i++) if (window.get(i).id() == id) return true;
        return false;
    }

    /** Candidate {@code id}: random while the population fills, then the mutated winner of a tournament. */
    private Candidate propose(int id, Deque<Record> population, Predictor predictor) {
        SplittableRandom rng = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + id);
        long seed = rng.nextLong();
        if (population.size() < cfg.population()) return new Candidate(id, -1, space.random(rng), seed);
        List<Record> pop = new ArrayList<>(population);
        Record winner = null;
        for (int i = 0; i < cfg.sample(); i++) {
            Record r = pop.get(rng.nextInt(pop.size()));
            if (winner == null || r.accuracy() > winner.accuracy()) winner = r;
        }
        Genome parent = winner.candidate().genome();
        Genome child = space.mutate(parent, rng);
        if (predictor != null) {
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < CHOICES; k++) {
                Genome option = k == 0 ? child : space.mutate(parent, rng);
                Footprint f = footprint(option);
                double score = limits.violation(f) == null ? predictor.predict(option, f) : Double.NEGATIVE_INFINITY;
                if (score > bestScore) {
                    bestScore = score;
                    child = option;
                }
            }
        }
        return new Candidate(id, winner.candidate().id(), child, seed);
    }

    private boolean slightlyOver(Footprint f) {
        return f.sramBytes() <= limits.maxRamBytes() * 1.25 && f.flashBytes() <= limits.maxFlashBytes() * 1.25;
    }

    /**
     * The genome with the widths {@link Compression#pruneToFit} keeps when it prunes the genome's
     * untrained network into the limits (the channels at the binding figure go first), or null when
     * no choice of channels meets them or the pruned graph does not map back onto the genome's
     * layers. Compression counts SRAM and flash its own way, so where the pruned genome still misses
     * the search's figures, the targets given to it are lowered by what was missed and it prunes
     * again (up to three times). Widths may then lie between the rungs of the space's ladder.
     */
    Genome pruned(Genome g) {
        Graph inference = InferenceForm.of(space.graph(g, 0));
        long ram = limits.maxRamBytes(), flash = limits.maxFlashBytes();
        Double latency = limits.maxLatencyMillis() > 0 ? limits.maxLatencyMillis() : null;
        for (int attempt = 0; attempt < 4 && ram > 0 && flash > 0; attempt++) {
            Graph fit = Compression.pruneToFit(inference, device, ram, flash, latency);
            if (fit == null) return null;
            Genome out = genomeOf(g, fit);
            if (out == null) return null;
            Footprint f = footprint(out);
            if (limits.violation(f) == null) return out;
            ram -= Math.max(0, f.sramBytes() - limits.maxRamBytes());
            flash -= Math.max(0, f.flashBytes() - limits.maxFlashBytes());
            if (latency != null && f.latencyMillis() > latency) latency *= limits.maxLatencyMillis() / f.latencyMillis();
        }
        return null;
    }

    /** {@code g} with the widths of its pruned network {@code fit}, or null if they do not map back onto its layers. */
    private Genome genomeOf(Genome g, Graph fit) {
        List<Integer> convs = new ArrayList<>(), fcs = new ArrayList<>();
        for (Node n : fit.nodes()) {
            int out = fit.tensor(n.output(0)).shape().dim(-1);
            if (n.op() instanceof Op.Conv2D) convs.add(out);
            else if (n.op() instanceof Op.FullyConnected) fcs.add(out);
        }
        int expected = 0;
        for (Genome.Stage st : g.stages()) expected += st.residual() ? 2 : 1;
        if (convs.size() != expected || fcs.size() != g.dense().size() + 1) return null;
        List<Genome.Stage> stages = new ArrayList<>();
        int k = 0;
        for (Genome.Stage st : g.stages()) {
            int width = convs.get(k);
            if (st.residual() && !convs.get(k + 1).equals(width)) return null;
            k += st.residual() ? 2 : 1;
            stages.add(new Genome.Stage(st.block(), width, st.kernel(), st.stride(), st.pool(), st.residual()));
        }
        Genome out = new Genome(stages, fcs.subList(0, g.dense().size()), g.dropout(), g.recipe(), g.downscale());
        return out.equals(g) || !space.valid(out) ? null : out;
    }

    /** Every stage one width rung narrower, and every dense layer one rung smaller. */
    static Genome narrowed(Genome g) {
        List<Genome.Stage> stages = new ArrayList<>();
        for (Genome.Stage s : g.stages()) {
            stages.add(new Genome.Stage(s.block(), down(SearchSpace.WIDTHS, s.width()), s.kernel(), s.stride(), s.pool(), s.residual()));
        }
        List<Integer> dense = new ArrayList<>();
        for (int d : g.dense()) dense.add(down(SearchSpace.DENSE, d));
        return new Genome(stages, dense, g.dropout(), g.recipe(), g.downscale());
    }

    private static int down(int[] ladder, int v) {
        int best = ladder[0];
        for (int x : ladder) if (x < v) best = x;
        return Math.min(best, v);
    }
}
