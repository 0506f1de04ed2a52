package org.sparkeras.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.losses.MeanSquaredError;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.testing.GradientCheck;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

class FunctionalTest {

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(5);
    }

    /** Two inputs, a shared layer, a Concatenate, two outputs; in the given type. */
    private static Model twoInTwoOut(DataType type) {
        Input a = Input.of("a", type, 3), b = Input.of("b", type, 3);
        Dense shared = new Dense(4, "tanh").dtype(type);
        KerasTensor ha = shared.apply(a), hb = shared.apply(b);
        KerasTensor concat = new Concatenate().dtype(type).apply(ha, hb);
        KerasTensor main = new Dense(1).dtype(type).named("main_output").apply(concat);
        KerasTensor aux = new Dense(2, "sigmoid").dtype(type).named("aux_output").apply(hb);
        return Model.of(List.of(a, b), List.of(main, aux));
    }

    @Test
    void gradientsOfAGraphWithASharedLayerAConcatenateAndTwoWeightedOutputsMatchFiniteDifferences() {
        Model m = twoInTwoOut(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(3);
        INDArray xa = Nd4j.rand(DataType.DOUBLE, 5, 3).subi(0.5), xb = Nd4j.rand(DataType.DOUBLE, 5, 3).subi(0.5);
        INDArray y1 = Nd4j.rand(DataType.DOUBLE, 5, 1), y2 = Nd4j.rand(DataType.DOUBLE, 5, 2);
        MeanSquaredError mse = new MeanSquaredError();
        GradientCheck.checkVariables("functional graph", 1e-6, () -> {
            List<Tensor> out = m.call(List.of(Tensor.constant(xa), Tensor.constant(xb)), true);
            Tensor l1 = Ops.scale(mse.call(y1, out.get(0), null), 0.9);
            Tensor l2 = Ops.scale(mse.call(y2, out.get(1), null), 0.1);
            return Ops.add(l1, l2);
        }, m.weights());
    }

    @Test
    void sharedLayerHasOneSetOfWeightsAndSummaryShowsConnections() {
        Model m = twoInTwoOut(DataType.FLOAT);
        assertEquals(3 * 4 + 4 + 8 + 1 + 4 * 2 + 2, m.countParams());
        String s = m.summaryString();
        assertTrue(s.contains("Connected to"), s);
        assertTrue(s.contains("concatenate (Concatenate)"), s);
        assertTrue(s.contains("dense, dense"), s);
        assertTrue(s.contains("a (InputLayer)"), s);
        assertEquals(List.of("a", "b"), m.inputNames());
        assertEquals(List.of("main_output", "aux_output"), m.outputNames());
    }

    @Test
    void fitEvaluatePredictByPositionAndByNameAgree() {
        Nd4j.getRandom().setSeed(4);
        INDArray xa = Nd4j.rand(DataType.FLOAT, 64, 3), xb = Nd4j.rand(DataType.FLOAT, 64, 3);
        INDArray y1 = xa.sum(true, 1), y2 = Nd4j.rand(DataType.FLOAT, 64, 2);
        Seeds.setRandomSeed(9);
        Model byList = twoInTwoOut(DataType.FLOAT);
        byList.compile(Compile.optimizer(new SGD(0.05)).loss("mse", "binary_crossentropy").lossWeights(0.9, 0.1)
                .metrics("mae"));
        History h1 = byList.fit(List.of(xa, xb), List.of(y1, y2), Fit.epochs(3).batchSize(16).verbose(0).seed(1));
        Names.reset();
        Seeds.setRandomSeed(9);
        Model byName = twoInTwoOut(DataType.FLOAT);
        byName.compile(Compile.optimizer(new SGD(0.05)).loss(Map.of("aux_output", "binary_crossentropy", "main_output", "mse"))
                .lossWeights(Map.of("main_output", 0.9, "aux_output", 0.1)).metrics("mae"));
        History h2 = byName.fit(Map.of("b", xb, "a", xa), Map.of("aux_output", y2, "main_output", y1),
                Fit.epochs(3).batchSize(16).verbose(0).seed(1));
        Map<String, Double> before = byName.evaluate(Map.of("a", xa, "b", xb), Map.of("main_output", y1, "aux_output", y2), 64);
        History h3 = byName.fit(Map.of("b", xb, "a", xa), Map.of("aux_output", y2, "main_output", y1),
                Fit.epochs(1).verbose(0).validationData(Map.of("a", xa, "b", xb), Map.of("main_output", y1, "aux_output", y2)));
        assertTrue(h3.history().containsKey("val_aux_output_loss"), h3.history().toString());
        assertTrue(h3.get("val_loss").get(0) < before.get("loss"));
        assertEquals(List.of("loss", "main_output_loss", "aux_output_loss", "main_output_mae", "aux_output_mae"),
                List.copyOf(h1.history().keySet()));
        assertEquals(h1.history(), h2.history());
        Map<String, Double> e = byName.evaluate(Map.of("a", xa, "b", xb), Map.of("main_output", y1, "aux_output", y2), 64);
        assertEquals(0.9 * e.get("main_output_loss") + 0.1 * e.get("aux_output_loss"), e.get("loss"), 1e-6);
        Map<String, INDArray> p = byName.predict(Map.of("a", xa, "b", xb), 32);
        assertArrayEquals(new long[] {64, 1}, p.get("main_output").shape());
        assertArrayEquals(new long[] {64, 2}, p.get("aux_output").shape());
        assertEquals(p.get("aux_output"), byName.predict(List.of(xa, xb), 7).get(1));
    }

    @Test
    void wrongInputsAndUnknownNamesAreReported() {
        Model m = twoInTwoOut(DataType.FLOAT);
        m.compile("sgd", "mse");
        INDArray x = Nd4j.zeros(DataType.FLOAT, 4, 3), y1 = Nd4j.zeros(DataType.FLOAT, 4, 1), y2 = Nd4j.zeros(DataType.FLOAT, 4, 2);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> m.fit(List.of(x), List.of(y1, y2), Fit.epochs(1).verbose(0)));
        assertEquals("fit: model \"functional\" expects 2 input(s), received 1 array(s) with shapes [(4, 3)]",
                count.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Map.of("a", x, "c", x), Map.of("main_output", y1, "aux_output", y2), Fit.epochs(1).verbose(0)));
        assertEquals("Unknown input name(s) [c]; the model's inputs are [a, b]", unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Map.of("a", x, "b", x), Map.of("main_output", y1), Fit.epochs(1).verbose(0)));
        assertTrue(missing.getMessage().startsWith("Missing output \"aux_output\""), missing.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> m.fit(List.of(x, Nd4j.zeros(DataType.FLOAT, 4, 5)), List.of(y1, y2), Fit.epochs(1).verbose(0)));
        assertEquals("Input 1 of layer \"functional\" is incompatible: expected shape (None, 3), received (None, 5)",
                shape.getMessage());
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> m.fit(List.of(x, x), List.of(y1, y1), Fit.epochs(1).verbose(0)));
        assertTrue(target.getMessage().contains("(4, 1)") && target.getMessage().contains("(4, 2)"), target.getMessage());
    }

    @Test
    void graphValidationAtConstruction() {
        Input a = Input.of("a", 3), b = Input.of("b", 3);
        KerasTensor out = new Dense(1).apply(a);
        IllegalArgumentException unused = assertThrows(IllegalArgumentException.class,
                () -> Model.of(List.of(a, b), List.of(out)));
        assertTrue(unused.getMessage().contains("input \"b\" is not connected to any output"), unused.getMessage());
        IllegalArgumentException disconnected = assertThrows(IllegalArgumentException.class,
                () -> Model.of(List.of(b), List.of(out)));
        assertTrue(disconnected.getMessage().startsWith("Graph disconnected: cannot obtain value for tensor \"a\""),
                disconnected.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new Dense(2).apply(new Dense(4).apply(a), new Dense(5).apply(a)));
        assertTrue(width.getMessage().contains("expects 1 input, received 2"), width.getMessage());
        Dense d = new Dense(2);
        d.apply(a);
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class, () -> d.apply(Input.of("c", 4)));
        assertTrue(shared.getMessage().contains("expected last dimension 3, received 4"), shared.getMessage());
    }

    @Test
    void aModelCanBeUsedAsALayer() {
        Input in = Input.of("x", 3);
        Model inner = Model.of(in, new Dense(2, "relu").apply(in));
        Input outer = Input.of("y", 3);
        KerasTensor z = new Dense(1).apply(inner.apply(outer));
        Model m = Model.of(outer, z);
        assertEquals(3 * 2 + 2 + 2 + 1, m.countParams());
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        INDArray expected = ((Dense) m.layers().get(2)).apply(Tensor.constant(inner.predict(x)), false).value();
        assertEquals(expected, m.predict(x));
        m.compile("sgd", "mse");
        m.fit(x, Nd4j.zeros(DataType.FLOAT, 4, 1), Fit.epochs(1).verbose(0));
    }
}
