package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.saving.Registry;

/** Resolution of optimizer names and configurations through the {@link Registry}. */
class OptimizerRegistryTest {
    private static Optimizer create(String name, Map<String, Object> config) {
        return Registry.create(Registry.Kind.OPTIMIZER, name, config, Optimizer.class);
    }

    @Test
    void namesResolveToTheirClassesWithDefaults() {
        assertInstanceOf(SGD.class, Optimizer.get("sgd"));
        assertInstanceOf(SGD.class, Optimizer.get("SGD"));
        assertInstanceOf(Adam.class, Optimizer.get("adam"));
        assertInstanceOf(RMSprop.class, Optimizer.get("RMSprop"));
        assertInstanceOf(Adagrad.class, Optimizer.get("Adagrad"));
        assertInstanceOf(Adamax.class, Optimizer.get("adamax"));
        assertInstanceOf(Nadam.class, Optimizer.get("nadam"));
        assertEquals(new SGD().getConfig(), Optimizer.get("sgd").getConfig());
        assertEquals(new Adam().getConfig(), Optimizer.get("adam").getConfig());
        assertEquals(new RMSprop().getConfig(), Optimizer.get("rmsprop").getConfig());
        assertEquals(new Adagrad().getConfig(), Optimizer.get("adagrad").getConfig());
        assertEquals(new Adamax().getConfig(), Optimizer.get("adamax").getConfig());
        assertEquals(new Nadam().getConfig(), Optimizer.get("nadam").getConfig());
    }

    @Test
    void unknownNameListsTheKnownOptimizers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizer.get("adma"));
        assertEquals("Unknown optimizer: \"adma\". Known optimizers: adagrad, adam, adamax, nadam, rmsprop, sgd",
                e.getMessage());
    }

    @Test
    void everyKerasKeyIsRead() {
        Map<String, Object> sgd = config("learning_rate", 0.1, "momentum", 0.9, "nesterov", true, "clipnorm", 1.5);
        assertEquals(sgd, subset(create("sgd", sgd).getConfig(), sgd));
        Map<String, Object> adam = config("learning_rate", 0.01, "beta_1", 0.8, "beta_2", 0.99, "epsilon", 1e-6,
                "amsgrad", true, "clipvalue", 0.5);
        assertEquals(adam, subset(create("adam", adam).getConfig(), adam));
        Map<String, Object> rms = config("learning_rate", 0.02, "rho", 0.7, "momentum", 0.3, "epsilon", 1e-5,
                "centered", true, "global_clipnorm", 2.0);
        assertEquals(rms, subset(create("rmsprop", rms).getConfig(), rms));
        Map<String, Object> adagrad = config("learning_rate", 0.03, "initial_accumulator_value", 0.5,
                "epsilon", 1e-4);
        assertEquals(adagrad, subset(create("adagrad", adagrad).getConfig(), adagrad));
        Map<String, Object> adamax = config("learning_rate", 0.04, "beta_1", 0.7, "beta_2", 0.95, "epsilon", 1e-3);
        assertEquals(adamax, subset(create("adamax", adamax).getConfig(), adamax));
        Map<String, Object> nadam = config("learning_rate", 0.05, "beta_1", 0.6, "beta_2", 0.9, "epsilon", 1e-2);
        assertEquals(nadam, subset(create("nadam", nadam).getConfig(), nadam));
    }

    @Test
    void getConfigRoundTrips() {
        for (Optimizer opt : List.of(new SGD(0.2).momentum(0.5).nesterov(true).clipvalue(3.0),
                new Adam(0.01).beta1(0.5).amsgrad(true).globalClipnorm(1.0), new RMSprop(0.1).centered(true),
                new Adagrad(0.2).initialAccumulatorValue(0.0), new Adamax(0.3).beta2(0.5).clipnorm(0.1),
                new Nadam(0.4).epsilon(1e-3))) {
            assertEquals(opt.getConfig(), create(opt.name(), opt.getConfig()).getConfig(), opt.name());
        }
    }

    @Test
    void integerValuesAreAccepted() {
        assertEquals(1.0, create("sgd", config("learning_rate", 1, "momentum", 0)).getConfig().get("learning_rate"));
    }

    @Test
    void invalidConfigurationsGiveClearMessages() {
        assertEquals("sgd: momentum must be in [0, 1], received 2.0",
                assertThrows(IllegalArgumentException.class, () -> create("sgd", config("momentum", 2.0)))
                        .getMessage());
        assertEquals("adam: beta_2 must be in [0, 1), received 1.0",
                assertThrows(IllegalArgumentException.class, () -> create("adam", config("beta_2", 1.0)))
                        .getMessage());
        assertEquals("Argument \"learning_rate\" must be a number, received fast",
                assertThrows(IllegalArgumentException.class, () -> create("nadam", config("learning_rate", "fast")))
                        .getMessage());
        assertEquals("rmsprop: only one of clipnorm, clipvalue and global_clipnorm can be set, received "
                + "clipnorm=1.0, clipvalue=2.0, global_clipnorm=null",
                assertThrows(IllegalArgumentException.class,
                        () -> create("rmsprop", config("clipnorm", 1.0, "clipvalue", 2.0))).getMessage());
        assertEquals("adam: argument \"weight_decay\" is not supported, expected null, received 0.004",
                assertThrows(IllegalArgumentException.class, () -> create("adam", config("weight_decay", 0.004)))
                        .getMessage());
        assertEquals("adamax: argument \"use_ema\" is not supported, expected false, received true",
                assertThrows(IllegalArgumentException.class, () -> create("adamax", config("use_ema", true)))
                        .getMessage());
    }

    @Test
    void kerasConfigWithNullsAndNameIsAccepted() {
        Map<String, Object> keras = config("name", "adam", "learning_rate", 0.001, "weight_decay", null,
                "clipnorm", null, "global_clipnorm", null, "clipvalue", null, "use_ema", false,
                "ema_momentum", 0.99, "ema_overwrite_frequency", null, "loss_scale_factor", null,
                "gradient_accumulation_steps", null, "beta_1", 0.9, "beta_2", 0.999, "epsilon", 1e-7,
                "amsgrad", false);
        assertEquals(new Adam().getConfig(), create("adam", keras).getConfig());
    }

    private static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> subset(Map<String, Object> all, Map<String, Object> keys) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : keys.keySet()) {
            m.put(k, all.get(k));
        }
        return m;
    }
}
