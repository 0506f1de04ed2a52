package org.sparkeras.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.testing.GradientCheck;

class CategoricalCrossentropyTest {
    private static final double[][] PROBS = {{0.7, 0.2, 0.1}, {0.1, 0.3, 0.6}, {0.25, 0.25, 0.5}, {0.05, 0.9, 0.05}};
    private static final double[][] LOGITS = {{2, 1, -1}, {0.5, 0.5, 3}, {-2, 0, 1}, {1, 2, 3}};
    private static final double[][] ONE_HOT = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 0}};
    private static final double[][] SOFT = {{0.2, 0.8, 0.0}, {0.5, 0.25, 0.25}};

    private static double value(Loss loss, double[][] yTrue, double[][] yPred) {
        return loss.call(Nd4j.createFromArray(yTrue), Tensor.constant(Nd4j.createFromArray(yPred)), null)
                .value().getDouble(0);
    }

    @Test
    void probabilitiesMatchKeras() {
        var loss = new CategoricalCrossentropy();
        assertArrayEquals(new double[] {0.3566749439387323, 0.5108256237659907, 1.3862943611198906, 0.10536051565782628},
                loss.perSample(Nd4j.createFromArray(ONE_HOT), Nd4j.createFromArray(PROBS)), 1e-12);
        assertEquals(0.58978886112061, value(loss, ONE_HOT, PROBS), 1e-12);
    }

    @Test
    void softTargetsMatchKeras() {
        assertArrayEquals(new double[] {0.7953123053131435, 1.1320522862129907}, new CategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(SOFT), Nd4j.createFromArray(new double[][] {{0.3, 0.5, 0.2}, {0.6, 0.1, 0.3}})),
                1e-12);
        assertEquals(2.141513478590969, value(new CategoricalCrossentropy(true), SOFT,
                new double[][] {{0.3, -1.2, 2.0}, {1.5, 0.0, -0.5}}), 1e-12);
    }

    @Test
    void rowsAreNormalisedAndClippedAsKeras() {
        var loss = new CategoricalCrossentropy();
        assertEquals(0.6931471805599453, value(loss, new double[][] {{1, 0, 0}}, new double[][] {{2, 1, 1}}), 1e-12);
        assertEquals(16.11809565095832, value(loss, new double[][] {{0, 1, 0}}, new double[][] {{1, 0, 0}}), 1e-12);
    }

    @Test
    void logitsMatchKerasAndStayFiniteWhenHuge() {
        var loss = new CategoricalCrossentropy().fromLogits(true);
        assertEquals(0.814409695592972, value(loss, ONE_HOT, LOGITS), 1e-12);
        assertEquals(2000.0, value(loss, new double[][] {{0, 0, 1}}, new double[][] {{1000, 0, -1000}}), 1e-9);
    }

    @Test
    void sampleWeights() {
        double v = new CategoricalCrossentropy().call(Nd4j.createFromArray(ONE_HOT),
                Tensor.constant(Nd4j.createFromArray(PROBS)), Nd4j.createFromArray(new double[] {1, 2, 0.5, 0}))
                .value().getDouble(0);
        assertEquals(0.5178683430076647, v, 1e-12);
    }

    @Test
    void gradients() {
        INDArray y = Nd4j.createFromArray(ONE_HOT);
        INDArray soft = Nd4j.createFromArray(new double[][] {{0.2, 0.8, 0.0}, {0.5, 0.25, 0.25}, {0, 0, 1}, {0.1, 0.1, 0.8}});
        INDArray w = Nd4j.createFromArray(new double[] {1, 2, 0.5, 0});
        var loss = new CategoricalCrossentropy();
        GradientCheck.check("CE wrt probabilities", in -> loss.call(y, in.get(0), null), Nd4j.createFromArray(PROBS));
        GradientCheck.check("CE wrt unnormalised probabilities, soft targets, weighted",
                in -> loss.call(soft, in.get(0), w),
                Nd4j.createFromArray(new double[][] {{1.4, 0.2, 0.3}, {0.1, 0.3, 0.9}, {0.5, 0.25, 0.5}, {0.1, 1.2, 0.2}}));
        GradientCheck.check("CE after softmax", in -> loss.call(soft, Ops.softmax(in.get(0)), w),
                Nd4j.createFromArray(LOGITS));
        GradientCheck.check("CE after softmax, one-hot", in -> loss.call(y, Ops.softmax(in.get(0)), null),
                Nd4j.createFromArray(LOGITS));
        var logits = new CategoricalCrossentropy(true);
        GradientCheck.check("CE from logits", in -> logits.call(soft, in.get(0), w), Nd4j.createFromArray(LOGITS));
    }

    @Test
    void classIndexTargetsPointToSparseCategoricalCrossentropy() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy()
                .call(Nd4j.createFromArray(new float[] {0, 2, 1, 1}), Tensor.constant(Nd4j.createFromArray(PROBS)), null));
        assertEquals("Loss \"categorical_crossentropy\": targets of shape (4,) do not match predictions of shape "
                + "(4, 3); expected one-hot targets of shape (4, 3). The targets look like integer class labels: "
                + "use sparse_categorical_crossentropy for class-index targets", e.getMessage());
        var column = assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(new float[][] {{0}, {2}, {1}, {1}}), Nd4j.createFromArray(PROBS)));
        assertEquals("Loss \"categorical_crossentropy\": targets of shape (4, 1) do not match predictions of shape "
                + "(4, 3); expected one-hot targets of shape (4, 3). The targets look like integer class labels: "
                + "use sparse_categorical_crossentropy for class-index targets", column.getMessage());
    }

    @Test
    void otherMismatchesNameBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy()
                .perSample(Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}}), Nd4j.createFromArray(PROBS)));
        assertEquals("Loss \"categorical_crossentropy\": targets of shape (4, 2) do not match predictions of shape (4, 3)",
                e.getMessage());
    }

    @Test
    void configUsesKerasKeys() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("from_logits", true);
        assertEquals(expected, new CategoricalCrossentropy(true).getConfig());
        assertEquals("categorical_crossentropy", new CategoricalCrossentropy().name());
    }
}
