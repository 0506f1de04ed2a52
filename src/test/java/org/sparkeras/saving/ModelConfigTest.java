package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.jobs.WideAndDeepModel;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Dropout;
import org.sparkeras.layers.Flatten;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;

class ModelConfigTest {

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(3);
    }

    @Test
    void sequentialRoundTripGivesTheSameArchitecture() {
        Sequential m = new Sequential(new Flatten().inputShape(4, 3), new Dense(5, "relu").kernelRegularizer("l2"),
                new Dropout(0.2, 7L), new Dense(2, "softmax"));
        String json = m.toJson();
        assertTrue(json.contains("\"class_name\" : \"Sequential\""), json);
        Model copy = Model.fromJson(json);
        assertEquals(m.summaryString(), copy.summaryString());
        assertEquals(json, copy.toJson());
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 4, 3);
        assertNotEquals(m.predict(x), copy.predict(x));
        copy.setWeights(m.getWeights());
        assertEquals(m.predict(x), copy.predict(x));
    }

    @Test
    void functionalRoundTripKeepsSharedLayersNodesAndOutputs() {
        Input a = Input.of("a", 3), b = Input.of("b", 3);
        Dense shared = new Dense(4, "tanh").named("shared");
        KerasTensor ha = shared.apply(a), hb = shared.apply(b);
        KerasTensor main = new Dense(1).named("main_output").apply(new Concatenate().apply(ha, hb));
        KerasTensor aux = new Dense(2).named("aux_output").apply(hb);
        Model m = Model.of("two_way", List.of(a, b), List.of(main, aux));
        String json = m.toJson();
        assertTrue(json.contains("\"inbound_nodes\""), json);
        Model copy = Model.fromJson(json);
        assertEquals(m.summaryString(), copy.summaryString());
        assertEquals(List.of("a", "b"), copy.inputNames());
        assertEquals(List.of("main_output", "aux_output"), copy.outputNames());
        assertEquals(m.countParams(), copy.countParams());
        copy.setWeights(m.getWeights());
        INDArray xa = Nd4j.rand(DataType.FLOAT, 5, 3), xb = Nd4j.rand(DataType.FLOAT, 5, 3);
        List<INDArray> p1 = m.predict(List.of(xa, xb), 32), p2 = copy.predict(List.of(xa, xb), 32);
        assertEquals(p1.get(0), p2.get(0));
        assertEquals(p1.get(1), p2.get(1));
    }

    @Test
    void cloneHasFreshWeightsAndCopyHasEqualButIndependentWeights() {
        Sequential m = new Sequential(new Dense(3, "relu").inputShape(2), new Dense(1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2);
        Model clone = Model.cloneModel(m);
        assertNotEquals(m.predict(x), clone.predict(x));
        Model copy = m.copyWithWeights();
        assertEquals(m.predict(x), copy.predict(x));
        copy.compile("sgd", "mse");
        copy.fit(x, Nd4j.ones(DataType.FLOAT, 4, 1), org.sparkeras.training.Fit.epochs(1).verbose(0));
        assertNotEquals(m.predict(x), copy.predict(x));
    }

    /** A user's subclassed model that describes itself with getConfig. */
    static final class Tiny extends Model {
        private final int units;
        private final Dense hidden;
        private final Dense out;

        Tiny(int units) {
            this.units = units;
            hidden = track(new Dense(units, "relu"));
            out = track(new Dense(1));
        }

        @Override
        public List<org.sparkeras.autodiff.Tensor> call(List<org.sparkeras.autodiff.Tensor> inputs, boolean training) {
            return List.of(out.apply(hidden.apply(inputs.get(0), training), training));
        }

        @Override
        public java.util.Map<String, Object> getConfig() {
            return java.util.Map.of("name", name(), "units", units);
        }
    }

    @Test
    void aSubclassedModelWithGetConfigRegisteredByTheCallerRoundTrips() {
        Registry.register(Registry.Kind.MODEL, "Tiny",
                c -> new Tiny(((Number) c.get("units")).intValue()).named((String) c.get("name")));
        Tiny m = new Tiny(7);
        String json = m.toJson();
        assertTrue(json.contains("\"class_name\" : \"Tiny\""), json);
        Model copy = Model.fromJson(json);
        assertTrue(copy instanceof Tiny);
        assertEquals(json, copy.toJson());
        m.build(List.of(new long[] {3}));
        copy.build(List.of(new long[] {3}));
        assertEquals(m.countParams(), copy.countParams());
    }

    @Test
    void nestedModelsRoundTrip() {
        Input in = Input.of("x", 3);
        Model inner = Model.of("inner", List.of(in), List.of(new Dense(2, "relu").apply(in)));
        Input outer = Input.of("y", 3);
        Model m = Model.of("outer", List.of(outer), List.of(new Dense(1).apply(inner.apply(outer))));
        Model copy = Model.fromJson(m.toJson());
        assertEquals(m.countParams(), copy.countParams());
        copy.setWeights(m.getWeights());
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        assertEquals(m.predict(x), copy.predict(x));
    }

    @Test
    void subclassedModelsAndBadConfigsAreRefusedClearly() {
        IllegalArgumentException sub = assertThrows(IllegalArgumentException.class,
                () -> new WideAndDeepModel(4, "relu").toJson());
        assertTrue(sub.getMessage().contains("is a subclassed model"), sub.getMessage());
        IllegalArgumentException cls = assertThrows(IllegalArgumentException.class, () -> Model.fromJson(
                "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"java.lang.Runtime\", "
                        + "\"config\": {}}]}}"));
        assertTrue(cls.getMessage().startsWith("Unknown layer: \"java.lang.Runtime\". Known layers: "), cls.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> Model.fromJson("{\"class_name\": \"Dense\", \"config\": {}}"));
        assertTrue(type.getMessage().contains("is not a model type"), type.getMessage());
        IllegalArgumentException dangling = assertThrows(IllegalArgumentException.class, () -> Model.fromJson(
                "{\"class_name\": \"Functional\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"name\": \"d\", "
                        + "\"config\": {\"units\": 1, \"name\": \"d\"}, \"inbound_nodes\": [[[\"nowhere\", 0, 0, {}]]]}], "
                        + "\"input_layers\": [], \"output_layers\": [[\"d\", 0, 0, {}]]}}"));
        assertTrue(dangling.getMessage().contains("never become available"), dangling.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Model.fromJson("{\"class_name\": \"Sequential\""));
    }
}
