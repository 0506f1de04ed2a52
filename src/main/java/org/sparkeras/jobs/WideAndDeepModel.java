package org.sparkeras.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.models.Model;

/**
 * The Wide & Deep network of Hands-On Machine Learning (chapter 10) written with the Subclassing
 * API: the deep input goes through two hidden layers, the wide input is concatenated with their
 * output for the main output, and an auxiliary output reads the deep path.
 *
 * <p>Inputs: wide_input, deep_input. Outputs: main_output, aux_output.
 */
public final class WideAndDeepModel extends Model {
    private final int units;
    private final String activation;
    private final Dense hidden1;
    private final Dense hidden2;
    private final Concatenate concat;
    private final Dense mainOutput;
    private final Dense auxOutput;

    public WideAndDeepModel(int units, String activation) {
        this.units = units;
        this.activation = activation;
        hidden1 = track(new Dense(units, activation));
        hidden2 = track(new Dense(units, activation));
        concat = track(new Concatenate());
        mainOutput = track(new Dense(1).named("main_output"));
        auxOutput = track(new Dense(1).named("aux_output"));
    }

    @Override
    public List<Tensor> call(List<Tensor> inputs, boolean training) {
        Tensor wide = inputs.get(0), deep = inputs.get(1);
        Tensor h1 = hidden1.apply(deep, training);
        Tensor h2 = hidden2.apply(h1, training);
        Tensor main = mainOutput.apply(concat.apply(List.of(wide, h2), training), training);
        Tensor aux = auxOutput.apply(h2, training);
        return List.of(main, aux);
    }

    /** The constructor arguments, so a registered factory can rebuild the model from a config. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        c.put("units", units);
        c.put("activation", activation);
        return c;
    }

    @Override
    public int inputCount() {
        return 2;
    }

    @Override
    public List<String> inputNames() {
        return List.of("wide_input", "deep_input");
    }

    @Override
    public List<String> outputNames() {
        return List.of("main_output", "aux_output");
    }
}
