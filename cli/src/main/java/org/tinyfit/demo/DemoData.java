package org.tinyfit.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.tinyfit.search.SearchException;

/** The demo's data: Fashion-MNIST from Debian's package (installed when possible), else the shared ECG5000 rows. */
public record DemoData(String spec, String name) {
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Finds (or installs) the data; {@code say} hears what was done. */
    public static DemoData find(Consumer<String> say) {
        if (Files.isDirectory(FASHION_MNIST)) return new DemoData(FASHION_MNIST.toString(), "Fashion-MNIST");
        if (install(say) && Files.isDirectory(FASHION_MNIST)) return new DemoData(FASHION_MNIST.toString(), "Fashion-MNIST");
        Path ecg = shared().resolve("data/ecg5000-train.csv");
        if (Files.isRegularFile(ecg)) {
            say.accept("Fashion-MNIST is not installed (Debian: apt-get install dataset-fashion-mnist); using the ECG5000 heartbeats at " + ecg);
            return new DemoData(ecg + "#test=5:4", "ECG5000");
        }
        throw new SearchException("no data for the demo: install Fashion-MNIST (Debian: apt-get install dataset-fashion-mnist)");
    }

    /** Installs Debian's dataset-fashion-mnist when this process may (root, apt-get present); true if it ran and succeeded. */
    static boolean install(Consumer<String> say) {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) || !"root".equals(System.getProperty("user.name"))) return false;
        say.accept("installing Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)...");
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The shared folder beside the clone: $TINYFIT_SHARED, or ../shared next to the repository the jar was built in. */
    static Path shared() {
        String env = System.getenv("TINYFIT_SHARED");
        if (env != null) return Path.of(env);
        try {
            Path jar = Path.of(DemoData.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path cli = jar.getParent() == null ? null : jar.getParent().getParent(); // cli/target/tinyfit.jar or cli/target/classes
            if (cli != null && cli.getParent() != null && cli.getParent().getParent() != null) {
                return cli.getParent().getParent().resolve("shared");
            }
        } catch (Exception e) {
            // fall through to the working directory
        }
        return Path.of("..", "shared");
    }
}
