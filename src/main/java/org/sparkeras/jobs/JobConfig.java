package org.sparkeras.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A training job's configuration file (YAML), as typed values. Unknown keys are rejected when the
 * file is read, naming the key and its location (see {@link ConfigReader}).
 *
 * <pre>
 * model:    {type: sequential, input_shape: [28, 28], layers: [{class_name: Dense, units: 10, ...}]}
 * data:     {source: mnist, path: data/mnist, validation_samples: 5000, train_limit: 0, test_limit: 0}
 * training: {optimizer: {name: adam, learning_rate: 0.001}, loss: ..., metrics: [...], epochs: 20,
 *            batch_size: 32, seed: 42, verbose: 1}
 * </pre>
 */
public record JobConfig(
        @JsonProperty("description") String description,
        @JsonProperty("model") ModelSpec model,
        @JsonProperty("data") DataSpec data,
        @JsonProperty("training") TrainingSpec training) {

    /** The architecture: a Sequential stack of layers in Keras's class_name/config form. */
    public record ModelSpec(
            @JsonProperty("type") String type,
            @JsonProperty("name") String name,
            @JsonProperty("input_shape") List<Long> inputShape,
            @JsonProperty("layers") List<Map<String, Object>> layers) {}

    /** Where the data comes from and how it is split. */
    public record DataSpec(
            @JsonProperty("source") String source,
            @JsonProperty("path") String path,
            @JsonProperty("validation_samples") Integer validationSamples,
            @JsonProperty("train_limit") Integer trainLimit,
            @JsonProperty("test_limit") Integer testLimit) {}

    /** compile and fit arguments. */
    public record TrainingSpec(
            @JsonProperty("optimizer") Map<String, Object> optimizer,
            @JsonProperty("loss") String loss,
            @JsonProperty("metrics") List<String> metrics,
            @JsonProperty("epochs") Integer epochs,
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("seed") Long seed,
            @JsonProperty("verbose") Integer verbose) {}
}
