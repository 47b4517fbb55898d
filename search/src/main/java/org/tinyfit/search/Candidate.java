package org.tinyfit.search;

/** Candidate {@code id} of a search: its genome, its parent (-1 for a random one) and the seed it is trained with. */
public record Candidate(int id, int parent, Genome genome, long seed) {}
