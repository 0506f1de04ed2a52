package org.sparkeras.saving;

import java.util.Map;
import java.util.function.BiFunction;
import org.sparkeras.optimizers.Adagrad;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.optimizers.Adamax;
import org.sparkeras.optimizers.Nadam;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.optimizers.RMSprop;
import org.sparkeras.optimizers.SGD;

/**
 * The built-in losses, metrics, optimizers and callbacks of the {@link Registry}, with Keras names and
 * aliases. Uses the helpers of {@link BuiltIns} for reading configuration values.
 */
final class BuiltInsTraining {
    private BuiltInsTraining() {}

    static void registerAll() {
        losses();
        metrics();
        optimizers();
        callbacks();
    }

    private static void losses() {
        // Fully qualified: losses and metrics share class names (MeanSquaredError, ...).
        Registry.register(Registry.Kind.LOSS, "sparse_categorical_crossentropy",
                c -> new org.sparkeras.losses.SparseCategoricalCrossentropy(BuiltIns.bool(c, "from_logits", false)));
        Registry.register(Registry.Kind.LOSS, "categorical_crossentropy",
                c -> new org.sparkeras.losses.CategoricalCrossentropy(BuiltIns.bool(c, "from_logits", false)));
        Registry.register(Registry.Kind.LOSS, "binary_crossentropy",
                c -> new org.sparkeras.losses.BinaryCrossentropy(BuiltIns.bool(c, "from_logits", false)));
        Registry.register(Registry.Kind.LOSS, "mean_squared_error",
                c -> new org.sparkeras.losses.MeanSquaredError(), "mse");
        Registry.register(Registry.Kind.LOSS, "mean_absolute_error",
                c -> new org.sparkeras.losses.MeanAbsoluteError(), "mae");
        Registry.register(Registry.Kind.LOSS, "huber",
                c -> new org.sparkeras.losses.Huber(BuiltIns.num(c, "delta", 1.0)), "huber_loss");
    }

    private static void metrics() {
        // An integer argument; a fractional value is refused rather than truncated.
        interface IntArg {
            int get(Map<String, Object> c, String key, int dflt);
        }
        IntArg intArg = (c, key, dflt) -> {
            double v = BuiltIns.num(c, key, dflt);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Argument \"" + key + "\" must be an integer, received " + c.get(key));
            }
            return (int) v;
        };
        Registry.register(Registry.Kind.METRIC, "accuracy",
                c -> org.sparkeras.metrics.Metrics.accuracy(BuiltIns.str(c, "name", "accuracy"), null), "acc");
        Registry.register(Registry.Kind.METRIC, "sparse_categorical_accuracy",
                c -> new org.sparkeras.metrics.SparseCategoricalAccuracy(
                        BuiltIns.str(c, "name", "sparse_categorical_accuracy")));
        Registry.register(Registry.Kind.METRIC, "categorical_accuracy",
                c -> new org.sparkeras.metrics.CategoricalAccuracy(BuiltIns.str(c, "name", "categorical_accuracy")));
        Registry.register(Registry.Kind.METRIC, "binary_accuracy",
                c -> new org.sparkeras.metrics.BinaryAccuracy(BuiltIns.str(c, "name", "binary_accuracy"))
                        .threshold(BuiltIns.num(c, "threshold", 0.5)));
        Registry.register(Registry.Kind.METRIC, "top_k_categorical_accuracy",
                c -> new org.sparkeras.metrics.TopKCategoricalAccuracy(
                        BuiltIns.str(c, "name", "top_k_categorical_accuracy")).k(intArg.get(c, "k", 5)));
        Registry.register(Registry.Kind.METRIC, "sparse_top_k_categorical_accuracy",
                c -> new org.sparkeras.metrics.SparseTopKCategoricalAccuracy(
                        BuiltIns.str(c, "name", "sparse_top_k_categorical_accuracy")).k(intArg.get(c, "k", 5)));
        Registry.register(Registry.Kind.METRIC, "precision",
                c -> new org.sparkeras.metrics.Precision(BuiltIns.str(c, "name", "precision"))
                        .thresholds(BuiltIns.num(c, "thresholds", 0.5)));
        Registry.register(Registry.Kind.METRIC, "recall",
                c -> new org.sparkeras.metrics.Recall(BuiltIns.str(c, "name", "recall"))
                        .thresholds(BuiltIns.num(c, "thresholds", 0.5)));
        Registry.register(Registry.Kind.METRIC, "auc", c -> {
            String curve = BuiltIns.str(c, "curve", "ROC");
            if (!curve.equalsIgnoreCase("ROC")) {
                throw new IllegalArgumentException("Metric \"auc\": curve \"" + curve
                        + "\" is not supported; supported curves: ROC");
            }
            if (BuiltIns.bool(c, "multi_label", false)) {
                throw new IllegalArgumentException("Metric \"auc\": argument \"multi_label\" is not supported, "
                        + "expected false, received true");
            }
            return new org.sparkeras.metrics.AUC(BuiltIns.str(c, "name", "auc"))
                    .numThresholds(intArg.get(c, "num_thresholds", 200))
                    .summationMethod(BuiltIns.str(c, "summation_method", "interpolation"));
        });
        Registry.register(Registry.Kind.METRIC, "mean_squared_error",
                c -> new org.sparkeras.metrics.MeanSquaredError(BuiltIns.str(c, "name", "mean_squared_error")), "mse");
        Registry.register(Registry.Kind.METRIC, "mean_absolute_error",
                c -> new org.sparkeras.metrics.MeanAbsoluteError(BuiltIns.str(c, "name", "mean_absolute_error")), "mae");
        Registry.register(Registry.Kind.METRIC, "root_mean_squared_error",
                c -> new org.sparkeras.metrics.RootMeanSquaredError(BuiltIns.str(c, "name", "root_mean_squared_error")),
                "rmse");
        Registry.register(Registry.Kind.METRIC, "mean",
                c -> new org.sparkeras.metrics.Mean(BuiltIns.str(c, "name", "mean")));
    }

    /** The configuration keys each optimizer accepts (Keras names). */
    private static String[] optimizerKeys(String optimizer) {
        java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("name", "learning_rate", "clipnorm",
                "clipvalue", "global_clipnorm", "weight_decay", "loss_scale_factor", "gradient_accumulation_steps",
                "use_ema", "ema_momentum", "ema_overwrite_frequency"));
        keys.addAll(switch (optimizer) {
            case "sgd" -> java.util.List.of("momentum", "nesterov");
            case "adam" -> java.util.List.of("beta_1", "beta_2", "epsilon", "amsgrad");
            case "rmsprop" -> java.util.List.of("rho", "momentum", "epsilon", "centered");
            case "adagrad" -> java.util.List.of("initial_accumulator_value", "epsilon");
            default -> java.util.List.of("beta_1", "beta_2", "epsilon");
        });
        return keys.toArray(new String[0]);
    }

    private static void optimizers() {
        BiFunction<Optimizer, Map<String, Object>, Optimizer> common = (o, c) -> {
            BuiltIns.checkKeys("optimizer " + o.name(), c, optimizerKeys(o.name()));
            // silently ignoring these would train differently from the Keras configuration
            for (String key : new String[] {"weight_decay", "loss_scale_factor", "gradient_accumulation_steps"}) {
                if (c.get(key) != null) {
                    throw new IllegalArgumentException(o.name() + ": argument \"" + key
                            + "\" is not supported, expected null, received " + c.get(key));
                }
            }
            if (BuiltIns.bool(c, "use_ema", false)) {
                throw new IllegalArgumentException(o.name() + ": argument \"use_ema\" is not supported, expected "
                        + "false, received true");
            }
            if (c.get("clipnorm") != null) {
                o.clipnorm(BuiltIns.num(c, "clipnorm", 0));
            }
            if (c.get("clipvalue") != null) {
                o.clipvalue(BuiltIns.num(c, "clipvalue", 0));
            }
            if (c.get("global_clipnorm") != null) {
                o.globalClipnorm(BuiltIns.num(c, "global_clipnorm", 0));
            }
            return o;
        };
        Registry.register(Registry.Kind.OPTIMIZER, "sgd", c -> common.apply(
                new SGD(BuiltIns.num(c, "learning_rate", 0.01))
                        .momentum(BuiltIns.num(c, "momentum", 0.0))
                        .nesterov(BuiltIns.bool(c, "nesterov", false)), c));
        Registry.register(Registry.Kind.OPTIMIZER, "adam", c -> common.apply(
                new Adam(BuiltIns.num(c, "learning_rate", 0.001))
                        .beta1(BuiltIns.num(c, "beta_1", 0.9))
                        .beta2(BuiltIns.num(c, "beta_2", 0.999))
                        .epsilon(BuiltIns.num(c, "epsilon", 1e-7))
                        .amsgrad(BuiltIns.bool(c, "amsgrad", false)), c));
        Registry.register(Registry.Kind.OPTIMIZER, "rmsprop", c -> common.apply(
                new RMSprop(BuiltIns.num(c, "learning_rate", 0.001))
                        .rho(BuiltIns.num(c, "rho", 0.9))
                        .momentum(BuiltIns.num(c, "momentum", 0.0))
                        .epsilon(BuiltIns.num(c, "epsilon", 1e-7))
                        .centered(BuiltIns.bool(c, "centered", false)), c));
        Registry.register(Registry.Kind.OPTIMIZER, "adagrad", c -> common.apply(
                new Adagrad(BuiltIns.num(c, "learning_rate", 0.001))
                        .initialAccumulatorValue(BuiltIns.num(c, "initial_accumulator_value", 0.1))
                        .epsilon(BuiltIns.num(c, "epsilon", 1e-7)), c));
        Registry.register(Registry.Kind.OPTIMIZER, "adamax", c -> common.apply(
                new Adamax(BuiltIns.num(c, "learning_rate", 0.001))
                        .beta1(BuiltIns.num(c, "beta_1", 0.9))
                        .beta2(BuiltIns.num(c, "beta_2", 0.999))
                        .epsilon(BuiltIns.num(c, "epsilon", 1e-7)), c));
        Registry.register(Registry.Kind.OPTIMIZER, "nadam", c -> common.apply(
                new Nadam(BuiltIns.num(c, "learning_rate", 0.001))
                        .beta1(BuiltIns.num(c, "beta_1", 0.9))
                        .beta2(BuiltIns.num(c, "beta_2", 0.999))
                        .epsilon(BuiltIns.num(c, "epsilon", 1e-7)), c));
    }

    /** A nullable number argument: null (or absent) stays null. */
    private static Double nullableNum(Map<String, Object> c, String key) {
        return c.get(key) == null ? null : BuiltIns.num(c, key, 0);
    }

    /** A required string argument. */
    private static String required(String type, Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (v == null) {
            throw new IllegalArgumentException(type + ": missing required argument \"" + key + "\"");
        }
        return v.toString();
    }

    /** "epoch"/"batch" stay strings; an integral number becomes an Integer; anything else is refused. */
    private static Object freq(Map<String, Object> c, String key, String dflt) {
        Object v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        return BuiltIns.integer(c, key, 0);
    }

    /**
     * The built-in callbacks, with Keras 3's class names and argument names, read back from
     * {@code getConfig()}. LearningRateScheduler and LambdaCallback hold Java functions, which are not
     * configuration values: their names are registered so that a configuration naming them fails
     * with that reason rather than as an unknown callback.
     */
    private static void callbacks() {
        Registry.register(Registry.Kind.CALLBACK, "EarlyStopping", c -> {
            BuiltIns.checkKeys("callback EarlyStopping", c, "monitor", "min_delta", "patience", "verbose", "mode",
                    "baseline", "restore_best_weights", "start_from_epoch");
            return new org.sparkeras.callbacks.EarlyStopping()
                    .monitor(BuiltIns.str(c, "monitor", "val_loss"))
                    .minDelta(BuiltIns.num(c, "min_delta", 0))
                    .patience(BuiltIns.integer(c, "patience", 0))
                    .verbose(BuiltIns.integer(c, "verbose", 0))
                    .mode(BuiltIns.str(c, "mode", "auto"))
                    .baseline(nullableNum(c, "baseline"))
                    .restoreBestWeights(BuiltIns.bool(c, "restore_best_weights", false))
                    .startFromEpoch(BuiltIns.integer(c, "start_from_epoch", 0));
        });
        Registry.register(Registry.Kind.CALLBACK, "ModelCheckpoint", c -> {
            BuiltIns.checkKeys("callback ModelCheckpoint", c, "filepath", "monitor", "verbose", "save_best_only",
                    "save_weights_only", "mode", "save_freq", "initial_value_threshold");
            Object saveFreq = freq(c, "save_freq", "epoch");
            if (!"epoch".equals(saveFreq)) {
                throw new IllegalArgumentException("ModelCheckpoint: save_freq must be \"epoch\" (saving every N "
                        + "batches is not supported), received " + saveFreq);
            }
            return new org.sparkeras.callbacks.ModelCheckpoint(required("ModelCheckpoint", c, "filepath"))
                    .monitor(BuiltIns.str(c, "monitor", "val_loss"))
                    .verbose(BuiltIns.integer(c, "verbose", 0))
                    .saveBestOnly(BuiltIns.bool(c, "save_best_only", false))
                    .saveWeightsOnly(BuiltIns.bool(c, "save_weights_only", false))
                    .mode(BuiltIns.str(c, "mode", "auto"))
                    .saveFreq("epoch")
                    .initialValueThreshold(nullableNum(c, "initial_value_threshold"));
        });
        Registry.register(Registry.Kind.CALLBACK, "CSVLogger", c -> {
            BuiltIns.checkKeys("callback CSVLogger", c, "filename", "separator", "append");
            return new org.sparkeras.callbacks.CSVLogger(required("CSVLogger", c, "filename"))
                    .separator(BuiltIns.str(c, "separator", ","))
                    .append(BuiltIns.bool(c, "append", false));
        });
        Registry.register(Registry.Kind.CALLBACK, "TensorBoard", c -> {
            BuiltIns.checkKeys("callback TensorBoard", c, "log_dir", "update_freq", "write_steps_per_second");
            org.sparkeras.callbacks.TensorBoard tb = new org.sparkeras.callbacks.TensorBoard(
                    BuiltIns.str(c, "log_dir", "logs"));
            Object updateFreq = freq(c, "update_freq", "epoch");
            if (updateFreq instanceof Integer n) {
                tb.updateFreq(n);
            } else {
                tb.updateFreq((String) updateFreq);
            }
            return tb.writeStepsPerSecond(BuiltIns.bool(c, "write_steps_per_second", false));
        });
        Registry.register(Registry.Kind.CALLBACK, "ReduceLROnPlateau", c -> {
            BuiltIns.checkKeys("callback ReduceLROnPlateau", c, "monitor", "factor", "patience", "verbose", "mode",
                    "min_delta", "cooldown", "min_lr");
            return new org.sparkeras.callbacks.ReduceLROnPlateau()
                    .monitor(BuiltIns.str(c, "monitor", "val_loss"))
                    .factor(BuiltIns.num(c, "factor", 0.1))
                    .patience(BuiltIns.integer(c, "patience", 10))
                    .verbose(BuiltIns.integer(c, "verbose", 0))
                    .mode(BuiltIns.str(c, "mode", "auto"))
                    .minDelta(BuiltIns.num(c, "min_delta", 1e-4))
                    .cooldown(BuiltIns.integer(c, "cooldown", 0))
                    .minLr(BuiltIns.num(c, "min_lr", 0.0));
        });
        Registry.register(Registry.Kind.CALLBACK, "TerminateOnNaN", c -> {
            BuiltIns.checkKeys("callback TerminateOnNaN", c);
            return new org.sparkeras.callbacks.TerminateOnNaN();
        });
        Registry.register(Registry.Kind.CALLBACK, "BackupAndRestore", c -> {
            BuiltIns.checkKeys("callback BackupAndRestore", c, "backup_dir", "save_freq", "delete_checkpoint");
            return new org.sparkeras.callbacks.BackupAndRestore(required("BackupAndRestore", c, "backup_dir"),
                    freq(c, "save_freq", "epoch"), BuiltIns.bool(c, "delete_checkpoint", true));
        });
        Registry.register(Registry.Kind.CALLBACK, "LearningRateScheduler", c -> {
            throw new IllegalArgumentException("LearningRateScheduler cannot be created from a configuration: its "
                    + "schedule is a Java function, which a configuration cannot hold; construct it in code");
        });
        Registry.register(Registry.Kind.CALLBACK, "LambdaCallback", c -> {
            throw new IllegalArgumentException("LambdaCallback cannot be created from a configuration: its hooks are "
                    + "Java functions, which a configuration cannot hold; construct it in code");
        });
    }
}
