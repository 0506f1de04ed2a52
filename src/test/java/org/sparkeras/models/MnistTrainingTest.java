package org.sparkeras.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.Mnist;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** The reference workload on a slice of the real data: it must learn. */
class MnistTrainingTest {

    @Test
    void theMnistClassifierLearnsOnRealData() throws Exception {
        Seeds.setRandomSeed(42);
        Mnist mnist = Mnist.load(Path.of("data/mnist"), 6000, 2000);
        Sequential model = new Sequential(
                new Flatten().inputShape(28, 28),
                new Dense(300, "relu"),
                new Dense(100, "relu"),
                new Dense(10, "softmax"));
        model.compile(Compile.optimizer("adam").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        History h = model.fit(mnist.trainImages(), mnist.trainLabels(), Fit.epochs(2).batchSize(32).verbose(0).seed(1)
                .validationSplit(0.1));
        assertTrue(h.get("val_accuracy").get(1) > 0.88, h.history().toString());
        Map<String, Double> test = model.evaluate(mnist.testImages(), mnist.testLabels());
        assertTrue(test.get("accuracy") > 0.88, test.toString());
        assertTrue(test.get("loss") < 0.45, test.toString());
    }
}
