package org.tinyfit.cli;

import java.util.concurrent.Callable;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The main job on an embedded default: a small network built in code, shown node by node. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Builds a small keyword-spotting-sized CNN in code and shows its graph.",
            "Needs no files: a first look at what tinyfit does."})
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    static Graph demoNetwork() {
        GraphBuilder b = new GraphBuilder("demo-cnn");
        int x = b.input("image", DType.F32, 1, 28, 28, 1);
        int w1 = b.constant("conv1/w", DType.F32, Shape.of(8, 3, 3, 1), new byte[8 * 9 * 4]);
        int b1 = b.constant("conv1/b", DType.F32, Shape.of(8), new byte[8 * 4]);
        int c1 = b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.RELU), "conv1", x, w1, b1);
        int w2 = b.constant("dw/w", DType.F32, Shape.of(1, 3, 3, 8), new byte[72 * 4]);
        int b2 = b.constant("dw/b", DType.F32, Shape.of(8), new byte[8 * 4]);
        int c2 = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.RELU6), "dw", c1, w2, b2);
        int w3 = b.constant("pw/w", DType.F32, Shape.of(16, 1, 1, 8), new byte[128 * 4]);
        int b3 = b.constant("pw/b", DType.F32, Shape.of(16), new byte[16 * 4]);
        int c3 = b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.RELU), "pw", c2, w3, b3);
        int p = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 7, 7, 7, 7, Op.Act.NONE), "gap", c3);
        int f = b.node(new Op.Reshape(new int[] {1, 16}), "flat", p);
        int wf = b.constant("fc/w", DType.F32, Shape.of(10, 16), new byte[160 * 4]);
        int bf = b.constant("fc/b", DType.F32, Shape.of(10), new byte[40]);
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", f, wf, bf);
        int s = b.node(new Op.Softmax(1f), "probs", fc);
        return b.output(s).build();
    }

    @Override public Integer call() {
        Graph g = demoNetwork();
        var out = spec.commandLine().getOut();
        out.printf("%s: %d nodes, %d tensors%n", g.name(), g.nodes().size(), g.tensors().size());
        for (Node n : g.nodes()) {
            out.printf("  %-3d %-18s -> %s%n", n.id(), n.op().kind(), g.tensor(n.output(0)).describe());
        }
        return 0;
    }
}
