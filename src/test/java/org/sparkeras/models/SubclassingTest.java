package org.sparkeras.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.jobs.WideAndDeepModel;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.optimizers.SGD;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

class SubclassingTest {

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(2);
    }

    private static Model functionalWideAndDeep() {
        Input wide = Input.of("wide_input", 5), deep = Input.of("deep_input", 6);
        KerasTensor h1 = new Dense(30, "relu").apply(deep);
        KerasTensor h2 = new Dense(30, "relu").apply(h1);
        KerasTensor concat = new Concatenate().apply(wide, h2);
        KerasTensor main = new Dense(1).named("main_output").apply(concat);
        KerasTensor aux = new Dense(1).named("aux_output").apply(h2);
        return Model.of(List.of(wide, deep), List.of(main, aux));
    }

    @Test
    void subclassedAndFunctionalWideAndDeepGiveTheSameHistory() {
        Nd4j.getRandom().setSeed(8);
        INDArray wide = Nd4j.rand(DataType.FLOAT, 200, 5), deep = Nd4j.rand(DataType.FLOAT, 200, 6);
        INDArray y = wide.sum(true, 1).addi(deep.mean(true, 1));
        Model functional = functionalWideAndDeep();
        Model subclassed = new WideAndDeepModel(30, "relu");
        for (Model m : List.of(functional, subclassed)) {
            m.compile(Compile.optimizer(new SGD(1e-2)).loss("mse", "mse").lossWeights(0.9, 0.1));
        }
        subclassed.build(List.of(new long[] {5}, new long[] {6}));
        subclassed.setWeights(functional.getWeights());
        Fit fit = Fit.epochs(3).batchSize(16).verbose(0).seed(4);
        History hf = functional.fit(Map.of("wide_input", wide, "deep_input", deep),
                Map.of("main_output", y, "aux_output", y), fit);
        History hs = subclassed.fit(Map.of("wide_input", wide, "deep_input", deep),
                Map.of("main_output", y, "aux_output", y), fit);
        assertEquals(hf.history().keySet(), hs.history().keySet());
        for (String key : hf.history().keySet()) {
            List<Double> a = hf.get(key), b = hs.get(key);
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i), b.get(i), 1e-6 * Math.max(1, Math.abs(a.get(i))), key + " epoch " + i);
            }
        }
        assertTrue(hf.get("loss").get(2) < hf.get("loss").get(0));
    }

    @Test
    void subclassedModelSummaryListsTrackedLayers() {
        Model m = new WideAndDeepModel(30, "relu");
        m.build(List.of(new long[] {5}, new long[] {6}));
        String s = m.summaryString();
        assertTrue(s.contains("dense (Dense)                (None, 30)                210"), s);
        assertTrue(s.contains("main_output (Dense)          (None, 1)                 36"), s);
        assertTrue(s.contains("Total params: 1,207"), s);
    }
}
