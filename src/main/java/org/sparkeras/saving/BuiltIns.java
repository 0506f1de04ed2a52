package org.sparkeras.saving;

import static org.sparkeras.saving.Registry.Kind.ACTIVATION;
import static org.sparkeras.saving.Registry.Kind.INITIALIZER;
import static org.sparkeras.saving.Registry.Kind.LAYER;
import static org.sparkeras.saving.Registry.Kind.REGULARIZER;

import java.util.Map;
import org.sparkeras.activations.ActivationFunction;
import org.sparkeras.initializers.Constant;
import org.sparkeras.initializers.GlorotNormal;
import org.sparkeras.initializers.GlorotUniform;
import org.sparkeras.initializers.HeNormal;
import org.sparkeras.initializers.HeUniform;
import org.sparkeras.initializers.LecunNormal;
import org.sparkeras.initializers.RandomNormal;
import org.sparkeras.initializers.RandomUniform;
import org.sparkeras.initializers.VarianceScaling;
import org.sparkeras.layers.Activation;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Dropout;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Reshape;
import org.sparkeras.regularizers.L1;
import org.sparkeras.regularizers.L1L2;
import org.sparkeras.regularizers.L2;

/** The built-in entries of the {@link Registry}, with the Keras names and aliases. */
final class BuiltIns {
    private BuiltIns() {}

    static void registerAll() {
        activations();
        initializers();
        regularizers();
        layers();
        BuiltInsTraining.registerAll();
    }

    private static void activations() {
        Registry.register(ACTIVATION, "linear", c -> ActivationFunction.LINEAR);
        Registry.register(ACTIVATION, "relu", c -> ActivationFunction.RELU);
        Registry.register(ACTIVATION, "sigmoid", c -> ActivationFunction.SIGMOID);
        Registry.register(ACTIVATION, "tanh", c -> ActivationFunction.TANH);
        Registry.register(ACTIVATION, "softmax", c -> ActivationFunction.SOFTMAX);
        Registry.register(ACTIVATION, "selu", c -> ActivationFunction.SELU);
        Registry.register(ACTIVATION, "softplus", c -> ActivationFunction.SOFTPLUS);
        Registry.register(ACTIVATION, "elu", c -> ActivationFunction.elu(num(c, "alpha", 1.0)));
        Registry.register(ACTIVATION, "leaky_relu", c -> ActivationFunction.leakyRelu(num(c, "negative_slope", 0.2)));
        Registry.register(ACTIVATION, "gelu", c -> ActivationFunction.gelu(bool(c, "approximate", false)));
    }

    private static void initializers() {
        Registry.register(INITIALIZER, "glorot_uniform", c -> new GlorotUniform(seed(c)));
        Registry.register(INITIALIZER, "glorot_normal", c -> new GlorotNormal(seed(c)));
        Registry.register(INITIALIZER, "he_uniform", c -> new HeUniform(seed(c)));
        Registry.register(INITIALIZER, "he_normal", c -> new HeNormal(seed(c)));
        Registry.register(INITIALIZER, "lecun_normal", c -> new LecunNormal(seed(c)));
        Registry.register(INITIALIZER, "zeros", c -> Constant.zeros());
        Registry.register(INITIALIZER, "ones", c -> Constant.ones());
        Registry.register(INITIALIZER, "constant", c -> new Constant(num(c, "value", 0.0)));
        Registry.register(INITIALIZER, "random_normal",
                c -> new RandomNormal(num(c, "mean", 0.0), num(c, "stddev", 0.05), seed(c)));
        Registry.register(INITIALIZER, "random_uniform",
                c -> new RandomUniform(num(c, "minval", -0.05), num(c, "maxval", 0.05), seed(c)));
        Registry.register(INITIALIZER, "variance_scaling", c -> new VarianceScaling(num(c, "scale", 1.0),
                str(c, "mode", "fan_in"), str(c, "distribution", "truncated_normal"), seed(c)));
    }

    private static void regularizers() {
        Registry.register(REGULARIZER, "l1", c -> new L1(num(c, "l1", 0.01)));
        Registry.register(REGULARIZER, "l2", c -> new L2(num(c, "l2", 0.01)));
        Registry.register(REGULARIZER, "l1_l2", c -> new L1L2(num(c, "l1", 0.0), num(c, "l2", 0.0)));
    }

    private static void layers() {
        Registry.register(LAYER, "Dense", c -> {
            checkKeys("Dense", c, "name", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                    "kernel_regularizer", "bias_regularizer", "trainable", "dtype", "batch_input_shape");
            if (!(c.get("units") instanceof Number)) {
                throw new IllegalArgumentException("Layer Dense needs \"units\" (a positive integer), received "
                        + c.get("units"));
            }
            Dense d = new Dense(((Number) c.get("units")).intValue());
            if (c.get("activation") != null) {
                d.activation(str(c, "activation", "linear"));
            }
            d.useBias(bool(c, "use_bias", true));
            if (c.get("kernel_initializer") != null) {
                d.kernelInitializer(object(INITIALIZER, c.get("kernel_initializer"), org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("bias_initializer") != null) {
                d.biasInitializer(object(INITIALIZER, c.get("bias_initializer"), org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("kernel_regularizer") != null) {
                d.kernelRegularizer(object(REGULARIZER, c.get("kernel_regularizer"), org.sparkeras.regularizers.Regularizer.class));
            }
            if (c.get("bias_regularizer") != null) {
                d.biasRegularizer(object(REGULARIZER, c.get("bias_regularizer"), org.sparkeras.regularizers.Regularizer.class));
            }
            return common(d, c);
        });
        Registry.register(LAYER, "Flatten", c -> {
            checkKeys("Flatten", c, "name", "trainable", "dtype", "batch_input_shape");
            return common(new Flatten(), c);
        });
        Registry.register(LAYER, "Activation", c -> {
            checkKeys("Activation", c, "name", "activation", "trainable", "dtype", "batch_input_shape", "alpha",
                    "negative_slope", "approximate");
            Map<String, Object> args = new java.util.LinkedHashMap<>(c);
            for (String k : new String[] {"name", "activation", "trainable", "dtype", "batch_input_shape"}) {
                args.remove(k);
            }
            return common(new Activation(Registry.create(ACTIVATION, str(c, "activation", "linear"), args,
                    ActivationFunction.class)), c);
        });
        Registry.register(LAYER, "Dropout", c -> {
            checkKeys("Dropout", c, "name", "rate", "seed", "trainable", "dtype", "batch_input_shape");
            return common(new Dropout(num(c, "rate", Double.NaN), seed(c)), c);
        });
        Registry.register(LAYER, "InputLayer", c -> {
            checkKeys("InputLayer", c, "name", "trainable", "dtype", "batch_input_shape");
            java.util.List<?> l = (java.util.List<?>) c.get("batch_input_shape");
            return common(new org.sparkeras.layers.InputLayer(l.stream().skip(1).mapToLong(x -> ((Number) x).longValue()).toArray()), c);
        });
        Registry.register(LAYER, "Reshape", c -> {
            checkKeys("Reshape", c, "name", "target_shape", "trainable", "dtype", "batch_input_shape");
            Object t = c.get("target_shape");
            if (!(t instanceof java.util.List<?> l) || l.isEmpty()) {
                throw new IllegalArgumentException("Layer Reshape needs \"target_shape\" (a list of integers), received " + t);
            }
            return common(new Reshape(l.stream().mapToLong(v -> ((Number) v).longValue()).toArray()), c);
        });
        for (String merge : new String[] {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"}) {
            Registry.register(LAYER, merge, c -> {
                checkKeys(merge, c, "name", "trainable", "dtype", "batch_input_shape");
                Layer layer = switch (merge) {
                    case "Add" -> new org.sparkeras.layers.Add();
                    case "Subtract" -> new org.sparkeras.layers.Subtract();
                    case "Multiply" -> new org.sparkeras.layers.Multiply();
                    case "Average" -> new org.sparkeras.layers.Average();
                    case "Maximum" -> new org.sparkeras.layers.Maximum();
                    default -> new org.sparkeras.layers.Minimum();
                };
                return common(layer, c);
            });
        }
        Registry.register(LAYER, "Concatenate", c -> {
            checkKeys("Concatenate", c, "name", "axis", "trainable", "dtype", "batch_input_shape");
            return common(new org.sparkeras.layers.Concatenate(integer(c, "axis", -1)), c);
        });
        Registry.register(LAYER, "Dot", c -> {
            checkKeys("Dot", c, "name", "axes", "normalize", "trainable", "dtype", "batch_input_shape");
            Object axes = c.get("axes");
            org.sparkeras.layers.Dot dot;
            if (axes instanceof Number n) {
                dot = new org.sparkeras.layers.Dot(n.intValue());
            } else if (axes instanceof java.util.List<?> l && l.size() == 2 && l.get(0) instanceof Number a
                    && l.get(1) instanceof Number b) {
                dot = new org.sparkeras.layers.Dot(a.intValue(), b.intValue());
            } else {
                throw new IllegalArgumentException("Layer Dot needs \"axes\" (an integer or a list of 2 integers), received "
                        + axes);
            }
            return common(dot.normalize(bool(c, "normalize", false)), c);
        });
        Registry.register(LAYER, "Normalization", c -> {
            checkKeys("Normalization", c, "name", "axis", "mean", "variance", "invert", "trainable", "dtype",
                    "batch_input_shape");
            Object axis = c.containsKey("axis") ? c.get("axis") : -1;
            if (axis instanceof java.util.List<?> l && l.size() == 1) {
                axis = l.get(0);
            }
            if (!(axis instanceof Number)) {
                throw new IllegalArgumentException("Layer Normalization supports one feature axis: \"axis\" must be an "
                        + "integer or a list of 1 integer, received " + axis);
            }
            org.sparkeras.layers.Normalization n = new org.sparkeras.layers.Normalization(((Number) axis).intValue());
            if (c.get("mean") != null) {
                n.mean(numbers(c, "mean"));
            }
            if (c.get("variance") != null) {
                n.variance(numbers(c, "variance"));
            }
            n.invert(bool(c, "invert", false));
            return common(n, c);
        });
        Registry.register(LAYER, "BatchNormalization", c -> {
            checkKeys("BatchNormalization", c, "name", "axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
                    "gamma_regularizer", "trainable", "dtype", "batch_input_shape");
            org.sparkeras.layers.BatchNormalization bn = new org.sparkeras.layers.BatchNormalization()
                    .axis(integer(c, "axis", -1))
                    .momentum(num(c, "momentum", 0.99))
                    .epsilon(num(c, "epsilon", 1e-3))
                    .center(bool(c, "center", true))
                    .scale(bool(c, "scale", true));
            if (c.get("beta_initializer") != null) {
                bn.betaInitializer(object(INITIALIZER, c.get("beta_initializer"), org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("gamma_initializer") != null) {
                bn.gammaInitializer(object(INITIALIZER, c.get("gamma_initializer"), org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("moving_mean_initializer") != null) {
                bn.movingMeanInitializer(object(INITIALIZER, c.get("moving_mean_initializer"),
                        org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("moving_variance_initializer") != null) {
                bn.movingVarianceInitializer(object(INITIALIZER, c.get("moving_variance_initializer"),
                        org.sparkeras.initializers.Initializer.class));
            }
            if (c.get("beta_regularizer") != null) {
                bn.betaRegularizer(object(REGULARIZER, c.get("beta_regularizer"), org.sparkeras.regularizers.Regularizer.class));
            }
            if (c.get("gamma_regularizer") != null) {
                bn.gammaRegularizer(object(REGULARIZER, c.get("gamma_regularizer"), org.sparkeras.regularizers.Regularizer.class));
            }
            return common(bn, c);
        });
    }

    @SuppressWarnings("unchecked")
    static <T> T object(Registry.Kind kind, Object v, Class<T> type) {
        if (v instanceof Map<?, ?> m) {
            Object cfg = m.get("config");
            return Registry.create(kind, m.get("class_name").toString(), cfg == null ? Map.of() : (Map<String, Object>) cfg, type);
        }
        return Registry.get(kind, v.toString(), type);
    }

    private static Layer common(Layer layer, Map<String, Object> c) {
        if ("float64".equals(c.get("dtype"))) {
            layer.dtype(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        }
        if (c.get("batch_input_shape") instanceof java.util.List<?> l && !(layer instanceof org.sparkeras.layers.InputLayer)) {
            layer.inputShape(l.stream().skip(1).mapToLong(x -> ((Number) x).longValue()).toArray());
        }
        if (c.get("name") != null) {
            layer.named(c.get("name").toString());
        }
        if (c.get("trainable") != null) {
            layer.setTrainable(bool(c, "trainable", true));
        }
        return layer;
    }

    /** Rejects configuration keys a type does not have, naming the key and listing the known ones. */
    static void checkKeys(String type, Map<String, Object> c, String... known) {
        java.util.Set<String> k = new java.util.TreeSet<>(java.util.List.of(known));
        for (String key : c.keySet()) {
            if (!k.contains(key) && !key.equals("class_name")) {
                throw new IllegalArgumentException("Unknown argument \"" + key + "\" for " + type + "; known arguments: "
                        + String.join(", ", k));
            }
        }
    }

    static double num(Map<String, Object> c, String key, double dflt) {
        Object v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("Argument \"" + key + "\" must be a number, received " + v);
    }

    static boolean bool(Map<String, Object> c, String key, boolean dflt) {
        Object v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("Argument \"" + key + "\" must be true or false, received " + v);
    }

    static String str(Map<String, Object> c, String key, String dflt) {
        Object v = c.get(key);
        return v == null ? dflt : v.toString();
    }

    /** An integer argument of a layer registered in {@link #layers()}. */
    static int integer(Map<String, Object> c, String key, int dflt) {
        Object v = c.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new IllegalArgumentException("Argument \"" + key + "\" must be an integer, received " + v);
    }

    /** A number or a list of numbers, as Keras stores Normalization's mean and variance. */
    static double[] numbers(Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (v instanceof Number n) {
            return new double[] {n.doubleValue()};
        }
        if (v instanceof java.util.List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Number)) {
            return l.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        }
        throw new IllegalArgumentException("Argument \"" + key + "\" must be a number or a list of numbers, received " + v);
    }

    static Long seed(Map<String, Object> c) {
        Object v = c.get("seed");
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("Argument \"seed\" must be an integer, received " + v);
    }
}
