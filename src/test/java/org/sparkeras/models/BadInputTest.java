package org.sparkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Names;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/** The bad-input cases of RELIABILITY.md 1, 3, 4, 5, 6 and 8, asserted on their messages. */
class BadInputTest {

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(1);
    }

    private static Sequential mnist() {
        Sequential m = new Sequential(new Flatten().inputShape(28, 28), new Dense(30, "relu"), new Dense(10, "softmax"));
        m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
        return m;
    }

    private static INDArray labels(double... v) {
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }

    @Test
    void case1FeatureWidthOrRankMismatchNamesLayerInputAndShapes() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 4, 784), labels(0, 1, 2, 3), Fit.epochs(1).verbose(0)));
        assertEquals("Input 0 of layer \"sequential\" is incompatible: expected shape (None, 28, 28), received (None, 784)",
                e.getMessage());

        Sequential dense = new Sequential(new Dense(5, "relu"), new Dense(2));
        dense.compile("sgd", "mse");
        dense.fit(Nd4j.zeros(DataType.FLOAT, 4, 784), Nd4j.zeros(DataType.FLOAT, 4, 2), Fit.epochs(1).verbose(0));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> dense.predict(Nd4j.zeros(DataType.FLOAT, 4, 28)));
        assertEquals("Input 0 of layer \"sequential_1\" is incompatible: expected shape (None, 784), received (None, 28)",
                e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> dense.getLayer(0)
                .apply(org.sparkeras.autodiff.Tensor.constant(Nd4j.zeros(DataType.FLOAT, 4, 28)), false));
        assertEquals("Input 0 of layer \"dense_2\" is incompatible: expected last dimension 784, received 28 "
                + "(input shape (None, 28))", e3.getMessage());
    }

    @Test
    void wrongNumberOfInputsOrTargets() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.fit(
                List.of(Nd4j.zeros(DataType.FLOAT, 2, 28, 28), Nd4j.zeros(DataType.FLOAT, 2, 3)),
                List.of(labels(0, 1)), Fit.epochs(1).verbose(0)));
        assertEquals("fit: model \"sequential\" expects 1 input(s), received 2 array(s) with shapes [(2, 28, 28), (2, 3)]",
                e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> m.fit(
                List.of(Nd4j.zeros(DataType.FLOAT, 2, 28, 28)), List.of(labels(0, 1), labels(0, 1)),
                Fit.epochs(1).verbose(0)));
        assertEquals("fit: model \"sequential\" has 1 output(s) [dense_1], received 2 target array(s) with shapes "
                + "[(2,), (2,)]", e2.getMessage());
    }

    @Test
    void case3SampleCountMismatchGivesBothCounts() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 5, 28, 28), labels(0, 1, 2, 3), Fit.epochs(1).verbose(0)));
        assertTrue(e.getMessage().contains("x sizes: 5, y sizes: 4"), e.getMessage());
    }

    @Test
    void case4SparseLabelOutOfRangeNamesValueAndRange() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 3, 28, 28), labels(1, 10, 2), Fit.epochs(1).verbose(0)));
        assertTrue(e.getMessage().contains("label 10 at sample 1"), e.getMessage());
        assertTrue(e.getMessage().contains("[0, 10)"), e.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 3, 28, 28), labels(-1, 0, 2), Fit.epochs(1).verbose(0)));
        assertTrue(neg.getMessage().contains("label -1 at sample 0"), neg.getMessage());
    }

    @Test
    void case5OneHotTargetsToSparseLossAndTheReverse() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 3, 28, 28), Nd4j.zeros(DataType.FLOAT, 3, 10), Fit.epochs(1).verbose(0)));
        assertTrue(e.getMessage().contains("sparse_categorical_crossentropy"), e.getMessage());
        assertTrue(e.getMessage().contains("(3, 10)"), e.getMessage());
        assertTrue(e.getMessage().contains("categorical_crossentropy for one-hot"), e.getMessage());

        Sequential c = new Sequential(new Flatten().inputShape(28, 28), new Dense(10, "softmax"));
        c.compile("sgd", "categorical_crossentropy");
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> c.fit(Nd4j.zeros(DataType.FLOAT, 3, 28, 28), labels(1, 2, 3), Fit.epochs(1).verbose(0)));
        assertTrue(r.getMessage().contains("categorical_crossentropy"), r.getMessage());
        assertTrue(r.getMessage().contains("(3,)") && r.getMessage().contains("(3, 10)"), r.getMessage());
        assertTrue(r.getMessage().contains("sparse_categorical_crossentropy"), r.getMessage());
    }

    @Test
    void case6NonFiniteLossStopsTrainingAndKeepsTheLastGoodWeights() {
        Sequential m = new Sequential(new Dense(1).inputShape(2));
        m.compile(Compile.optimizer(new SGD(1e30)).loss("mse"));
        INDArray x = Nd4j.ones(DataType.FLOAT, 64, 2).muli(1e10);
        INDArray y = Nd4j.ones(DataType.FLOAT, 64, 1);
        History h = m.fit(x, y, Fit.epochs(5).batchSize(8).verbose(0).shuffle(false));
        assertTrue(h.terminatedOnNaN());
        assertTrue(h.epochs().size() < 5);
        for (INDArray w : m.getWeights()) {
            for (double v : w.toDoubleVector()) {
                assertTrue(Double.isFinite(v), "weights must stay finite: " + w);
            }
        }
    }

    @Test
    void case8UnknownIdentifiersListTheKnownNames() {
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                () -> mnist().compile("adma", "mse"));
        assertTrue(o.getMessage().startsWith("Unknown optimizer: \"adma\". Known optimizers: "), o.getMessage());
        assertTrue(o.getMessage().contains("adam") && o.getMessage().contains("sgd"), o.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> new Dense(3, "relu6x"));
        assertTrue(a.getMessage().startsWith("Unknown activation: \"relu6x\". Known activations: "), a.getMessage());
        assertTrue(a.getMessage().contains("relu") && a.getMessage().contains("softmax"), a.getMessage());
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> mnist().compile("sgd", "msee"));
        assertTrue(l.getMessage().startsWith("Unknown loss: \"msee\""), l.getMessage());
        IllegalArgumentException me = assertThrows(IllegalArgumentException.class,
                () -> mnist().compile("sgd", "mse", "acuracy"));
        assertTrue(me.getMessage().startsWith("Unknown metric: \"acuracy\""), me.getMessage());
    }

    @Test
    void emptyDataIsRefused() {
        Sequential m = mnist();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 0, 28, 28), Nd4j.zeros(DataType.FLOAT, 0), Fit.epochs(1).verbose(0)));
        assertTrue(e.getMessage().contains("no training samples"), e.getMessage());
    }

    @Test
    void compileIsRequired() {
        Sequential m = new Sequential(new Dense(1).inputShape(2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m.fit(Nd4j.zeros(DataType.FLOAT, 2, 2), Nd4j.zeros(DataType.FLOAT, 2, 1)));
        assertTrue(e.getMessage().contains("compile()"), e.getMessage());
    }
}
