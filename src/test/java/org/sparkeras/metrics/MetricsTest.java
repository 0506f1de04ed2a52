package org.sparkeras.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.losses.BinaryCrossentropy;
import org.sparkeras.losses.CategoricalCrossentropy;
import org.sparkeras.losses.Loss;
import org.sparkeras.losses.SparseCategoricalCrossentropy;
import org.sparkeras.saving.Registry;

class MetricsTest {
    @Test
    void accuracyFollowsTheLoss() {
        Metric sparse = Metrics.get("accuracy", new SparseCategoricalCrossentropy());
        assertInstanceOf(SparseCategoricalAccuracy.class, sparse);
        assertEquals("accuracy", sparse.name());
        assertInstanceOf(SparseCategoricalAccuracy.class, Metrics.get("accuracy", Loss.get("sparse_categorical_crossentropy")));
        assertInstanceOf(CategoricalAccuracy.class, Metrics.get("accuracy", new CategoricalCrossentropy(true)));
        Metric binary = Metrics.get("acc", new BinaryCrossentropy());
        assertInstanceOf(BinaryAccuracy.class, binary);
        assertEquals("acc", binary.name());
    }

    @Test
    void accuracyWithAnotherLossFollowsTheShapesOfTheFirstBatch() {
        Metric binary = Metrics.get("accuracy", Loss.get("mse"));
        binary.updateState(Nd4j.createFromArray(new float[] {1, 0}), Nd4j.createFromArray(new float[][] {{0.8f}, {0.7f}}), null);
        assertEquals(0.5, binary.result(), 0);
        assertEquals("accuracy", binary.name());

        Metric sparse = Metrics.get("accuracy", null);
        sparse.updateState(Nd4j.createFromArray(SparseCategoricalAccuracyTest.LABELS),
                Nd4j.createFromArray(SparseCategoricalAccuracyTest.PROBS), null);
        assertEquals(0.75, sparse.result(), 0);

        Metric categorical = Metrics.get("acc", Loss.get("huber"));
        // argmax agreement: 1 of 2 (categorical); a binary reading would give 4/6
        categorical.updateState(Nd4j.createFromArray(new double[][] {{0, 1, 0}, {1, 0, 0}}),
                Nd4j.createFromArray(new double[][] {{0.2, 0.7, 0.1}, {0.3, 0.6, 0.1}}), null);
        assertEquals(0.5, categorical.result(), 0);
        categorical.resetState();
        assertEquals(0.0, categorical.result());
        assertEquals(Map.of("name", "acc"), categorical.getConfig());
    }

    @Test
    void otherNamesGoThroughTheRegistryAndKeepTheUsersName() {
        Metric mse = Metrics.get("mse", null);
        assertInstanceOf(MeanSquaredError.class, mse);
        assertEquals("mse", mse.name());
        assertInstanceOf(MeanAbsoluteError.class, Metrics.get("mae", null));
        assertInstanceOf(RootMeanSquaredError.class, Metrics.get("rmse", null));
        Metric auc = Metrics.get("AUC", null);
        assertInstanceOf(AUC.class, auc);
        assertEquals("AUC", auc.name());
        assertInstanceOf(Precision.class, Metrics.get("precision", null));
        assertInstanceOf(Recall.class, Metrics.get("recall", null));
        assertInstanceOf(TopKCategoricalAccuracy.class, Metrics.get("top_k_categorical_accuracy", null));
        assertInstanceOf(SparseTopKCategoricalAccuracy.class, Metrics.get("sparse_top_k_categorical_accuracy", null));
        assertInstanceOf(BinaryAccuracy.class, Metrics.get("binary_accuracy", new SparseCategoricalCrossentropy()));
        assertInstanceOf(Mean.class, Metrics.get("mean", null));
    }

    @Test
    void configsRoundTripThroughTheRegistry() {
        for (Metric m : new Metric[] {new BinaryAccuracy("b").threshold(0.3), new TopKCategoricalAccuracy().k(3),
                new SparseTopKCategoricalAccuracy("s").k(2), new Precision().thresholds(0.7), new Recall("r"),
                new AUC().numThresholds(50).summationMethod("minoring"), new RootMeanSquaredError("rmse"),
                new SparseCategoricalAccuracy(), new CategoricalAccuracy("c"), new MeanSquaredError(),
                new MeanAbsoluteError(), new Mean("loss")}) {
            String kind = m.getClass().getSimpleName();
            Metric back = Registry.create(Registry.Kind.METRIC, kind, m.getConfig(), Metric.class);
            assertEquals(m.getClass(), back.getClass());
            assertEquals(m.getConfig(), back.getConfig());
        }
    }

    @Test
    void unsupportedAucConfigurationsAreRefused() {
        assertEquals("Metric \"auc\": curve \"PR\" is not supported; supported curves: ROC",
                assertThrows(IllegalArgumentException.class,
                        () -> Registry.create(Registry.Kind.METRIC, "auc", Map.of("curve", "PR"), Metric.class)).getMessage());
        assertEquals("Argument \"k\" must be an integer, received 2.5",
                assertThrows(IllegalArgumentException.class, () -> Registry.create(Registry.Kind.METRIC,
                        "top_k_categorical_accuracy", Map.of("k", 2.5), Metric.class)).getMessage());
    }

    @Test
    void unknownNameListsTheKnownMetrics() {
        var e = assertThrows(IllegalArgumentException.class, () -> Metrics.get("accurracy", null));
        assertTrue(e.getMessage().startsWith("Unknown metric: \"accurracy\". Known metrics: "), e.getMessage());
        for (String known : new String[] {"accuracy", "auc", "binary_accuracy", "categorical_accuracy", "mean",
                "mean_absolute_error", "mean_squared_error", "precision", "recall", "root_mean_squared_error",
                "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy"}) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
    }
}
