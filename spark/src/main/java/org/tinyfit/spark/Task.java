package org.tinyfit.spark;

import java.io.Serializable;
import org.tinyfit.search.Candidate;
import org.tinyfit.search.Genome;

/** A candidate as a Spark task carries it: its genome in the journal's JSON form. */
record Task(int id, int parent, String genome, long seed) implements Serializable {
    static Task of(Candidate c) {
        return new Task(c.id(), c.parent(), c.genome().toJson(), c.seed());
    }

    Candidate candidate() {
        return new Candidate(id, parent, Genome.fromJson(genome), seed);
    }
}
