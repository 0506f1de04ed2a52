package org.sparkeras.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkeras.losses.Loss;
import org.sparkeras.metrics.Metric;
import org.sparkeras.optimizers.Optimizer;

/**
 * The arguments of {@code compile}: optimizer, loss (one for all outputs or one per output),
 * loss_weights and metrics, each by Keras name or as an object.
 *
 * <pre>{@code
 * model.compile(Compile.optimizer(new SGD(1e-3)).loss("mse", "mse").lossWeights(0.9, 0.1));
 * }</pre>
 */
public final class Compile {
    private final Optimizer optimizer;
    private final List<Loss> losses = new ArrayList<>();
    private double[] lossWeights;
    private final List<Object> metrics = new ArrayList<>();
    private Map<String, Loss> lossByOutput;
    private Map<String, Double> lossWeightByOutput;
    private Map<String, List<Object>> metricsByOutput;

    private Compile(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    public static Compile optimizer(Optimizer optimizer) {
        return new Compile(optimizer);
    }

    /** An optimizer by Keras name with its defaults ("adam", "sgd", ...). */
    public static Compile optimizer(String name) {
        return new Compile(Optimizer.get(name));
    }

    /** One loss for every output, or one per output in output order. */
    public Compile loss(String... names) {
        for (String n : names) {
            losses.add(Loss.get(n));
        }
        return this;
    }

    public Compile loss(Loss... lossObjects) {
        losses.addAll(List.of(lossObjects));
        return this;
    }

    /** Weights of the per-output losses in the total loss, in output order. */
    public Compile lossWeights(double... weights) {
        this.lossWeights = weights.clone();
        return this;
    }

    /** Metrics by Keras name ("accuracy" resolves from the loss) or as objects, for every output. */
    public Compile metrics(Object... metricNamesOrObjects) {
        for (Object m : metricNamesOrObjects) {
            if (!(m instanceof String) && !(m instanceof Metric)) {
                throw new IllegalArgumentException("A metric must be a name or a Metric, received " + m);
            }
            metrics.add(m);
        }
        return this;
    }

    /** A loss per output name (a Keras name or a Loss object each). */
    public Compile loss(Map<String, ?> byOutput) {
        lossByOutput = new LinkedHashMap<>();
        byOutput.forEach((k, v) -> lossByOutput.put(k, v instanceof Loss l ? l : Loss.get(String.valueOf(v))));
        return this;
    }

    /** Loss weights by output name; outputs not named weigh 1. */
    public Compile lossWeights(Map<String, Double> byOutput) {
        lossWeightByOutput = new LinkedHashMap<>(byOutput);
        return this;
    }

    /** Metrics per output name (names or Metric objects). */
    public Compile metrics(Map<String, List<?>> byOutput) {
        metricsByOutput = new LinkedHashMap<>();
        byOutput.forEach((k, v) -> metricsByOutput.put(k, new ArrayList<>(v)));
        return this;
    }

    public Map<String, Loss> lossByOutput() {
        return lossByOutput;
    }

    public Map<String, Double> lossWeightByOutput() {
        return lossWeightByOutput;
    }

    public Map<String, List<Object>> metricsByOutput() {
        return metricsByOutput;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public List<Loss> losses() {
        return List.copyOf(losses);
    }

    public double[] lossWeights() {
        return lossWeights == null ? null : lossWeights.clone();
    }

    public List<Object> metrics() {
        return List.copyOf(metrics);
    }
}
