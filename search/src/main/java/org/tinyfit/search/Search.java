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
import org.tinyfit.graph.Graph;
import org.tinyfit.passes.InferenceForm;

/**
 * Aging (regularized) evolution under a device's limits (Real et al. 2019), in generations of
 * {@code parallel} candidates: each generation is proposed from the population as it stood when
 * the generation began, evaluated (in parallel), and added in candidate order, so the search is
 * the same for the same seed however its evaluations are scheduled, interrupted or resumed.
 *
 * <p>A proposal is judged before any training: its int8 layout's SRAM (after tinyfit's order and
 * plan for the runtime), flash and latency on the device. One over a limit by at most a quarter is
 * narrowed (every stage one width down, up to three times); one still over is journaled as
 * rejected. The journal holds every candidate; a run that finds candidates in it takes them from
 * there instead of evaluating them again.
 */
public final class Search {
    /** Hears about progress. */
    public interface Listener {
        default void candidate(Record r, Summary s) {}
    }

    /**
     * How a parent's child is chosen: {@code AGING} takes one random mutation (plain aging
     * evolution); {@code PREDICTED} draws {@link #CHOICES} feasible mutations and trains the one a
     * {@link Predictor} fitted on the journal so far ranks highest.
     */
    public enum Strategy { AGING, PREDICTED }

    static final int CHOICES = 6;

    /** Where the search stands. */
    public record Summary(int trained, int rejected, int reused, Record best, int frontSize, double elapsedSeconds) {}

    /**
     * @param population  how many recent trained candidates compete (aging evolution's P)
     * @param sample      how many of them a tournament draws (S)
     * @param parallel    candidates per generation
     * @param maxTrained  stop after this many trained candidates (0: no limit)
     * @param budgetSeconds stop starting generations after this many seconds (0: no limit)
     */
    public record Config(long seed, int population, int sample, int parallel, int maxTrained, double budgetSeconds, Strategy strategy) {
        /** The full strategy. */
        public Config(long seed, int population, int sample, int parallel, int maxTrained, double budgetSeconds) {
            this(seed, population, sample, parallel, maxTrained, budgetSeconds, Strategy.PREDICTED);
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
        return String.format(Locale.ROOT, "data=%s device=%s limits=[%s] seed=%d population=%d sample=%d parallel=%d strategy=%s space=%s",
                dataDescription, device.id(), limits.describe(), cfg.seed(), cfg.population(), cfg.sample(), cfg.parallel(), cfg.strategy(),
                space.kind());
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
        List<Record> all = new ArrayList<>();
        Deque<Record> population = new ArrayDeque<>();
        long t0 = System.nanoTime();
        int next = 0, trained = 0, rejected = 0, reused = 0;
        while (true) {
            double elapsed = (System.nanoTime() - t0) / 1e9;
            if (cfg.maxTrained() > 0 && trained >= cfg.maxTrained()) break;
            boolean replaying = done.containsKey(next);
            if (!replaying && cfg.budgetSeconds() > 0 && elapsed >= cfg.budgetSeconds()) break;
            int size = cfg.parallel();
            if (cfg.maxTrained() > 0) size = Math.min(size, cfg.maxTrained() - trained);
            List<Candidate> proposals = new ArrayList<>();
            List<Record> generation = new ArrayList<>();
            Predictor predictor = cfg.strategy() == Strategy.PREDICTED ? Predictor.fit(all) : null;
            for (int i = 0; i < size; i++) {
                Candidate c = propose(next + i, population, predictor);
                Footprint f = footprint(c.genome());
                String why = limits.violation(f);
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
            List<Evaluation> results = proposals.isEmpty() ? List.of() : evaluator.evaluate(proposals);
            int k = 0;
            for (int i = 0; i < generation.size(); i++) {
                Record r = generation.get(i);
                boolean fresh = r == null || !done.containsKey(r.candidate().id());
                if (r == null) {
                    Candidate c = proposals.get(k);
                    r = new Record(c, Record.Status.TRAINED, null, footprint(c.genome()), results.get(k));
                    k++;
                }
                if (fresh) journal.put(r);
                else reused++;
                all.add(r);
                if (r.trained()) {
                    trained++;
                    population.addLast(r);
                    if (population.size() > cfg.population()) population.removeFirst();
                } else {
                    rejected++;
                }
                listener.candidate(r, new Summary(trained, rejected, reused, Pareto.best(all), Pareto.front(all).size(),
                        (System.nanoTime() - t0) / 1e9));
            }
            next += size;
        }
        return all;
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

    /** Every stage one width rung narrower, and every dense layer one rung smaller. */
    static Genome narrowed(Genome g) {
        List<Genome.Stage> stages = new ArrayList<>();
        for (Genome.Stage s : g.stages()) {
            stages.add(new Genome.Stage(s.block(), down(SearchSpace.WIDTHS, s.width()), s.kernel(), s.stride(), s.pool(), s.residual()));
        }
        List<Integer> dense = new ArrayList<>();
        for (int d : g.dense()) dense.add(down(SearchSpace.DENSE, d));
        return new Genome(stages, dense, g.dropout(), g.recipe());
    }

    private static int down(int[] ladder, int v) {
        int best = ladder[0];
        for (int x : ladder) if (x < v) best = x;
        return Math.min(best, v);
    }
}
