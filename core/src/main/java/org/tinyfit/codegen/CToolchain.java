package org.tinyfit.codegen;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds and runs a generated project with its own Makefile: on the host with the C compiler, and
 * for Cortex-M with {@code arm-none-eabi-gcc}, run under {@code qemu-system-arm} (MPS2 boards,
 * semihosting). What a test, a benchmark or a user checks a project with.
 */
public final class CToolchain {
    private CToolchain() {}

    /** The flags the sanitizer build uses: C99, address and undefined-behaviour sanitizers that stop at the first finding, warnings as errors. */
    public static final String SANITIZER_CFLAGS = "-std=c99 -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror";

    /**
     * The QEMU machine for a {@code -mcpu} name: mps2-an386 (Cortex-M4), mps2-an500 (Cortex-M7),
     * mps2-an385 (Cortex-M3; it also runs a Cortex-M0+ build, whose Armv6-M instructions are a subset of
     * Armv7-M's, and counts them).
     */
    public static String qemuMachine(String cpu) {
        return switch (cpu) {
            case "cortex-m4" -> "mps2-an386";
            case "cortex-m7" -> "mps2-an500";
            case "cortex-m3", "cortex-m0plus" -> "mps2-an385";
            default -> throw new IllegalArgumentException("no QEMU board for " + cpu + "; use cortex-m4, cortex-m7, cortex-m3 or cortex-m0plus");
        };
    }

    /** The executable {@code name} on the PATH, if there is one. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir).resolve(name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The tools among {@code names} that are not on the PATH (empty: all there). */
    public static List<String> missing(String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) if (find(n).isEmpty()) out.add(n);
        return out;
    }

    /** Builds {@code model_host} in {@code dir} with {@code gcc} and {@code cflags}; returns its path. */
    public static Path buildHost(Path dir, String cflags) {
        run(dir, Duration.ofMinutes(5), "make", "-s", "host", "CC=gcc", "HOST_CFLAGS=" + cflags);
        return dir.resolve("model_host");
    }

    /** Runs the host build on {@code input} (inputs concatenated) and returns the outputs (concatenated). */
    public static byte[] runHost(Path projectDir, byte[] input) {
        Path dir = projectDir.toAbsolutePath();
        try {
            Path in = Files.createTempFile(dir, "input", ".bin");
            Path out = dir.resolve(in.getFileName().toString().replace("input", "output"));
            Files.write(in, input);
            run(dir, Duration.ofMinutes(2), dir.resolve("model_host").toString(), in.toString(), out.toString());
            byte[] result = Files.readAllBytes(out);
            Files.delete(in);
            Files.delete(out);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds {@code model_CPU.elf} in {@code dir} with {@code arm-none-eabi-gcc -Os -mcpu=CPU}; returns its path. */
    public static Path buildArm(Path dir, String cpu) {
        run(dir, Duration.ofMinutes(5), "make", "-s", "arm", "CPU=" + cpu);
        return dir.resolve("model_" + cpu + ".elf");
    }

    /** {@code arm-none-eabi-size}'s figures of an ELF file: flash is text + data, RAM is data + bss. */
    public record Size(long text, long data, long bss) {
        public long flashBytes() { return text + data; }

        public long ramBytes() { return data + bss; }
    }

    public static Size size(Path elfFile) {
        Path elf = elfFile.toAbsolutePath();
        String out = run(elf.getParent(), Duration.ofMinutes(1), "arm-none-eabi-size", "-B", elf.toString());
        String[] lines = out.strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        return new Size(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    /**
     * Under {@code -icount shift=0} QEMU advances virtual time by 1 ns per instruction; mps2-an386's
     * SysTick counts its 25 MHz core clock, so one tick is 40 instructions (the same on mps2-an385 and
     * mps2-an500: QEMU's MPS2 boards share the one 25 MHz clock).
     */
    public static final int AN386_INSTRUCTIONS_PER_TICK = 40;

    /**
     * One run under QEMU: the outputs, and the SysTick ticks {@code model_invoke} took (with {@code
     * icount}, a deterministic instruction count: times {@link #AN386_INSTRUCTIONS_PER_TICK} on mps2-an386).
     */
    public record QemuRun(byte[] output, long systickTicks) {}

    /**
     * Runs {@code elf} under QEMU on the board for {@code cpu}, in a fresh directory holding
     * {@code input.bin}; returns what it wrote to {@code output.bin} and {@code systick.txt}.
     * {@code icount}: one instruction per virtual nanosecond ({@code -icount shift=0}).
     */
    public static QemuRun runQemu(Path elfFile, String cpu, byte[] input, boolean icount) {
        Path elf = elfFile.toAbsolutePath();
        try {
            Path work = Files.createTempDirectory(elf.getParent(), "qemu");
            Files.write(work.resolve("input.bin"), input);
            List<String> cmd = new ArrayList<>(List.of("qemu-system-arm", "-M", qemuMachine(cpu), "-nographic", "-monitor", "none", "-serial", "none",
                    "-semihosting-config", "enable=on,target=native"));
            if (icount) cmd.addAll(List.of("-icount", "shift=0"));
            cmd.addAll(List.of("-kernel", elf.toString()));
            run(work, Duration.ofMinutes(2), cmd.toArray(String[]::new));
            byte[] out = Files.readAllBytes(work.resolve("output.bin"));
            long ticks = Long.parseLong(Files.readString(work.resolve("systick.txt")).trim());
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(work);
            return new QemuRun(out, ticks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command in {@code dir}; returns its output, or throws with it if the command fails or times out. */
    static String run(Path dir, Duration timeout, String... command) {
        try {
            Path log = Files.createTempFile("tinyfit-cc", ".log");
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ") in " + dir + ":\n" + out);
                }
                return out;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }
}
