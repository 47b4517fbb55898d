package org.tinyfit.train;

import java.util.Map;
import java.util.TreeMap;

/** Model specs that ship with tinyfit, by name. */
public final class BuiltinSpecs {
    private BuiltinSpecs() {}

    /**
     * For Fashion-MNIST (28×28×1, 10 classes): three conv-BN-ReLU blocks (16, 32, 64 channels) with
     * 2×2 max pooling between them, then dropout and a dense layer on the flattened 7×7×64 map.
     * About 55k parameters and 1.9M multiply-accumulates per image.
     */
    public static final String FASHION_MNIST = """
            {"name":"fmnist-cnn","input":[28,28,1],"layers":[
              {"conv":16,"kernel":3,"act":"relu","bn":true},
              {"maxpool":2},
              {"conv":32,"kernel":3,"act":"relu","bn":true},
              {"maxpool":2},
              {"conv":64,"kernel":3,"act":"relu","bn":true},
              {"flatten":true},
              {"dropout":0.2},
              {"dense":10}
            ],"softmax":true}""";

    /** A tiny network for quick checks on 28×28×1 data (about 9k parameters, 0.1M multiply-accumulates per image). */
    public static final String TINY = """
            {"name":"tiny-cnn","input":[28,28,1],"layers":[
              {"conv":8,"kernel":3,"stride":2,"act":"relu","bn":true},
              {"conv":16,"kernel":3,"stride":2,"act":"relu","bn":true},
              {"flatten":true},
              {"dense":10}
            ],"softmax":true}""";

    public static Map<String, String> all() {
        Map<String, String> m = new TreeMap<>();
        m.put("fmnist", FASHION_MNIST);
        m.put("tiny", TINY);
        return m;
    }
}
