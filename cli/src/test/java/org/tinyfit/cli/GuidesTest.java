package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Runs every {@code tinyfit} line of every guide in docs/guides, in order: the guides stay true. */
class GuidesTest {
    static final Path GUIDES = Path.of("..", "docs", "guides");
    static final Path SHARED = Path.of(System.getProperty("tinyfit.shared", "../shared"));
    @TempDir static Path tmp;

    @TestFactory Stream<DynamicTest> everyGuideRunsAsWritten() throws IOException {
        List<Path> guides;
        try (Stream<Path> s = Files.list(GUIDES)) {
            guides = s.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("README.md")).sorted().toList();
        }
        assertTrue(guides.size() >= 3, "the guides are found");
        return guides.stream().map(g -> DynamicTest.dynamicTest(g.getFileName().toString(), () -> run(g)));
    }

    private static void run(Path guide) throws IOException {
        List<List<String>> commands = commands(Files.readString(guide));
        assertTrue(!commands.isEmpty(), guide + " has commands");
        for (List<String> c : commands) {
            if (String.join(" ", c).contains("/usr/share/datasets/fashion-mnist")) {
                assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "Fashion-MNIST is not installed");
            }
            CliTest.Run r = CliTest.run(c.subList(1, c.size()).toArray(new String[0]));
            assertEquals(0, r.code(), guide.getFileName() + ": " + String.join(" ", c) + "\n" + r.err());
        }
    }

    /** The {@code tinyfit} lines of the guide's sh blocks, split as a shell would, with paths made local. */
    static List<List<String>> commands(String markdown) {
        List<List<String>> out = new ArrayList<>();
        boolean sh = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                sh = !sh && line.trim().equals("```sh");
                continue;
            }
            if (!sh || !line.startsWith("tinyfit ")) continue;
            List<String> words = new ArrayList<>();
            for (String w : split(line)) {
                words.add(w.replace("../shared", SHARED.toString()).replace("/tmp/tinyfit-guide", tmp.toString()));
            }
            out.add(words);
        }
        return out;
    }

    /** Words separated by spaces, double quotes grouping. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false, any = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') { quoted = !quoted; any = true; }
            else if (ch == ' ' && !quoted) {
                if (any) words.add(w.toString());
                w.setLength(0);
                any = false;
            } else { w.append(ch); any = true; }
        }
        if (any) words.add(w.toString());
        return words;
    }
}
