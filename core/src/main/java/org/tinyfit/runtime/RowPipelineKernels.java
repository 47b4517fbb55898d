package org.tinyfit.runtime;

import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.RowPipeline;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel;

/**
 * The kernels of {@link RowPipeline} nodes: each computes its run of layers row by row inside the
 * node's workspace tensor (the rings of rows and the pool's sums live there, at the planned offset,
 * so the run needs no memory beyond the plan), with the reference kernels' arithmetic: the same
 * int32 accumulators, the same requantization from {@code quant}, TFLite's rounding of the average.
 * The layers' outputs are those of the layers run one after the other, byte for byte.
 */
public final class RowPipelineKernels implements KernelProvider {
    private final List<RowPipeline> pipelines;

    /** Kernels for the nodes {@code pipelines} became. */
    public RowPipelineKernels(List<RowPipeline> pipelines) { this.pipelines = List.copyOf(pipelines); }

    /** The interpreter's providers with these kernels first. */
    public List<KernelProvider> withDefaults() {
        List<KernelProvider> out = new java.util.ArrayList<>();
        out.add(this);
        out.addAll(Interpreter.defaultProviders());
        return out;
    }

    @Override
    public Kernel kernelFor(Node node, Graph graph) {
        for (RowPipeline p : pipelines) if (p.isNode(graph, node)) return (n, g) -> prepare(p, n, g);
        return null;
    }

    private static PreparedKernel prepare(RowPipeline p, Node node, Graph g) {
        Tensor ws = g.tensor(node.output(1));
        if (ws.bytes() != p.workspaceBytes()) {
            throw KernelSupport.fail(node, "its workspace holds " + ws.bytes() + " bytes, the pipeline needs " + p.workspaceBytes());
        }
        Graph src = p.source();
        List<RowPipeline.Layer> ls = p.layers();
        int n = ls.size();
        RowPipeline.Layer[] layers = ls.toArray(new RowPipeline.Layer[0]);
        ConvQuant[] quant = new ConvQuant[n];
        byte[][] weights = new byte[n][];
        int[][] bias = new int[n][];
        for (int j = 0; j < n; j++) {
            Node layer = src.node(layers[j].node());
            quant[j] = layers[j].depthwise() ? DepthwiseConv2DKernel.plan(layer, src).quant() : Conv2DKernel.plan(layer, src).quant();
            if (quant[j] == null) throw KernelSupport.fail(node, "layer " + layer.label() + " is not int8");
            weights[j] = src.tensor(layer.input(1)).data();
            int oc = layers[j].outC();
            bias[j] = layer.hasInput(2) ? TensorBytes.ints(TensorBytes.le(src.tensor(layer.input(2)).data()), DType.I32, oc) : new int[oc];
        }
        int actMin = 0, actMax = 0;
        if (p.pooled()) {
            Node pool = src.node(p.poolNode());
            Tensor out = src.tensor(pool.output(0));
            int[] r = FixedPoint.activationRange(((Op.Pool2D) pool.op()).act(), QuantParams.scale(pool, out, "output"),
                    QuantParams.zeroPoint(pool, out, "output"), -128, 127);
            actMin = r[0];
            actMax = r[1];
        }
        Run run = new Run(layers, quant, weights, bias, p.pooled(), p.sumsOffset(), actMin, actMax, node.input(0), node.output(0), node.output(1));
        return run::run;
    }

    /** One pipeline's run: the rows each layer has produced so far, and where every row goes. */
    private static final class Run {
        private final RowPipeline.Layer[] layers;
        private final ConvQuant[] quant;
        private final byte[][] weights;
        private final int[][] bias;
        private final boolean pooled;
        private final int sumsOffset, actMin, actMax, input, output, workspace;
        private final int[] produced;
        private Arena arena;

        Run(RowPipeline.Layer[] layers, ConvQuant[] quant, byte[][] weights, int[][] bias, boolean pooled, int sumsOffset, int actMin, int actMax,
            int input, int output, int workspace) {
            this.layers = layers;
            this.quant = quant;
            this.weights = weights;
            this.bias = bias;
            this.pooled = pooled;
            this.sumsOffset = sumsOffset;
            this.actMin = actMin;
            this.actMax = actMax;
            this.input = input;
            this.output = output;
            this.workspace = workspace;
            this.produced = new int[layers.length];
        }

        void run(Arena a) {
            arena = a;
            java.util.Arrays.fill(produced, 0);
            int lastLayer = layers.length - 1;
            RowPipeline.Layer last = layers[lastLayer];
            int sums = a.offset(workspace) + sumsOffset;
            if (pooled) for (int c = 0; c < last.outC(); c++) a.setScratchI32(sums, c, 0);
            for (int r = 0; r < last.outH(); r++) produce(lastLayer);
            if (pooled) {
                int count = last.outH() * last.outW();
                byte[] out = a.array(output);
                int at = a.offset(output);
                for (int c = 0; c < last.outC(); c++) {
                    int acc = a.scratchI32(sums, c);
                    int v = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    out[at + c] = (byte) FixedPoint.clamp(v, actMin, actMax);
                }
            }
            arena = null;
        }

        /** Computes the next row of layer {@code j}, after the rows of layer {@code j - 1} it reads. */
        private void produce(int j) {
            RowPipeline.Layer l = layers[j];
            int r = produced[j];
            if (j > 0) {
                int need = l.rowsNeededFor(r);
                while (produced[j - 1] < need) produce(j - 1);
            }
            byte[] ws = arena.array(workspace);
            int wsAt = arena.offset(workspace);
            boolean lastLayer = j == layers.length - 1;
            byte[] dst;
            int dstAt;
            if (!lastLayer) {
                RowPipeline.Layer next = layers[j + 1];
                dst = ws;
                dstAt = wsAt + next.ringOffset() + (r % next.ringRows()) * next.inRowBytes();
            } else if (pooled) {
                dst = null;
                dstAt = -1;
            } else {
                dst = arena.array(output);
                dstAt = arena.offset(output) + r * l.outRowBytes();
            }
            ConvQuant q = quant[j];
            byte[] w = weights[j];
            int[] b = bias[j];
            int inOff = q.inputOffset(), inC = l.inC(), outC = l.outC(), kW = l.kW();
            int sums = wsAt + sumsOffset;
            for (int ox = 0; ox < l.outW(); ox++) {
                int ix0 = ox * l.strideW() - l.padLeft();
                for (int oc = 0; oc < outC; oc++) {
                    int acc = 0;
                    int ic0 = l.depthwise() ? oc / (outC / inC) : 0;
                    for (int fy = 0; fy < l.kH(); fy++) {
                        int iy = r * l.strideH() - l.padTop() + l.dilH() * fy;
                        if (iy < 0 || iy >= l.inH()) continue;
                        byte[] row = j == 0 ? arena.array(input) : ws;
                        int rowAt = j == 0 ? arena.offset(input) + iy * l.inRowBytes() : wsAt + l.ringOffset() + (iy % l.ringRows()) * l.inRowBytes();
                        for (int fx = 0; fx < kW; fx++) {
                            int ix = ix0 + l.dilW() * fx;
                            if (ix < 0 || ix >= l.inW()) continue;
                            int px = rowAt + ix * inC;
                            if (l.depthwise()) {
                                acc += w[(fy * kW + fx) * outC + oc] * (row[px + ic0] + inOff);
                            } else {
                                int f = ((oc * l.kH() + fy) * kW + fx) * inC;
                                for (int ic = 0; ic < inC; ic++) acc += w[f + ic] * (row[px + ic] + inOff);
                            }
                        }
                    }
                    acc += b[oc];
                    int v = q.requantize(acc, oc);
                    if (dst != null) dst[dstAt + ox * outC + oc] = (byte) v;
                    else arena.setScratchI32(sums, oc, arena.scratchI32(sums, oc) + v);
                }
            }
            produced[j]++;
        }
    }
}
