package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.saving.Registry;

class LossTest {
    @Test
    void kerasNamesAndAliasesResolve() {
        assertInstanceOf(SparseCategoricalCrossentropy.class, Loss.get("sparse_categorical_crossentropy"));
        assertInstanceOf(CategoricalCrossentropy.class, Loss.get("categorical_crossentropy"));
        assertInstanceOf(BinaryCrossentropy.class, Loss.get("binary_crossentropy"));
        assertInstanceOf(MeanSquaredError.class, Loss.get("mean_squared_error"));
        assertInstanceOf(MeanSquaredError.class, Loss.get("mse"));
        assertInstanceOf(MeanAbsoluteError.class, Loss.get("mean_absolute_error"));
        assertInstanceOf(MeanAbsoluteError.class, Loss.get("mae"));
        assertInstanceOf(Huber.class, Loss.get("huber"));
        assertInstanceOf(Huber.class, Loss.get("huber_loss"));
        // Keras class names, as they appear in saved configs
        assertInstanceOf(SparseCategoricalCrossentropy.class, Loss.get("SparseCategoricalCrossentropy"));
        assertInstanceOf(MeanSquaredError.class, Loss.get("MeanSquaredError"));
    }

    @Test
    void configsRoundTripThroughTheRegistry() {
        for (Loss loss : new Loss[] {new SparseCategoricalCrossentropy(true), new CategoricalCrossentropy(true),
                new BinaryCrossentropy(true), new MeanSquaredError(), new MeanAbsoluteError(), new Huber(0.25)}) {
            Loss back = Registry.create(Registry.Kind.LOSS, loss.name(), loss.getConfig(), Loss.class);
            assertEquals(loss.getClass(), back.getClass());
            assertEquals(loss.getConfig(), back.getConfig());
        }
        assertEquals(Map.of("from_logits", false), Loss.get("binary_crossentropy").getConfig());
        assertEquals(Map.of("delta", 1.0), Loss.get("huber").getConfig());
    }

    @Test
    void badConfigValueNamesTheArgument() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Registry.create(Registry.Kind.LOSS, "huber", Map.of("delta", "big"), Loss.class));
        assertEquals("Argument \"delta\" must be a number, received big", e.getMessage());
    }

    @Test
    void unknownNameListsTheKnownLosses() {
        var e = assertThrows(IllegalArgumentException.class, () -> Loss.get("msee"));
        assertTrue(e.getMessage().startsWith("Unknown loss: \"msee\". Known "), e.getMessage());
        for (String known : new String[] {"binary_crossentropy", "categorical_crossentropy", "huber",
                "mean_absolute_error", "mean_squared_error", "sparse_categorical_crossentropy"}) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }

    @Test
    void sampleWeightCountMustMatchTheBatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MeanSquaredError().call(
                Nd4j.createFromArray(new double[][] {{1}, {2}, {3}}), Tensor.constant(Nd4j.createFromArray(new double[][] {{1}, {2}, {3}})),
                Nd4j.createFromArray(new double[] {1, 2})));
        assertEquals("Loss \"mean_squared_error\": sample weights of shape (2,) do not match 3 samples; "
                + "expected one weight per sample, shape (3,)", e.getMessage());
    }

    @Test
    void batchSizeMismatchNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MeanSquaredError().perSample(
                Nd4j.createFromArray(new double[][] {{1, 2, 3}}), Nd4j.createFromArray(new double[][] {{1}, {2}, {3}})));
        assertEquals("Loss \"mean_squared_error\": targets of shape (1, 3) do not match predictions of shape (3, 1)",
                e.getMessage());
    }

    @Test
    void emptyBatchGivesZero() {
        double v = new MeanSquaredError().call(Nd4j.create(0, 2), Tensor.constant(Nd4j.create(0, 2)), null)
                .value().getDouble(0);
        assertEquals(0.0, v);
        assertEquals(0.0, new SparseCategoricalCrossentropy().call(Nd4j.create(0), Tensor.constant(Nd4j.create(0, 3)),
                Nd4j.create(0)).value().getDouble(0));
        assertEquals(0, new CategoricalCrossentropy().perSample(Nd4j.create(0, 3), Nd4j.create(0, 3)).length);
    }
}
