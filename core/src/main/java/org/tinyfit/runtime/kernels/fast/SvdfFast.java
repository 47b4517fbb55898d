package org.tinyfit.runtime.kernels.fast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.runtime.int16.Int16Kernels;
import org.tinyfit.runtime.int16.SvdfInteger;

/**
 * {@link SvdfInteger} working in place on tensor bytes (input, state and output at offsets into
 * byte arrays, state little-endian int8 or int16), with the weights widened once and the scratch
 * allocated once, so an invoke allocates and copies nothing. The arithmetic is the reference's, step
 * for step, so the bytes are the same.
 */
public final class SvdfFast {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final int batch, inputSize, filters, memory, units;
    private final int[] featureWeights;
    private final int[] timeWeights;
    private final int[] bias;
    private final boolean int16State;
    private final SvdfInteger.Params p;
    private final int[] scratch;
    private final int[] input;

    /**
     * The in-place form of an integer SVDF node, with the reference's checks and parameters ({@link
     * Int16Kernels#svdfSetup}); its input, state and output are tensors {@code node.input(0)}, {@code
     * node.input(4)} and {@code node.output(0)}.
     */
    public static SvdfFast prepare(Node node, Graph graph) {
        Int16Kernels.SvdfSetup v = Int16Kernels.svdfSetup(node, graph);
        try {
            SvdfFast fast = new SvdfFast(v.batch(), v.inputSize(), v.featureWeights(), v.filters(), v.timeWeights(), v.memory(), v.bias(),
                    v.state().dtype() == DType.I16, v.params());
            if (fast.inputBytes() > v.in().bytes() || fast.stateBytes() > v.state().bytes() || fast.outputBytes() > v.out().bytes()) {
                throw new IllegalArgumentException("the SVDF geometry needs more values than its input, state or output tensor holds");
            }
            return fast;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(node.label() + ": " + e.getMessage(), e);
        }
    }

    /** The same arguments as {@link SvdfInteger#run}, without the data; {@code int16State}: the state tensor's type. */
    public SvdfFast(int batch, int inputSize, byte[] weightsFeature, int filters, int[] weightsTime, int memory, int[] bias,
                    boolean int16State, SvdfInteger.Params p) {
        if (filters % p.rank() != 0) throw new IllegalArgumentException(filters + " filters are not a multiple of rank " + p.rank());
        if (weightsFeature.length < filters * inputSize || weightsTime.length < filters * memory) {
            throw new IllegalArgumentException("SVDF weights hold fewer values than " + filters + " filters need");
        }
        this.batch = batch;
        this.inputSize = inputSize;
        this.filters = filters;
        this.memory = memory;
        this.units = filters / p.rank();
        if (bias != null && bias.length < units) throw new IllegalArgumentException("the SVDF bias has " + bias.length + " values for " + units + " units");
        this.featureWeights = new int[filters * inputSize];
        for (int i = 0; i < featureWeights.length; i++) featureWeights[i] = weightsFeature[i];
        this.timeWeights = weightsTime.clone();
        this.bias = bias == null ? null : bias.clone();
        this.int16State = int16State;
        this.p = p;
        this.scratch = new int[batch * filters];
        this.input = new int[inputSize];
    }

    /** Bytes of input, state and output this layer reads and writes. */
    public int inputBytes() { return batch * inputSize; }

    public int stateBytes() { return batch * filters * memory * (int16State ? 2 : 1); }

    public int outputBytes() { return batch * units; }

    /** One invocation: the state (at {@code stateOff} in {@code state}) is updated in place. */
    public void run(byte[] in, int inOff, byte[] state, int stateOff, byte[] out, int outOff) {
        Objects.checkFromIndexSize(inOff, inputBytes(), in.length);
        Objects.checkFromIndexSize(stateOff, stateBytes(), state.length);
        Objects.checkFromIndexSize(outOff, outputBytes(), out.length);
        int esz = int16State ? 2 : 1;
        int stateLen = batch * filters * memory;
        if (stateLen > 1) System.arraycopy(state, stateOff + esz, state, stateOff, (stateLen - 1) * esz);
        int inZp = p.inputZeroPoint(), stZp = p.stateZeroPoint();
        for (int b = 0; b < batch; b++) {
            int inBase = inOff + b * inputSize;
            for (int c = 0; c < inputSize; c++) input[c] = in[inBase + c] - inZp;
            for (int f = 0; f < filters; f++) {
                int dot = 0;
                int w = f * inputSize;
                for (int c = 0; c < inputSize; c++) dot += featureWeights[w + c] * input[c];
                dot = FixedPoint.multiplyByQuantizedMultiplier(dot, p.featureMultiplier(), p.featureShift());
                dot = FixedPoint.clamp(dot, p.stateMin(), p.stateMax());
                int stored = stZp + dot;
                int slot = b * filters * memory + f * memory + memory - 1;
                if (int16State) I16.set(state, stateOff + 2 * slot, (short) stored);
                else state[stateOff + slot] = (byte) stored;
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < filters; f++) {
                int sum = 0;
                int base = b * memory * filters + f * memory, w = f * memory;
                if (int16State) {
                    int at = stateOff + 2 * base;
                    for (int j = 0; j < memory; j++) sum += timeWeights[w + j] * ((short) I16.get(state, at + 2 * j) - stZp);
                } else {
                    int at = stateOff + base;
                    for (int j = 0; j < memory; j++) sum += timeWeights[w + j] * (state[at + j] - stZp);
                }
                scratch[b * filters + f] = sum;
            }
        }
        int rank = p.rank();
        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < units; u++) {
                int acc = bias != null ? bias[u] : 0;
                for (int r = 0; r < rank; r++) acc += scratch[b * filters + u * rank + r];
                int v = FixedPoint.multiplyByQuantizedMultiplier(acc, p.outputMultiplier(), p.outputShift()) + p.outputZeroPoint();
                out[outOff + b * units + u] = (byte) FixedPoint.saturateInt8(v);
            }
        }
    }
}
