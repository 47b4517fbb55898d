package org.tinyfit.search;

import java.util.List;

/**
 * Trains and measures candidates. An implementation may run them anywhere (threads here, a
 * cluster elsewhere) but must give, for a candidate, the same result wherever it runs: the search
 * relies on it to resume and to compare evaluators.
 */
public interface Evaluator extends AutoCloseable {
    /** Evaluates every candidate; the results come in the same order. */
    List<Evaluation> evaluate(List<Candidate> batch) throws InterruptedException;

    @Override default void close() {}
}
