package org.tinyfit.search;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.train.ModelSpec;
import org.tinyfit.train.SpecCompiler;

/**
 * The candidates for one data set: their shape follows from the samples' shape ({@link DataKind}),
 * their size from bounds chosen for microcontrollers. {@link #random} and {@link #mutate} only
 * return genomes that compile into a valid graph for the data's input.
 */
public final class SearchSpace {
    static final int[] WIDTHS = {4, 8, 12, 16, 24, 32, 48, 64, 96, 128};
    static final int[] DENSE = {16, 32, 64, 128, 256};
    static final int[] KERNELS = {3, 5};
    static final int[] KERNELS_1D = {3, 5, 7, 9};
    static final float[] LRS = {0.001f, 0.002f, 0.003f, 0.005f, 0.01f};
    static final int MAX_STAGES = 6, MAX_DENSE = 3, MAX_ATTEMPTS = 200;
    /** Input downscale factors for images; a factor is offered while the downscaled image keeps at least {@link #MIN_SIDE} pixels a side. */
    static final int[] DOWNSCALES = {1, 2, 4};
    static final int MIN_SIDE = 8;

    private final DataKind kind;
    private final int[] input;
    private final int classes;
    private final int maxEpochs;

    /**
     * @param input     one sample's shape
     * @param classes   classes to tell apart
     * @param maxEpochs the most epochs a recipe may ask for
     */
    public SearchSpace(int[] input, int classes, int maxEpochs) {
        this.kind = DataKind.of(input);
        this.input = input.clone();
        this.classes = classes;
        this.maxEpochs = Math.max(1, maxEpochs);
        if (classes < 2) throw new SearchException("the data has " + classes + " class; a classifier needs at least 2");
    }

    public DataKind kind() { return kind; }

    public int[] input() { return input.clone(); }

    public int classes() { return classes; }

    /** The most epochs a recipe may ask for. */
    public int maxEpochs() { return maxEpochs; }

    /** The smallest network of this space: the one to report when even it does not fit. */
    public Genome smallest() {
        List<Genome.Stage> stages = kind != DataKind.TABULAR
                ? List.of(new Genome.Stage(Genome.Block.CONV, WIDTHS[0], 3, 2, true, false)) : List.of();
        int[] d = downscales();
        return new Genome(stages, kind == DataKind.TABULAR ? List.of(DENSE[0]) : List.of(), 0f, new Genome.Recipe(0.003f, 1, 128, 0), d[d.length - 1]);
    }

    /** The input downscale factors of this space: for images, those that leave at least {@link #MIN_SIDE} pixels a side; else 1. */
    int[] downscales() {
        if (kind != DataKind.IMAGE) return new int[] {1};
        return java.util.Arrays.stream(DOWNSCALES).filter(f -> f == 1 || Math.min(input[0], input[1]) / f >= MIN_SIDE).toArray();
    }

    /** A random valid genome. */
    public Genome random(SplittableRandom rng) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<Genome.Stage> stages = new ArrayList<>();
            if (kind != DataKind.TABULAR) {
                int n = 1 + rng.nextInt(4);
                for (int i = 0; i < n; i++) stages.add(randomStage(rng, i));
            }
            List<Integer> dense = new ArrayList<>();
            int nd = kind == DataKind.TABULAR ? 1 + rng.nextInt(MAX_DENSE) : rng.nextInt(2);
            for (int i = 0; i < nd; i++) dense.add(DENSE[rng.nextInt(DENSE.length)]);
            int[] d = downscales();
            int downscale = d.length > 1 && rng.nextInt(4) == 0 ? d[1 + rng.nextInt(d.length - 1)] : 1;
            Genome g = new Genome(stages, dense, rng.nextInt(3) == 0 ? 0.2f : 0f, randomRecipe(rng), downscale);
            if (valid(g)) return g;
        }
        return smallest();
    }

    private Genome.Stage randomStage(SplittableRandom rng, int index) {
        Genome.Block block = index == 0 || rng.nextBoolean() ? Genome.Block.CONV : Genome.Block.DWSEP;
        int[] kernels = kernels();
        return new Genome.Stage(block, WIDTHS[1 + rng.nextInt(6)], kernels[rng.nextInt(kernels.length)], 1 + rng.nextInt(2),
                rng.nextInt(3) == 0, rng.nextInt(4) == 0);
    }

    /** The kernel sizes of this space: k x k for images, k along the length for sequences. */
    int[] kernels() { return kind == DataKind.SEQUENCE ? KERNELS_1D : KERNELS; }

    private Genome.Recipe randomRecipe(SplittableRandom rng) {
        return new Genome.Recipe(LRS[rng.nextInt(LRS.length)], 1 + rng.nextInt(maxEpochs), 128, kind == DataKind.IMAGE ? rng.nextInt(2) : 0);
    }

    /** One random change to {@code parent} that gives another valid genome (the parent itself if none is found). */
    public Genome mutate(Genome parent, SplittableRandom rng) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Genome child = mutateOnce(parent, rng);
            if (!child.equals(parent) && valid(child)) return child;
        }
        return parent;
    }

    private Genome mutateOnce(Genome p, SplittableRandom rng) {
        List<Genome.Stage> stages = new ArrayList<>(p.stages());
        List<Integer> dense = new ArrayList<>(p.dense());
        float dropout = p.dropout();
        Genome.Recipe r = p.recipe();
        int downscale = p.downscale();
        int[] scales = downscales();
        int what = rng.nextInt(kind == DataKind.TABULAR ? 6 : kind == DataKind.SEQUENCE ? 11 : scales.length > 1 ? 13 : 12);
        switch (what) {
            case 0 -> r = new Genome.Recipe(LRS[rng.nextInt(LRS.length)], r.epochs(), r.batch(), r.shift());
            case 1 -> r = new Genome.Recipe(r.lr(), clamp(r.epochs() + (rng.nextBoolean() ? 1 : -1), 1, maxEpochs), r.batch(), r.shift());
            case 2 -> dropout = dropout > 0 ? 0f : 0.2f;
            case 3 -> { if (dense.size() < MAX_DENSE) dense.add(rng.nextInt(dense.size() + 1), DENSE[rng.nextInt(DENSE.length)]); }
            case 4 -> { if (!dense.isEmpty() && (kind != DataKind.TABULAR || dense.size() > 1)) dense.remove(rng.nextInt(dense.size())); }
            case 5 -> { if (!dense.isEmpty()) { int i = rng.nextInt(dense.size()); dense.set(i, step(DENSE, dense.get(i), rng)); } }
            case 6 -> { if (stages.size() < MAX_STAGES) stages.add(rng.nextInt(stages.size() + 1), randomStage(rng, stages.size())); }
            case 7 -> { if (stages.size() > 1) stages.remove(rng.nextInt(stages.size())); }
            case 8 -> { int i = rng.nextInt(stages.size()); Genome.Stage s = stages.get(i);
                stages.set(i, new Genome.Stage(s.block(), step(WIDTHS, s.width(), rng), s.kernel(), s.stride(), s.pool(), s.residual())); }
            case 9 -> { int i = rng.nextInt(stages.size()); Genome.Stage s = stages.get(i);
                stages.set(i, new Genome.Stage(s.block() == Genome.Block.CONV ? Genome.Block.DWSEP : Genome.Block.CONV, s.width(),
                        s.kernel(), s.stride(), s.pool(), s.residual())); }
            case 10 -> { int i = rng.nextInt(stages.size()); Genome.Stage s = stages.get(i);
                switch (rng.nextInt(4)) {
                    case 0 -> stages.set(i, new Genome.Stage(s.block(), s.width(), step(kernels(), s.kernel(), rng), s.stride(), s.pool(), s.residual()));
                    case 1 -> stages.set(i, new Genome.Stage(s.block(), s.width(), s.kernel(), 3 - s.stride(), s.pool(), s.residual()));
                    case 2 -> stages.set(i, new Genome.Stage(s.block(), s.width(), s.kernel(), s.stride(), !s.pool(), s.residual()));
                    default -> stages.set(i, new Genome.Stage(s.block(), s.width(), s.kernel(), s.stride(), s.pool(), !s.residual()));
                } }
            case 11 -> r = new Genome.Recipe(r.lr(), r.epochs(), r.batch(), 1 - Math.min(1, r.shift()));
            default -> downscale = step(scales, downscale, rng);
        }
        return new Genome(stages, dense, dropout, r, downscale);
    }

    /** A neighbour of {@code v} in the ladder {@code values} (one rung up or down). */
    private static int step(int[] values, int v, SplittableRandom rng) {
        int i = 0;
        while (i < values.length - 1 && values[i] < v) i++;
        return values[clamp(i + (rng.nextBoolean() ? 1 : -1), 0, values.length - 1)];
    }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    /** True if the genome compiles into a valid graph for this data. */
    public boolean valid(Genome g) {
        try {
            SpecCompiler.compile(spec(g), 0);
            return true;
        } catch (GraphException e) {
            return false;
        }
    }

    /** The genome as a model spec the trainer compiles (softmax left to the loss). */
    public ModelSpec spec(Genome g) {
        ModelSpec.Builder b = ModelSpec.builder(input).name("candidate");
        boolean seq = kind == DataKind.SEQUENCE;
        int channels = kind == DataKind.IMAGE ? input[2] : seq ? input[1] : 0;
        int h = kind == DataKind.TABULAR ? 0 : input[0], w = kind == DataKind.IMAGE ? input[1] : seq ? 1 : 0;
        if (g.downscale() > 1) {
            if (kind != DataKind.IMAGE || Math.min(h, w) / g.downscale() < 1) throw new GraphException("an input downscale needs an image larger than it");
            b.add(new ModelSpec.Pool(false, g.downscale(), g.downscale(), Op.Padding.VALID));
            h /= g.downscale();
            w /= g.downscale();
        }
        for (Genome.Stage s : g.stages()) {
            if (h < s.stride() || (!seq && w < s.stride())) throw new GraphException("stage too deep for the input");
            block(b, seq, s.block(), s.width(), s.kernel(), s.stride(), channels);
            h = (h + s.stride() - 1) / s.stride();
            if (!seq) w = (w + s.stride() - 1) / s.stride();
            if (s.residual()) {
                List<ModelSpec.Layer> inner = new ArrayList<>();
                ModelSpec.Builder ib = ModelSpec.builder(input);
                block(ib, seq, s.block(), s.width(), s.kernel(), 1, s.width());
                inner.addAll(ib.build().layers());
                b.add(new ModelSpec.Residual(inner));
            }
            channels = s.width();
            if (s.pool() && h >= 2 && (seq || w >= 2)) {
                if (seq) b.maxPool1d(2);
                else b.maxPool(2);
                h /= 2;
                if (!seq) w /= 2;
            }
        }
        // Global average pooling as one full-window average pool and a flatten: the same numbers as
        // a MEAN, and an operator every int8 back end (TFLite Micro, tinyfit's C) has.
        if (seq) {
            b.add(new ModelSpec.Pool1D(false, h, h, Op.Padding.VALID));
            b.flatten();
        } else if (kind == DataKind.IMAGE && h == w) {
            b.add(new ModelSpec.Pool(false, h, h, Op.Padding.VALID));
            b.flatten();
        } else if (kind == DataKind.IMAGE) {
            b.gap();
        }
        for (int d : g.dense()) b.add(new ModelSpec.Dense(d, ModelSpec.Activation.RELU, false, ModelSpec.Init.AUTO));
        if (g.dropout() > 0) b.dropout(g.dropout());
        b.dense(classes);
        return b.build();
    }

    private static void block(ModelSpec.Builder b, boolean seq, Genome.Block block, int width, int kernel, int stride, int inChannels) {
        ModelSpec.Activation relu = ModelSpec.Activation.RELU;
        ModelSpec.Init auto = ModelSpec.Init.AUTO;
        switch (block) {
            case CONV -> b.add(seq ? new ModelSpec.Conv1D(width, kernel, stride, 1, Op.Padding.SAME, relu, true, auto)
                    : new ModelSpec.Conv(width, kernel, stride, 1, Op.Padding.SAME, relu, true, auto));
            case DWSEP -> {
                b.add(seq ? new ModelSpec.DepthwiseConv1D(kernel, stride, 1, 1, Op.Padding.SAME, relu, true, auto)
                        : new ModelSpec.DepthwiseConv(kernel, stride, 1, 1, Op.Padding.SAME, relu, true, auto));
                b.add(seq ? new ModelSpec.Conv1D(width, 1, 1, 1, Op.Padding.SAME, relu, true, auto)
                        : new ModelSpec.Conv(width, 1, 1, 1, Op.Padding.SAME, relu, true, auto));
            }
        }
    }

    /** The float training graph of a genome, with seeded initial weights. */
    public Graph graph(Genome g, long seed) { return SpecCompiler.compile(spec(g), seed); }
}
