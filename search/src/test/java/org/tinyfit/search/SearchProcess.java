package org.tinyfit.search;

import java.nio.file.Path;

/** A search in a process of its own, for the kill test: {@code SearchProcess JOURNAL MAX_TRAINED}. */
public final class SearchProcess {
    private SearchProcess() {}

    public static void main(String[] args) throws Exception {
        SearchTest.run(Synthetic.data(Synthetic.images(240, 1)), Path.of(args[0]), Integer.parseInt(args[1]), 2, SearchTest.TINY);
        System.exit(0);
    }
}
