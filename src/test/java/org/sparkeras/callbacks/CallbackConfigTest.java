package org.sparkeras.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkeras.saving.Registry;

class CallbackConfigTest {
    /** A non-default instance of every registered, serializable callback with its getConfig. */
    private static Map<String, Callback> instances() {
        Map<String, Callback> m = new LinkedHashMap<>();
        m.put("EarlyStopping", new EarlyStopping().monitor("val_accuracy").minDelta(0.01).patience(3).verbose(1)
                .mode("max").baseline(0.5).restoreBestWeights(true).startFromEpoch(2));
        m.put("ModelCheckpoint", new ModelCheckpoint("ckpt/model-{epoch:02d}.keras").monitor("val_accuracy").verbose(1)
                .saveBestOnly(true).saveWeightsOnly(true).mode("max").initialValueThreshold(0.25));
        m.put("CSVLogger", new CSVLogger("train.log").separator(";").append(true));
        m.put("TensorBoard", new TensorBoard("runs/a").updateFreq(5).writeStepsPerSecond(true));
        m.put("ReduceLROnPlateau", new ReduceLROnPlateau().monitor("loss").factor(0.5).patience(2).verbose(1)
                .mode("min").minDelta(0.001).cooldown(1).minLr(1e-5));
        m.put("TerminateOnNaN", new TerminateOnNaN());
        m.put("BackupAndRestore", new BackupAndRestore("backup", 7, false));
        return m;
    }

    private static Map<String, Object> config(Callback cb) {
        if (cb instanceof EarlyStopping c) {
            return c.getConfig();
        } else if (cb instanceof ModelCheckpoint c) {
            return c.getConfig();
        } else if (cb instanceof CSVLogger c) {
            return c.getConfig();
        } else if (cb instanceof TensorBoard c) {
            return c.getConfig();
        } else if (cb instanceof ReduceLROnPlateau c) {
            return c.getConfig();
        } else if (cb instanceof TerminateOnNaN c) {
            return c.getConfig();
        } else if (cb instanceof BackupAndRestore c) {
            return c.getConfig();
        }
        throw new AssertionError("no getConfig for " + cb.getClass());
    }

    @Test
    void everyCallbackRoundTripsThroughTheRegistry() {
        for (Map.Entry<String, Callback> e : instances().entrySet()) {
            Map<String, Object> config = config(e.getValue());
            Callback back = Registry.create(Registry.Kind.CALLBACK, e.getKey(), config, Callback.class);
            assertEquals(e.getValue().getClass(), back.getClass(), e.getKey());
            assertEquals(config, config(back), e.getKey());
        }
    }

    @Test
    void nonDefaultValuesAppearUnderKerasNames() {
        Map<String, Object> es = config(instances().get("EarlyStopping"));
        assertEquals(List.of("monitor", "min_delta", "patience", "verbose", "mode", "baseline", "restore_best_weights",
                "start_from_epoch"), List.copyOf(es.keySet()));
        assertEquals(3, es.get("patience"));
        assertEquals(true, es.get("restore_best_weights"));
        assertEquals(7, config(instances().get("BackupAndRestore")).get("save_freq"));
        assertEquals(5, config(instances().get("TensorBoard")).get("update_freq"));
        assertEquals("epoch", config(instances().get("ModelCheckpoint")).get("save_freq"));
        assertEquals(Map.of(), config(instances().get("TerminateOnNaN")));
    }

    @Test
    void defaultsAndStringFrequenciesRoundTrip() {
        Function<Callback, Callback> trip = cb -> Registry.create(Registry.Kind.CALLBACK,
                cb.getClass().getSimpleName(), config(cb), Callback.class);
        for (Callback cb : List.of(new EarlyStopping(), new ReduceLROnPlateau(), new TensorBoard(),
                new TensorBoard("t").updateFreq("batch"), new BackupAndRestore("b"), new ModelCheckpoint("m.keras"),
                new CSVLogger("c.csv"))) {
            assertEquals(config(cb), config(trip.apply(cb)), cb.getClass().getSimpleName());
        }
        // snake_case names resolve too, and an empty config gives the defaults
        assertEquals(new EarlyStopping().getConfig(),
                Registry.get(Registry.Kind.CALLBACK, "early_stopping", EarlyStopping.class).getConfig());
    }

    @Test
    void unknownKeyIsRefusedByName() {
        for (Map.Entry<String, Callback> e : instances().entrySet()) {
            Map<String, Object> config = new LinkedHashMap<>(config(e.getValue()));
            config.put("no_such_arg", 1);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> Registry.create(Registry.Kind.CALLBACK, e.getKey(), config, Callback.class), e.getKey());
            assertTrue(ex.getMessage().contains("\"no_such_arg\""), ex.getMessage());
        }
    }

    @Test
    void unknownCallbackListsTheKnownNames() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Registry.create(Registry.Kind.CALLBACK, "NoSuchCallback", Map.of(), Callback.class));
        assertTrue(ex.getMessage().contains("Unknown callback: \"NoSuchCallback\""), ex.getMessage());
        for (String name : instances().keySet()) {
            assertTrue(ex.getMessage().contains(name), ex.getMessage());
        }
    }

    @Test
    void requiredArgumentsAndFunctionCallbacksAreRefused() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Registry.create(Registry.Kind.CALLBACK, "CSVLogger", Map.of(), Callback.class));
        assertTrue(ex.getMessage().contains("filename"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> Registry.create(Registry.Kind.CALLBACK, "ModelCheckpoint", Map.of(), Callback.class));
        assertTrue(ex.getMessage().contains("filepath"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> Registry.create(Registry.Kind.CALLBACK,
                "ModelCheckpoint", Map.of("filepath", "m.keras", "save_freq", 10), Callback.class));
        assertTrue(ex.getMessage().contains("save_freq"), ex.getMessage());
        for (String name : List.of("LearningRateScheduler", "LambdaCallback")) {
            ex = assertThrows(IllegalArgumentException.class,
                    () -> Registry.create(Registry.Kind.CALLBACK, name, Map.of(), Callback.class));
            assertTrue(ex.getMessage().contains("cannot be created from a configuration"), ex.getMessage());
        }
        assertInstanceOf(TerminateOnNaN.class, Registry.get(Registry.Kind.CALLBACK, "TerminateOnNaN", Callback.class));
    }
}
