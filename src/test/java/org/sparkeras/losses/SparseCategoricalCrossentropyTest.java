package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tape;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.testing.GradientCheck;

class SparseCategoricalCrossentropyTest {
    private static final double[][] PROBS = {{0.7, 0.2, 0.1}, {0.1, 0.3, 0.6}, {0.25, 0.25, 0.5}, {0.05, 0.9, 0.05}};
    private static final double[][] LOGITS = {{2, 1, -1}, {0.5, 0.5, 3}, {-2, 0, 1}, {1, 2, 3}};
    private static final float[] LABELS = {0, 2, 1, 1};

    static double value(Loss loss, INDArray yTrue, INDArray yPred, INDArray weights) {
        return loss.call(yTrue, Tensor.constant(yPred), weights).value().getDouble(0);
    }

    @Test
    void probabilitiesMatchKeras() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray p = Nd4j.createFromArray(PROBS);
        assertArrayEquals(new double[] {0.3566749439387323, 0.5108256237659907, 1.3862943611198906, 0.10536051565782628},
                loss.perSample(Nd4j.createFromArray(LABELS), p), 1e-12);
        assertEquals(0.58978886112061, value(loss, Nd4j.createFromArray(LABELS), p, null), 1e-12);
    }

    @Test
    void labelsMayBeIntDoubleOrAColumn() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray p = Nd4j.createFromArray(PROBS);
        assertEquals(0.58978886112061, value(loss, Nd4j.createFromArray(new int[] {0, 2, 1, 1}), p, null), 1e-12);
        assertEquals(0.58978886112061, value(loss, Nd4j.createFromArray(new double[] {0, 2, 1, 1}), p, null), 1e-12);
        assertEquals(0.58978886112061,
                value(loss, Nd4j.createFromArray(new float[][] {{0}, {2}, {1}, {1}}), p, null), 1e-12);
    }

    @Test
    void sampleWeightsScaleEachSampleAndDivideByTheBatchSize() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray w = Nd4j.createFromArray(new double[] {1, 2, 0.5, 0});
        assertEquals(0.5178683430076647,
                value(loss, Nd4j.createFromArray(LABELS), Nd4j.createFromArray(PROBS), w), 1e-12);
    }

    @Test
    void rowsAreNormalisedAndClippedAsKeras() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray unnormalised = Nd4j.createFromArray(new double[][] {{2, 1, 1}});
        assertEquals(0.6931471805599453, loss.perSample(Nd4j.createFromArray(new float[] {0}), unnormalised)[0], 1e-12);
        INDArray certain = Nd4j.createFromArray(new double[][] {{1, 0, 0}});
        assertEquals(16.11809565095832, loss.perSample(Nd4j.createFromArray(new float[] {1}), certain)[0], 1e-12);
        assertEquals(1.0000000494736474e-07, loss.perSample(Nd4j.createFromArray(new float[] {0}), certain)[0], 1e-18);
    }

    @Test
    void logitsMatchKerasAndStayFiniteWhenHuge() {
        var loss = new SparseCategoricalCrossentropy(true);
        assertEquals(0.814409695592972,
                value(loss, Nd4j.createFromArray(LABELS), Nd4j.createFromArray(LOGITS), null), 1e-12);
        assertEquals(2000.0, loss.perSample(Nd4j.createFromArray(new float[] {2}),
                Nd4j.createFromArray(new double[][] {{1000, 0, -1000}}))[0], 1e-9);
    }

    @Test
    void sequenceLabelsFollowThePredictionsLeadingDims() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray p = Nd4j.createFromArray(PROBS).reshape(2, 2, 3);
        INDArray y = Nd4j.createFromArray(new float[][] {{0, 2}, {1, 1}});
        assertEquals(0.58978886112061, value(loss, y, p, null), 1e-12);
        // a sample's weight applies to all of its time steps
        assertEquals(0.6202071434495761, value(loss, y, p, Nd4j.createFromArray(new double[] {2, 0.5})), 1e-12);
    }

    @Test
    void gradientOfProbabilities() {
        INDArray y = Nd4j.createFromArray(LABELS);
        var loss = new SparseCategoricalCrossentropy();
        GradientCheck.check("sparse CE wrt probabilities", in -> loss.call(y, in.get(0), null),
                Nd4j.createFromArray(PROBS));
        GradientCheck.check("sparse CE wrt unnormalised probabilities, weighted",
                in -> loss.call(y, in.get(0), Nd4j.createFromArray(new double[] {1, 2, 0.5, 0})),
                Nd4j.createFromArray(new double[][] {{1.4, 0.2, 0.3}, {0.1, 0.3, 0.9}, {0.5, 0.25, 0.5}, {0.1, 1.2, 0.2}}));
    }

    @Test
    void gradientThroughSoftmaxIsTakenWithRespectToTheLogits() {
        INDArray y = Nd4j.createFromArray(LABELS);
        var loss = new SparseCategoricalCrossentropy();
        GradientCheck.check("sparse CE after softmax", in -> loss.call(y, Ops.softmax(in.get(0)), null),
                Nd4j.createFromArray(LOGITS));
        GradientCheck.check("sparse CE after softmax, weighted",
                in -> loss.call(y, Ops.softmax(in.get(0)), Nd4j.createFromArray(new double[] {1, 2, 0.5, 0})),
                Nd4j.createFromArray(LOGITS));
        var logits = new SparseCategoricalCrossentropy(true);
        GradientCheck.check("sparse CE from logits", in -> logits.call(y, in.get(0), null),
                Nd4j.createFromArray(LOGITS));
        // from_logits after a softmax means the softmax output is the logits: no fusion
        GradientCheck.check("sparse CE from logits after softmax", in -> logits.call(y, Ops.softmax(in.get(0)), null),
                Nd4j.createFromArray(LOGITS));
    }

    @Test
    void fusedSoftmaxGradientIsPMinusYEvenWhereTheProbabilityIsClipped() {
        // p[label] = 8.8e-27 is clipped to 1e-7: through the clip the gradient would vanish
        Variable x = new Variable("x", Nd4j.createFromArray(new double[][] {{0, 30, -30}}), true);
        try (Tape tape = new Tape().begin()) {
            Tensor out = new SparseCategoricalCrossentropy().call(Nd4j.createFromArray(new float[] {2}),
                    Ops.softmax(x.read()), null);
            assertEquals(16.11809565095832, out.value().getDouble(0), 1e-9);
            tape.backward(out, List.of(x));
        }
        assertArrayEquals(new double[] {9.3576229688393e-14, 0.9999999999999065, -1.0},
                x.grad().dup().data().asDouble(), 1e-15);
    }

    @Test
    void labelEqualToTheClassCountIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalCrossentropy()
                .call(Nd4j.createFromArray(new float[] {0, 2, 3, 1}), Tensor.constant(Nd4j.createFromArray(PROBS)), null));
        assertEquals("Loss \"sparse_categorical_crossentropy\": label 3 at sample 2 is not a valid class index; "
                + "expected an integer in [0, 3) for predictions of shape (4, 3)", e.getMessage());
    }

    @Test
    void negativeLabelIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(new int[] {0, -1, 1, 1}), Nd4j.createFromArray(PROBS)));
        assertEquals("Loss \"sparse_categorical_crossentropy\": label -1 at sample 1 is not a valid class index; "
                + "expected an integer in [0, 3) for predictions of shape (4, 3)", e.getMessage());
    }

    @Test
    void fractionalAndNanLabelsAreRejected() {
        var loss = new SparseCategoricalCrossentropy();
        INDArray p = Nd4j.createFromArray(PROBS);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> loss.perSample(Nd4j.createFromArray(new double[] {0, 1.5, 1, 1}), p)).getMessage()
                .contains("label 1.5 at sample 1 is not a valid class index; expected an integer in [0, 3)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> loss.perSample(Nd4j.createFromArray(new double[] {0, 1, 1, Double.NaN}), p)).getMessage()
                .contains("label NaN at sample 3"));
    }

    @Test
    void badLabelInASequenceNamesSampleAndPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(new float[][] {{0, 2}, {1, 7}}), Nd4j.createFromArray(PROBS).reshape(2, 2, 3)));
        assertEquals("Loss \"sparse_categorical_crossentropy\": label 7 at sample 1, position 1 is not a valid class "
                + "index; expected an integer in [0, 3) for predictions of shape (2, 2, 3)", e.getMessage());
    }

    @Test
    void oneHotTargetsPointToCategoricalCrossentropy() {
        INDArray oneHot = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 0}});
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalCrossentropy()
                .call(oneHot, Tensor.constant(Nd4j.createFromArray(PROBS)), null));
        assertEquals("Loss \"sparse_categorical_crossentropy\": targets of shape (4, 3) do not match predictions of "
                + "shape (4, 3); expected integer class labels of shape (4,) or (4, 1). The targets look one-hot "
                + "encoded: use categorical_crossentropy for one-hot targets", e.getMessage());
    }

    @Test
    void wrongLabelCountNamesBothShapesWithoutTheOneHotHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseCategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(new float[] {0, 1, 2}), Nd4j.createFromArray(PROBS)));
        assertEquals("Loss \"sparse_categorical_crossentropy\": targets of shape (3,) do not match predictions of "
                + "shape (4, 3); expected integer class labels of shape (4,) or (4, 1)", e.getMessage());
        assertFalse(e.getMessage().contains("one-hot"));
    }

    @Test
    void floatPredictionsGiveAFloatLoss() {
        Tensor out = new SparseCategoricalCrossentropy().call(Nd4j.createFromArray(LABELS),
                Tensor.constant(Nd4j.createFromArray(PROBS).castTo(DataType.FLOAT)), null);
        assertEquals(DataType.FLOAT, out.dtype());
        assertEquals(0.58978886112061, out.value().getDouble(0), 1e-6);
    }

    @Test
    void configUsesKerasKeys() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("from_logits", false);
        assertEquals(expected, new SparseCategoricalCrossentropy().getConfig());
        expected.put("from_logits", true);
        assertEquals(expected, new SparseCategoricalCrossentropy().fromLogits(true).getConfig());
        assertEquals("sparse_categorical_crossentropy", new SparseCategoricalCrossentropy().name());
    }
}
