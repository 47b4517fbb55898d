package org.tinyfit.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Where a command writes: checked before the command starts its work, so that a path it cannot
 * write fails at once with one line instead of after minutes of training; and files written whole
 * or not at all, so that a failure never leaves half a file, nor half of the file it replaces.
 */
final class Outputs {
    private Outputs() {}

    /**
     * A file the command will write ({@code -o}, {@code --report}): not empty, not a directory, in a
     * directory that exists and can be written.
     */
    static void checkFile(Path file, String option) {
        if (file.toString().isEmpty()) throw new UserException(option + " is empty; give the path of a file to write");
        if (Files.isDirectory(file)) throw new UserException(option + " " + file + " is a directory; give the path of a file to write");
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            if (parent != null && !Files.isWritable(parent)) throw new UserException("cannot write " + file + ": no permission to write in " + parent);
            return;
        }
        Path existing = nearestExisting(parent);
        if (existing != null && !Files.isDirectory(existing)) {
            throw new UserException("cannot write " + file + ": " + existing + " is a file, not a directory");
        }
        throw new UserException("cannot write " + file + ": the directory " + parent + " does not exist; create it first");
    }

    /**
     * A model file the command will write: {@link #checkFile}, and not named .onnx, since tinyfit
     * writes TFLite and a .onnx name would make every reader, tinyfit's too, take it for ONNX.
     */
    static void checkModelFile(Path file, String option) {
        checkFile(file, option);
        String name = file.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new UserException(option + " " + file + ": the model is written as TFLite; give it a .tflite name (" + name.substring(0, name.length() - 5) + ".tflite)");
        }
    }

    /**
     * A directory the command will write into, created if missing ({@code --out}, {@code --c}): not
     * a file, and not under one.
     */
    static void checkDirectory(Path dir, String option) {
        if (dir.toString().isEmpty()) throw new UserException(option + " is empty; give a directory");
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserException(option + " " + dir + " is a file; give a directory");
        Path existing = nearestExisting(dir.toAbsolutePath());
        if (existing != null && !Files.isDirectory(existing)) {
            throw new UserException("cannot create " + option + " " + dir + ": " + existing + " is a file, not a directory");
        }
        if (existing != null && !Files.isWritable(existing)) {
            throw new UserException("cannot write " + option + " " + dir + ": no permission to write in " + existing);
        }
    }

    /**
     * Refuses to write {@code file} when it is {@code other}, a file the command reads or writes as
     * well ({@code what}: "the input model", "the -o file"): the one would destroy the other.
     */
    static void notSame(Path file, String option, Path other, String what, String writing) {
        if (same(file, other)) throw new UserException(option + " " + file + " is " + what + "; write " + writing + " to another file");
    }

    /** Whether two paths name one file: the same path, or (when both exist) the same file by links. */
    static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code path} itself, or the closest of its ancestors that exists; null if none does. */
    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) p = p.getParent();
        return p;
    }

    /**
     * Writes {@code bytes} to {@code file} whole or not at all: into a hidden file beside it, then
     * renamed over it. A failure (a full disk, an interrupt) leaves any earlier file as it was and no
     * temporary file behind.
     */
    static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) Files.deleteIfExists(tmp);
        }
    }
}
