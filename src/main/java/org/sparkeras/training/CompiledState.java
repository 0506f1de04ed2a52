package org.sparkeras.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
        if (c.lossByOutput() != null) {
            given = org.sparkeras.models.Model.byName("output", outputNames, c.lossByOutput());
        }
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
        if (c.lossWeightByOutput() != null) {
            java.util.Set<String> unknown = new java.util.TreeSet<>(c.lossWeightByOutput().keySet());
            unknown.removeAll(outputNames);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("Unknown output name(s) " + unknown + " in loss_weights; the model's "
                        + "outputs are " + outputNames);
            }
            w = new double[outputs];
            for (int i = 0; i < outputs; i++) {
                w[i] = c.lossWeightByOutput().getOrDefault(outputNames.get(i), 1.0);
            }
        }
        if (w == null) {
            w = new double[outputs];
            Arrays.fill(w, 1.0);
        } else if (w.length != outputs) {
            throw new IllegalArgumentException("loss_weights has " + w.length + " values, the model has " + outputs
                    + " outputs " + outputNames);
        }
        lossWeights = w;
        metrics = new ArrayList<>();
        Map<String, List<Object>> perOutput = c.metricsByOutput();
        if (perOutput != null) {
            java.util.Set<String> unknown = new java.util.TreeSet<>(perOutput.keySet());
            unknown.removeAll(outputNames);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("Unknown output name(s) " + unknown + " in metrics; the model's "
                        + "outputs are " + outputNames);
            }
        }
        for (int i = 0; i < outputs; i++) {
            List<Metric> ms = new ArrayList<>();
            List<Object> names = perOutput != null ? perOutput.getOrDefault(outputNames.get(i), List.of()) : c.metrics();
            for (Object m : names) {
                if (m instanceof Metric metric) {
                    if (outputs > 1 && perOutput == null) {
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
