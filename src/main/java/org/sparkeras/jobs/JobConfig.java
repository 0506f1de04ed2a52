package org.sparkeras.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A training job's configuration file (YAML), as typed values. Unknown keys are rejected when the
 * file is read, naming the key and its location (see {@link ConfigReader}).
 *
 * <pre>
 * model:    {type: sequential, input_shape: [28, 28], layers: [{class_name: Dense, units: 10, ...}]}
 *           {type: functional, inputs: [{name: wide_input, shape: [5]}], layers: [{..., inbound: [wide_input]}],
 *            outputs: [main_output]}
 *           {type: subclass, class_name: WideAndDeepModel, args: {units: 30}}
 * data:     {source: mnist | california_housing, path: ..., validation_samples: 5000,
 *            inputs: {wide_input: [0, 5]}}
 * training: {optimizer: {name: sgd, learning_rate: 0.001}, loss: mse | [mse, mse] | {main_output: mse},
 *            loss_weights: [0.9, 0.1], metrics: [...], epochs: 20, batch_size: 32, seed: 42, verbose: 1,
 *            spark: {batch_size: 16, averaging_frequency: 256, partitions: 4, average_optimizer_state: true, aggregation_depth: 1,
 *                    storage_level: MEMORY_AND_DISK, streaming: false, on_non_finite: stop}}
 * </pre>
 *
 * <p>{@code training.spark} is used only when the job trains on Spark ({@code --master}, or under
 * spark-submit); {@code batch_size} is then the batch of each worker.
 */
public record JobConfig(
        @JsonProperty("description") String description,
        @JsonProperty("model") ModelSpec model,
        @JsonProperty("data") DataSpec data,
        @JsonProperty("training") TrainingSpec training) {

    /** The architecture: a Sequential stack, a functional graph or a registered subclassed model. */
    public record ModelSpec(
            @JsonProperty("type") String type,
            @JsonProperty("name") String name,
            @JsonProperty("input_shape") List<Long> inputShape,
            @JsonProperty("inputs") List<InputSpec> inputs,
            @JsonProperty("layers") List<Map<String, Object>> layers,
            @JsonProperty("outputs") List<String> outputs,
            @JsonProperty("class_name") String className,
            @JsonProperty("args") Map<String, Object> args) {}

    /** A functional model input. */
    public record InputSpec(@JsonProperty("name") String name, @JsonProperty("shape") List<Long> shape) {}

    /** Where the data comes from and how it is split and fed. */
    public record DataSpec(
            @JsonProperty("source") String source,
            @JsonProperty("path") String path,
            @JsonProperty("validation_samples") Integer validationSamples,
            @JsonProperty("train_limit") Integer trainLimit,
            @JsonProperty("test_limit") Integer testLimit,
            @JsonProperty("inputs") Map<String, List<Integer>> inputs) {}

    /** compile and fit arguments. */
    public record TrainingSpec(
            @JsonProperty("optimizer") Map<String, Object> optimizer,
            @JsonProperty("loss") Object loss,
            @JsonProperty("loss_weights") Object lossWeights,
            @JsonProperty("metrics") List<String> metrics,
            @JsonProperty("epochs") Integer epochs,
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("seed") Long seed,
            @JsonProperty("verbose") Integer verbose,
            @JsonProperty("spark") @JsonInclude(JsonInclude.Include.NON_NULL) SparkSpec spark) {}

    /**
     * Data-parallel training settings (see {@code org.sparkeras.spark.SparkTrainer}); every key is
     * optional. {@code batch_size} is the batch of each worker (default: {@code training.batch_size});
     * {@code partitions} defaults to the Spark context's default parallelism,
     * {@code storage_level} is a name of {@code org.apache.spark.storage.StorageLevel}.
     */
    public record SparkSpec(
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("averaging_frequency") Integer averagingFrequency,
            @JsonProperty("partitions") Integer partitions,
            @JsonProperty("average_optimizer_state") Boolean averageOptimizerState,
            @JsonProperty("aggregation_depth") Integer aggregationDepth,
            @JsonProperty("storage_level") String storageLevel,
            @JsonProperty("streaming") Boolean streaming,
            @JsonProperty("on_non_finite") String onNonFinite) {}
}
