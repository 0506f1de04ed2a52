package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.testing.GradientCheck;

class BinaryCrossentropyTest {
    private static final double[][] Y = {{0, 1}, {1, 1}, {0, 0}};
    private static final double[][] PROBS = {{0.2, 0.7}, {0.9, 0.4}, {0.5, 0.05}};
    private static final double[][] LOGITS = {{-1.5, 2}, {3, -0.5}, {0, -4}};

    @Test
    void probabilitiesMatchKerasAveragingTheLastAxis() {
        var loss = new BinaryCrossentropy();
        assertArrayEquals(new double[] {0.2899092476264711, 0.5108256237659906, 0.37222023747374794},
                loss.perSample(Nd4j.createFromArray(Y), Nd4j.createFromArray(PROBS)), 1e-12);
        assertEquals(0.39098503628873654, loss.call(Nd4j.createFromArray(Y), Tensor.constant(Nd4j.createFromArray(PROBS)),
                null).value().getDouble(0), 1e-12);
        assertEquals(0.4667402408422407, loss.call(Nd4j.createFromArray(Y), Tensor.constant(Nd4j.createFromArray(PROBS)),
                Nd4j.createFromArray(new double[] {0.5, 1, 2})).value().getDouble(0), 1e-12);
    }

    @Test
    void probabilitiesAreClippedAsKeras() {
        assertEquals(16.1180956512215, new BinaryCrossentropy().perSample(Nd4j.createFromArray(new double[][] {{1, 0}}),
                Nd4j.createFromArray(new double[][] {{0, 1}}))[0], 1e-9);
    }

    @Test
    void logitsUseTheStableForm() {
        var loss = new BinaryCrossentropy(true);
        assertArrayEquals(new double[] {0.16417064451286245, 0.5113321678769244, 0.35564855423887753},
                loss.perSample(Nd4j.createFromArray(Y), Nd4j.createFromArray(LOGITS)), 1e-12);
        assertEquals(100.0, loss.perSample(Nd4j.createFromArray(new double[][] {{0, 1}}),
                Nd4j.createFromArray(new double[][] {{100, -100}}))[0], 1e-12);
    }

    @Test
    void vectorTargetsFitOneUnitPredictions() {
        INDArray y = Nd4j.createFromArray(new float[] {0, 1, 1});
        INDArray p = Nd4j.createFromArray(new double[][] {{0.2}, {0.9}, {0.4}});
        INDArray yCol = Nd4j.createFromArray(new float[][] {{0}, {1}, {1}});
        assertArrayEquals(new BinaryCrossentropy().perSample(yCol, p), new BinaryCrossentropy().perSample(y, p), 0);
    }

    @Test
    void gradients() {
        INDArray y = Nd4j.createFromArray(Y);
        INDArray w = Nd4j.createFromArray(new double[] {0.5, 1, 2});
        var loss = new BinaryCrossentropy();
        GradientCheck.check("BCE wrt probabilities", in -> loss.call(y, in.get(0), w), Nd4j.createFromArray(PROBS));
        GradientCheck.check("BCE after sigmoid", in -> loss.call(y, Ops.sigmoid(in.get(0)), w), Nd4j.createFromArray(LOGITS));
        GradientCheck.check("BCE after sigmoid, soft targets",
                in -> loss.call(Nd4j.createFromArray(new double[][] {{0.1, 0.9}, {0.6, 1}, {0.3, 0}}), Ops.sigmoid(in.get(0)), null),
                Nd4j.createFromArray(LOGITS));
        var logits = new BinaryCrossentropy(true);
        GradientCheck.check("BCE from logits", in -> logits.call(y, in.get(0), w), Nd4j.createFromArray(LOGITS));
    }

    @Test
    void fusedSigmoidGradientIsPMinusYOverColumns() {
        // sigmoid(-40) = 4.2e-18 is clipped: through the clip the gradient would vanish
        Variable x = new Variable("x", Nd4j.createFromArray(new double[][] {{-40, 0}}), true);
        try (Tape tape = new Tape().begin()) {
            Tensor out = new BinaryCrossentropy().call(Nd4j.createFromArray(new double[][] {{1, 1}}),
                    Ops.sigmoid(x.read()), null);
            tape.backward(out, List.of(x));
        }
        assertArrayEquals(new double[] {(4.24835425529159e-18 - 1) / 2, (0.5 - 1) / 2}, x.grad().dup().data().asDouble(),
                1e-15);
    }

    @Test
    void shapeMismatchNamesTheLossAndBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BinaryCrossentropy()
                .perSample(Nd4j.createFromArray(new float[] {0, 1, 1}), Nd4j.createFromArray(PROBS)));
        assertEquals("Loss \"binary_crossentropy\": targets of shape (3,) do not match predictions of shape (3, 2)",
                e.getMessage());
    }

    @Test
    void config() {
        assertEquals(Map.of("from_logits", false), new BinaryCrossentropy().getConfig());
        assertEquals(Map.of("from_logits", true), new BinaryCrossentropy().fromLogits(true).getConfig());
        assertEquals("binary_crossentropy", new BinaryCrossentropy().name());
    }
}
