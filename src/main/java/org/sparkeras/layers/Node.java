package org.sparkeras.layers;

import java.util.List;

/**
 * One application of a layer to symbolic tensors in a functional graph: the layer, the tensors it
 * was applied to and the tensors it produced. A layer applied twice (a shared layer) has two nodes
 * and one set of weights.
 */
public record Node(Layer layer, List<KerasTensor> inputs, List<KerasTensor> outputs) {}
