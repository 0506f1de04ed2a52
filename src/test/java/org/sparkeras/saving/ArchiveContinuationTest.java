package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.training.Compile;

/**
 * A saved and reloaded model of each kind (Functional with two inputs and outputs, and a
 * subclassed model registered with its getConfig) predicts bitwise the same and continues training
 * identically, optimizer state included. The Sequential case is in ModelArchiveCompileTest.
 */
class ArchiveContinuationTest {
    @TempDir
    Path dir;

    /** A subclassed two-input, two-output model that describes itself. */
    static final class TwoHeads extends Model {
        private final int units;
        private final Dense hidden;
        private final Concatenate concat;
        private final Dense main;
        private final Dense aux;

        TwoHeads(int units) {
            this.units = units;
            hidden = track(new Dense(units, "relu"));
            concat = track(new Concatenate());
            main = track(new Dense(1));
            aux = track(new Dense(1));
        }

        @Override
        public List<Tensor> call(List<Tensor> inputs, boolean training) {
            Tensor h = hidden.apply(inputs.get(1), training);
            return List.of(main.apply(concat.apply(List.of(inputs.get(0), h), training), training), aux.apply(h, training));
        }

        @Override
        public int inputCount() {
            return 2;
        }

        @Override
        public List<String> outputNames() {
            return List.of("main", "aux");
        }

        @Override
        public Map<String, Object> getConfig() {
            return Map.of("units", units);
        }
    }

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(12);
        Registry.register(Registry.Kind.MODEL, "TwoHeads", c -> new TwoHeads(((Number) c.get("units")).intValue()));
    }

    private static Model functional() {
        Input a = Input.of("a", 2), b = Input.of("b", 3);
        KerasTensor h = new Dense(4, "relu").apply(b);
        KerasTensor main = new Dense(1).named("main").apply(new Concatenate().apply(a, h));
        KerasTensor aux = new Dense(1).named("aux").apply(h);
        return Model.of(List.of(a, b), List.of(main, aux));
    }

    private void assertSaveLoadContinuesIdentically(Model model) throws Exception {
        Nd4j.getRandom().setSeed(5);
        INDArray xa = Nd4j.rand(DataType.FLOAT, 16, 2), xb = Nd4j.rand(DataType.FLOAT, 16, 3);
        INDArray y = Nd4j.rand(DataType.FLOAT, 16, 1);
        model.compile(Compile.optimizer(new Adam(0.01)).loss("mse", "mae").lossWeights(0.7, 0.3));
        for (int i = 0; i < 3; i++) {
            model.trainOnBatch(List.of(xa, xb), List.of(y, y));
        }
        String path = dir.resolve(model.className() + ".zip").toString();
        model.save(path);
        Model loaded = Model.load(path);
        List<INDArray> p1 = model.predict(List.of(xa, xb), 16), p2 = loaded.predict(List.of(xa, xb), 16);
        assertEquals(p1.get(0), p2.get(0));
        assertEquals(p1.get(1), p2.get(1));
        Map<String, Double> l1 = model.trainOnBatch(List.of(xa, xb), List.of(y, y));
        Map<String, Double> l2 = loaded.trainOnBatch(List.of(xa, xb), List.of(y, y));
        assertEquals(l1, l2);
        List<INDArray> w1 = model.getWeights(), w2 = loaded.getWeights();
        assertEquals(w1.size(), w2.size());
        for (int i = 0; i < w1.size(); i++) {
            assertEquals(w1.get(i), w2.get(i), "weight " + i + " after one more step");
        }
    }

    @Test
    void functionalModelContinuesIdentically() throws Exception {
        assertSaveLoadContinuesIdentically(functional());
    }

    @Test
    void registeredSubclassedModelContinuesIdentically() throws Exception {
        TwoHeads m = new TwoHeads(4);
        m.build(List.of(new long[] {2}, new long[] {3}));
        assertSaveLoadContinuesIdentically(m);
        assertTrue(Model.load(dir.resolve("TwoHeads.zip").toString()) instanceof TwoHeads);
    }
}
