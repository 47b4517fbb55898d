package org.tinyfit.train;

/**
 * A float constant of the graph, as training sees it: its current values, its gradient, and
 * whether the optimizer updates it ({@code trainable}) and decays it ({@code decay}; weights, not
 * biases or batch-norm parameters). Batch-norm running statistics are params that are not trainable:
 * the forward pass updates them in training mode.
 */
public final class Param {
    public final int tensorId;
    public final String name;
    public final float[] value;
    public final float[] grad;
    public final boolean trainable;
    public final boolean decay;

    Param(int tensorId, String name, float[] value, boolean trainable, boolean decay) {
        this.tensorId = tensorId;
        this.name = name;
        this.value = value;
        this.grad = trainable ? new float[value.length] : null;
        this.trainable = trainable;
        this.decay = decay;
    }
}
