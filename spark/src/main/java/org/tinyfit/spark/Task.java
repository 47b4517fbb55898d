package org.tinyfit.spark;

import java.io.Serializable;
import org.tinyfit.search.Candidate;
import org.tinyfit.search.Evaluator;
import org.tinyfit.search.Genome;

/** A candidate as a Spark task carries it: its genome in the journal's JSON form. */
record Task(int id, int parent, String genome, long seed, int epochs, byte[] checkpoint, byte[] inherited) implements Serializable {
    static Task of(Candidate c) {
        return of(Evaluator.Job.whole(c));
    }

    static Task of(Evaluator.Job j) {
        Candidate c = j.candidate();
        return new Task(c.id(), c.parent(), c.genome().toJson(), c.seed(), j.epochs(), j.checkpoint(), j.inherited());
    }

    Evaluator.Job job() {
        return new Evaluator.Job(candidate(), epochs, checkpoint, inherited);
    }

    Candidate candidate() {
        return new Candidate(id, parent, Genome.fromJson(genome), seed);
    }
}
