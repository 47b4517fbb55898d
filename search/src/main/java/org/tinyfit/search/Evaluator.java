package org.tinyfit.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains and measures candidates. An implementation may run them anywhere (threads here, a
 * cluster elsewhere) but must give, for a candidate, the same result wherever it runs: the search
 * relies on it to resume and to compare evaluators.
 */
public interface Evaluator extends AutoCloseable {
    /**
     * Training of one candidate up to epoch {@code epochs} of its recipe (on the schedule of the
     * whole recipe), going on from {@code checkpoint} (the one an earlier, shorter job returned)
     * or from the start if it is null; a job from the start with {@code inherited} weights (a
     * parent's {@link Evaluation#weights()}) starts from them wherever name and shape match.
     */
    record Job(Candidate candidate, int epochs, byte[] checkpoint, byte[] inherited) {
        public Job(Candidate candidate, int epochs, byte[] checkpoint) { this(candidate, epochs, checkpoint, null); }

        public Job {
            if (epochs < 1 || epochs > candidate.genome().recipe().epochs()) {
                throw new IllegalArgumentException("epochs " + epochs + " outside 1.." + candidate.genome().recipe().epochs());
            }
            checkpoint = checkpoint == null ? null : checkpoint.clone();
            inherited = inherited == null ? null : inherited.clone();
        }

        /** The whole recipe, from the start. */
        public static Job whole(Candidate c) { return new Job(c, c.genome().recipe().epochs(), null); }

        /** Whether this job trains the whole recipe from the start. */
        public boolean isWhole() { return checkpoint == null && inherited == null && epochs == candidate.genome().recipe().epochs(); }

        @Override public byte[] inherited() { return inherited == null ? null : inherited.clone(); }

        @Override public byte[] checkpoint() { return checkpoint == null ? null : checkpoint.clone(); }
    }

    /** Trains every candidate by its whole recipe and measures it; the results come in the same order. */
    List<Evaluation> evaluate(List<Candidate> batch) throws InterruptedException;

    /**
     * Runs every job; the results come in the same order, each with the checkpoint to go on from
     * when the job stopped before the end of the recipe. An evaluator that only trains whole
     * recipes refuses other jobs.
     */
    default List<Evaluation> train(List<Job> jobs) throws InterruptedException {
        List<Candidate> batch = new ArrayList<>();
        for (Job j : jobs) {
            if (!j.isWhole()) throw new SearchException("this evaluator trains candidates only by their whole recipe, not in rungs");
            batch.add(j.candidate());
        }
        return evaluate(batch);
    }

    @Override default void close() {}
}
