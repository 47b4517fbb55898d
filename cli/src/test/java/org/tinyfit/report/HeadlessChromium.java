package org.tinyfit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Chromium, headless: the DOM of a page after its scripts ran, its console messages, a screenshot. */
public final class HeadlessChromium {
    private final String binary;

    private HeadlessChromium(String binary) { this.binary = binary; }

    /** The installed browser, or null when there is none. */
    public static HeadlessChromium find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (Files.isExecutable(Path.of(dir, name))) return new HeadlessChromium(Path.of(dir, name).toString());
            }
        }
        return null;
    }

    /** What one page load gave: the serialized DOM and the page's console lines. */
    public record Page(String dom, List<String> console) {}

    public Page load(Path html) throws IOException, InterruptedException {
        return load("--dump-dom", html.toUri().toString());
    }

    /** As {@link #load(Path)}, and a screenshot of the page in the same browser run. */
    public Page load(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        return load("--dump-dom", "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars",
                html.toUri().toString());
    }

    private Page load(String... args) throws IOException, InterruptedException {
        Path err = Files.createTempFile("chromium", ".log");
        Path out = Files.createTempFile("chromium", ".html");
        try {
            run(err, out, args);
            List<String> console = new ArrayList<>();
            for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) if (line.contains(":CONSOLE")) console.add(line);
            return new Page(Files.readString(out, StandardCharsets.UTF_8), console);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private void run(Path err, Path out, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        if (out != null) pb.redirectOutput(out.toFile());
        else pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish within 120 s: " + cmd);
            }
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
