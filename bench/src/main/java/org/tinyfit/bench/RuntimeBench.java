package org.tinyfit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;

/**
 * Latency of one invoke (batch 1) of each shared model in tinyfit's runtime, on TFLite Micro's
 * golden input seed 0, with the fast kernels and with the reference ones. The peer is TFLite Micro's
 * own invoke time measured on this machine class ({@code shared/models/README.md}); docs/bench-runtime.md
 * puts the two side by side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuntimeBench {
    @Param({"hello_world_float", "hello_world_int8", "keyword_scrambled_8bit", "micro_speech_quantized", "person_detect", "simple_add_model"})
    public String model;

    @Param({"fast", "reference"})
    public String kernels;

    private Interpreter interpreter;
    private byte[][] inputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path shared = Path.of(System.getProperty("tinyfit.shared", "../shared"), "models");
        Graph g = TfliteReader.read(shared.resolve(model + ".tflite"));
        Schedule s = Schedule.stored(g);
        interpreter = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), Interpreter.defaultProviders(), kernels.equals("fast"));
        byte[] all = Files.readAllBytes(shared.resolve("golden").resolve(model + ".seed0.in"));
        int[] ins = g.inputs();
        inputs = new byte[ins.length][];
        int pos = 0;
        for (int k = 0; k < ins.length; k++) {
            int n = (int) g.tensor(ins[k]).bytes();
            inputs[k] = Arrays.copyOfRange(all, pos, pos + n);
            pos += n;
        }
    }

    @Benchmark
    public byte[][] invoke() {
        return interpreter.run(inputs);
    }

    /** The models, for scripts. */
    public static List<String> models() {
        return List.of("hello_world_float", "hello_world_int8", "keyword_scrambled_8bit", "micro_speech_quantized", "person_detect", "simple_add_model");
    }
}
