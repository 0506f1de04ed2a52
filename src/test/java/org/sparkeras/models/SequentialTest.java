package org.sparkeras.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Names;

class SequentialTest {

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(7);
    }

    static Sequential mnistModel() {
        return new Sequential(
                new Flatten().inputShape(28, 28),
                new Dense(300, "relu"),
                new Dense(100, "relu"),
                new Dense(10, "softmax"));
    }

    @Test
    void summaryShowsKerasTableAndParameterCounts() {
        String s = mnistModel().summaryString();
        String expected = String.join("\n",
                "Model: \"sequential\"",
                "_________________________________________________________________",
                " Layer (type)                 Output Shape              Param #",
                "=================================================================",
                " flatten (Flatten)            (None, 784)               0",
                "                                                                 ",
                " dense (Dense)                (None, 300)               235,500",
                "                                                                 ",
                " dense_1 (Dense)              (None, 100)               30,100",
                "                                                                 ",
                " dense_2 (Dense)              (None, 10)                1,010",
                "=================================================================",
                "Total params: 266,610 (1.02 MB)",
                "Trainable params: 266,610 (1.02 MB)",
                "Non-trainable params: 0 (0.00 B)",
                "_________________________________________________________________",
                "");
        assertEquals(expected, s);
    }

    @Test
    void kerasNamesAndLayerLookup() {
        Sequential m = mnistModel();
        assertEquals("sequential", m.name());
        assertEquals(List.of("flatten", "dense", "dense_1", "dense_2"), m.layers().stream().map(Layer::name).toList());
        assertSame(m.layers().get(2), m.getLayer("dense_1"));
        assertSame(m.layers().get(3), m.getLayer(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.getLayer("dense_9"));
        assertTrue(e.getMessage().contains("No such layer: \"dense_9\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.getLayer(4));
        assertEquals("sequential_1", new Sequential().name());
    }

    @Test
    void addPopAndDeferredBuild() {
        Sequential m = new Sequential();
        m.add(new Flatten());
        m.add(new Dense(4, "relu"));
        m.add(new Dense(3));
        assertFalse(m.isModelBuilt());
        assertThrows(IllegalStateException.class, m::summary);
        INDArray out = m.predict(Nd4j.rand(DataType.FLOAT, 5, 2, 3));
        assertArrayEquals(new long[] {5, 3}, out.shape());
        assertTrue(m.isModelBuilt());
        assertEquals(6 * 4 + 4 + 4 * 3 + 3, m.countParams());
        Layer popped = m.pop();
        assertEquals("dense_1", popped.name());
        assertEquals(2, m.layers().size());
        m.add(new Dense(2));
        assertArrayEquals(new long[] {5, 2}, m.predict(Nd4j.rand(DataType.FLOAT, 5, 2, 3)).shape());
        Sequential empty = new Sequential();
        assertThrows(IllegalStateException.class, empty::pop);
    }

    @Test
    void inputObjectFixesTheShape() {
        Sequential m = new Sequential(Input.of(4), new Dense(2));
        assertTrue(m.isModelBuilt());
        assertEquals(10, m.countParams());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.predict(Nd4j.rand(DataType.FLOAT, 3, 5)));
        assertEquals("Input 0 of layer \"sequential\" is incompatible: expected shape (None, 4), received (None, 5)",
                e.getMessage());
    }

    @Test
    void duplicateLayerNamesAreRejected() {
        Sequential m = new Sequential(new Dense(2).named("a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(new Dense(3).named("a")));
        assertTrue(e.getMessage().contains("unique names"), e.getMessage());
    }

    @Test
    void getAndSetWeightsPerModelAndPerLayer() {
        Sequential a = new Sequential(new Dense(3, "relu").inputShape(2), new Dense(1));
        Sequential b = new Sequential(new Dense(3, "relu").inputShape(2), new Dense(1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2);
        assertNotEquals(a.predict(x), b.predict(x));
        b.setWeights(a.getWeights());
        assertEquals(a.predict(x), b.predict(x));
        List<INDArray> w = a.getLayer(0).getWeights();
        assertArrayEquals(new long[] {2, 3}, w.get(0).shape());
        assertArrayEquals(new long[] {3}, w.get(1).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.getLayer(0).setWeights(List.of(Nd4j.zeros(DataType.FLOAT, 3, 2), Nd4j.zeros(DataType.FLOAT, 3))));
        assertTrue(e.getMessage().contains("has shape (2, 3), received (3, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.setWeights(List.of(Nd4j.zeros(DataType.FLOAT, 2, 3))));
    }

    @Test
    void frozenLayersAreNotUpdatedAndCountAsNonTrainable() {
        Sequential m = new Sequential(new Dense(3, "relu").inputShape(2), new Dense(1));
        m.getLayer(0).setTrainable(false);
        String s = m.summaryString();
        assertTrue(s.contains("Trainable params: 4 (16.00 B)"), s);
        assertTrue(s.contains("Non-trainable params: 9 (36.00 B)"), s);
        m.compile("sgd", "mse");
        List<INDArray> before = m.getWeights();
        m.trainOnBatch(Nd4j.rand(DataType.FLOAT, 8, 2), Nd4j.rand(DataType.FLOAT, 8, 1));
        List<INDArray> after = m.getWeights();
        assertEquals(before.get(0), after.get(0));
        assertEquals(before.get(1), after.get(1));
        assertNotEquals(before.get(2), after.get(2));
        m.getLayer(0).setTrainable(true);
        m.trainOnBatch(Nd4j.rand(DataType.FLOAT, 8, 2), Nd4j.rand(DataType.FLOAT, 8, 1));
        assertNotEquals(after.get(0), m.getWeights().get(0));
    }
}
