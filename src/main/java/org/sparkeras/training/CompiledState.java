package org.sparkeras.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkeras.losses.Loss;
import org.sparkeras.metrics.Metric;
import org.sparkeras.metrics.Metrics;
import org.sparkeras.optimizers.Optimizer;

/**
 * What {@code compile} resolved for a model with a given number of outputs: the optimizer, one loss
 * and one weight per output, and the metrics of each output. Metric names are resolved against the
 * output's loss ("accuracy" becomes the right accuracy) and instantiated once per output.
 */
public final class CompiledState {
    private final Optimizer optimizer;
    private final List<Loss> losses;
    private final double[] lossWeights;
    private final List<List<Metric>> metrics;
    private final Compile source;

    public CompiledState(Compile c, List<String> outputNames) {
        int outputs = outputNames.size();
        if (c.optimizer() == null) {
            throw new IllegalArgumentException("compile needs an optimizer");
        }
        List<Loss> given = c.losses();
        if (given.isEmpty()) {
            throw new IllegalArgumentException("compile needs a loss; known losses are listed by the registry, e.g. "
                    + "\"mse\", \"sparse_categorical_crossentropy\"");
        }
        if (given.size() != 1 && given.size() != outputs) {
            throw new IllegalArgumentException("compile received " + given.size() + " losses for a model with " + outputs
                    + " outputs " + outputNames + ": give one loss for all outputs or one per output");
        }
        losses = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            losses.add(given.size() == 1 ? given.get(0) : given.get(i));
        }
        double[] w = c.lossWeights();
        if (w == null) {
            w = new double[outputs];
            Arrays.fill(w, 1.0);
        } else if (w.length != outputs) {
            throw new IllegalArgumentException("loss_weights has " + w.length + " values, the model has " + outputs
                    + " outputs " + outputNames);
        }
        lossWeights = w;
        metrics = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            List<Metric> ms = new ArrayList<>();
            for (Object m : c.metrics()) {
                if (m instanceof Metric metric) {
                    if (outputs > 1) {
                        throw new IllegalArgumentException("A Metric object cannot be shared by " + outputs
                                + " outputs; pass metric names instead");
                    }
                    ms.add(metric);
                } else {
                    ms.add(Metrics.get((String) m, losses.get(i)));
                }
            }
            metrics.add(ms);
        }
        optimizer = c.optimizer();
        source = c;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public List<Loss> losses() {
        return losses;
    }

    public double[] lossWeights() {
        return lossWeights.clone();
    }

    /** The metrics of output {@code i}. */
    public List<Metric> metrics(int i) {
        return metrics.get(i);
    }

    /** The arguments compile was called with. */
    public Compile source() {
        return source;
    }
}
