package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;

/** Each layer kind of a spec gives the same inference outputs in the training engine and in tinyfit's runtime. */
class RuntimeAgreementTest {
    static float[] runtime(Graph g, float[] x, int per, int outPer, int n) {
        Interpreter it = new Interpreter(g, Schedule.stored(g), new TflmGreedyPlanner().plan(g, Schedule.stored(g)));
        float[] y = new float[n * outPer];
        for (int s = 0; s < n; s++) {
            ByteBuffer in = ByteBuffer.allocate(per * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < per; i++) in.putFloat(x[s * per + i]);
            ByteBuffer out = ByteBuffer.wrap(it.run(new byte[][] {in.array()})[0]).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < outPer; j++) y[s * outPer + j] = out.getFloat(j * 4);
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"conv\":4}", "{\"conv\":4,\"stride\":2}", "{\"conv\":4,\"padding\":\"valid\"}", "{\"conv\":3,\"kernel\":3,\"dilation\":2}",
        "{\"conv\":4,\"act\":\"relu\"}", "{\"dwconv\":3,\"act\":\"relu6\"}", "{\"conv\":4,\"stride\":2,\"act\":\"tanh\"}", "{\"dense\":5,\"act\":\"relu\"}", "{\"dense\":5,\"act\":\"tanh\"}", "{\"dwconv\":3}", "{\"dwconv\":3,\"stride\":2,\"multiplier\":2}", "{\"maxpool\":2}",
        "{\"avgpool\":3,\"stride\":2,\"padding\":\"same\"}", "{\"gap\":true}", "{\"flatten\":true}", "{\"dense\":5}"})
    void engineAndRuntimeAgree(String layer) {
        Graph g = SpecCompiler.compile(ModelSpec.parse("{\"input\":[8,8,2],\"layers\":[" + layer + "]}"), 3);
        int n = 2, per = 128;
        float[] x = KernelTest.random(n * per, 5);
        float[] want;
        int outPer;
        try (Net net = Net.compile(g, 1)) {
            want = net.forward(x, n, false, 0).clone();
            outPer = net.lossSize();
        }
        float[] have = runtime(g, x, per, outPer, n);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], have[i], 1e-4f, layer + " output " + i);
    }
}
