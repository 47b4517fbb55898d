package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.codegen.CToolchain;

/**
 * Runs every line of every guide's sh blocks in docs/guides, in order: the guides stay true. A line
 * is a {@code tinyfit} command or one of {@link #PROGRAMS}; when a line needs a tool that is not
 * installed (the Cortex-M compiler, QEMU), the rest of that guide is skipped, saying which.
 */
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

    /** The programs a guide may run besides {@code tinyfit}: building and running a C project, copying and comparing files. */
    static final Set<String> PROGRAMS = Set.of("make", "cp", "cmp");

    private static void run(Path guide) throws IOException, InterruptedException {
        List<List<String>> commands = commands(Files.readString(guide));
        assertTrue(!commands.isEmpty(), guide + " has commands");
        for (List<String> c : commands) {
            if (String.join(" ", c).contains("/usr/share/datasets/fashion-mnist")) {
                assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "Fashion-MNIST is not installed");
            }
            String line = guide.getFileName() + ": " + String.join(" ", c);
            if (c.get(0).equals("tinyfit")) {
                CliTest.Run r = CliTest.run(c.subList(1, c.size()).toArray(new String[0]));
                assertEquals(0, r.code(), line + "\n" + r.err());
            } else {
                assertTrue(PROGRAMS.contains(c.get(0)), line + ": a guide runs tinyfit or one of " + PROGRAMS);
                List<String> missing = CToolchain.missing(tools(c).toArray(new String[0]));
                assumeTrue(missing.isEmpty(), "not installed: " + String.join(", ", missing) + " (./run-tests installs them); the rest of the guide is skipped");
                Path log = tmp.resolve("command.log");
                Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                boolean done = p.waitFor(10, TimeUnit.MINUTES);
                if (!done) p.destroyForcibly().waitFor();
                assertTrue(done, line + ": still running after 10 minutes\n" + Files.readString(log));
                assertEquals(0, p.exitValue(), line + "\n" + Files.readString(log));
            }
        }
    }

    /** The tools a line needs: its program, and for the C project's make targets the compilers and QEMU. */
    static List<String> tools(List<String> command) {
        List<String> t = new ArrayList<>(List.of(command.get(0)));
        if (!command.get(0).equals("make")) return t;
        for (String w : command) {
            switch (w) {
                case "host" -> t.add("cc");
                case "arm", "size" -> t.addAll(List.of("arm-none-eabi-gcc", "arm-none-eabi-size"));
                case "run-qemu", "count-qemu" -> t.addAll(List.of("arm-none-eabi-gcc", "qemu-system-arm"));
                default -> { }
            }
        }
        return t;
    }

    /** The command lines of the guide's sh blocks, split as a shell would, with paths made local. */
    static List<List<String>> commands(String markdown) {
        List<List<String>> out = new ArrayList<>();
        boolean sh = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                sh = !sh && line.trim().equals("```sh");
                continue;
            }
            if (!sh || line.isBlank() || line.startsWith("#")) continue;
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
