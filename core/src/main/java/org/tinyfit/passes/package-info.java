/**
 * Graph rewrites, each one graph → graph and each in one place: {@link org.tinyfit.passes.Renumbering}
 * (drop what nothing refers to, renumber; every rewrite ends with it), {@link org.tinyfit.passes.BatchNormFolding},
 * {@link org.tinyfit.passes.DropoutRemoval}, and {@link org.tinyfit.passes.InferenceForm}, which composes the
 * rewrites that turn a trained graph into the one a device runs. A pass never changes what the graph
 * computes beyond float rounding, and says so in its documentation where it is exact.
 */
package org.tinyfit.passes;
