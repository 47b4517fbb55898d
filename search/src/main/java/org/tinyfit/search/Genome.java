package org.tinyfit.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * One candidate of the search: the network (convolution stages, then dense layers) and the recipe
 * that trains it. Immutable; its JSON form is what the journal stores, and {@link #key()} tells
 * two candidates apart.
 *
 * @param stages convolution stages in order (none for tabular data)
 * @param dense  widths of the hidden dense layers before the classifier
 * @param dropout dropout rate before the classifier (0: none)
 * @param downscale the input resolution: images are average-pooled by this factor in each direction
 *                  inside the model before the first stage (1: full resolution; a journal written
 *                  before this gene existed reads as 1)
 */
public record Genome(List<Stage> stages, List<Integer> dense, float dropout, Recipe recipe, int downscale) {
    public Genome {
        stages = List.copyOf(stages);
        dense = List.copyOf(dense);
        if (downscale == 0) downscale = 1;
        if (downscale < 0) throw new SearchException("the input downscale must be positive, got " + downscale);
    }

    /** A genome at full input resolution. */
    public Genome(List<Stage> stages, List<Integer> dense, float dropout, Recipe recipe) {
        this(stages, dense, dropout, recipe, 1);
    }

    /** How a stage computes. */
    public enum Block {
        /** A k x k convolution. */
        CONV,
        /** A k x k depthwise convolution, then a 1 x 1 convolution to the stage's width. */
        DWSEP
    }

    /**
     * One stage: a block of {@code width} output channels, kernel {@code kernel}, stride
     * {@code stride}; then a 2 x 2 max pool if {@code pool}. With {@code residual}, a second block
     * of the same width follows and its output is added to the first's (a residual block).
     */
    public record Stage(Block block, int width, int kernel, int stride, boolean pool, boolean residual) {}

    /** How the candidate is trained: peak learning rate, epochs, batch size, augmentation strength (pixels of shift). */
    public record Recipe(float lr, int epochs, int batch, int shift) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Genome fromJson(String json) {
        try {
            return JSON.readValue(json, Genome.class);
        } catch (JsonProcessingException e) {
            throw new SearchException("a journal entry is not a genome: " + e.getOriginalMessage());
        }
    }

    /** A short readable form, e.g. "conv16k3 dw32k3s2+pool | 64 | lr0.003 e3" ("in/2 conv16k3 ..." at half resolution). */
    public String key() {
        StringBuilder b = new StringBuilder();
        if (downscale > 1) b.append("in/").append(downscale);
        for (Stage s : stages) {
            if (!b.isEmpty()) b.append(' ');
            b.append(s.block() == Block.CONV ? "conv" : "dw").append(s.width()).append('k').append(s.kernel());
            if (s.stride() > 1) b.append('s').append(s.stride());
            if (s.residual()) b.append("+res");
            if (s.pool()) b.append("+pool");
        }
        b.append(" |");
        for (int d : dense) b.append(' ').append(d);
        if (dropout > 0) b.append(" drop").append(dropout);
        b.append(" | lr").append(recipe.lr()).append(" e").append(recipe.epochs()).append(" b").append(recipe.batch());
        if (recipe.shift() > 0) b.append(" shift").append(recipe.shift());
        return b.toString();
    }
}
