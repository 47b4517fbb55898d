package org.tinyfit.tflite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The .tflite files under the shared models directory. */
final class SharedModels {
    private SharedModels() {}

    static Path dir() {
        return Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    }

    static Path model(String name) { return dir().resolve(name); }

    static List<Path> all() {
        try (Stream<Path> s = Files.walk(dir())) {
            return s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
