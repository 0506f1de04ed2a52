package org.sparkeras.saving;

import static org.sparkeras.saving.Registry.Kind.ACTIVATION;
import static org.sparkeras.saving.Registry.Kind.INITIALIZER;
import static org.sparkeras.saving.Registry.Kind.REGULARIZER;

import java.util.Map;
import org.sparkeras.activations.Activation;
import org.sparkeras.initializers.Constant;
import org.sparkeras.initializers.GlorotNormal;
import org.sparkeras.initializers.GlorotUniform;
import org.sparkeras.initializers.HeNormal;
import org.sparkeras.initializers.HeUniform;
import org.sparkeras.initializers.LecunNormal;
import org.sparkeras.initializers.RandomNormal;
import org.sparkeras.initializers.RandomUniform;
import org.sparkeras.initializers.VarianceScaling;
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
        BuiltInsTraining.registerAll();
    }

    private static void activations() {
        Registry.register(ACTIVATION, "linear", c -> Activation.LINEAR);
        Registry.register(ACTIVATION, "relu", c -> Activation.RELU);
        Registry.register(ACTIVATION, "sigmoid", c -> Activation.SIGMOID);
        Registry.register(ACTIVATION, "tanh", c -> Activation.TANH);
        Registry.register(ACTIVATION, "softmax", c -> Activation.SOFTMAX);
        Registry.register(ACTIVATION, "selu", c -> Activation.SELU);
        Registry.register(ACTIVATION, "softplus", c -> Activation.SOFTPLUS);
        Registry.register(ACTIVATION, "elu", c -> Activation.elu(num(c, "alpha", 1.0)));
        Registry.register(ACTIVATION, "leaky_relu", c -> Activation.leakyRelu(num(c, "negative_slope", 0.2)));
        Registry.register(ACTIVATION, "gelu", c -> Activation.gelu(bool(c, "approximate", false)));
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
