package org.sparkeras.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Variable;

class OptimizerStateTest {

    private static ParameterStore store() {
        return new ParameterStore(List.of(new Variable("w", Nd4j.createFromArray(new float[] {1f, -2f, 3f}), true)),
                DataType.FLOAT);
    }

    @Test
    void aRestoredOptimizerContinuesExactlyLikeTheOriginal() {
        ParameterStore a = store(), b = store();
        Optimizer original = new Adam(0.1);
        INDArray g = Nd4j.createFromArray(new float[] {0.5f, -1f, 0.25f});
        for (int i = 0; i < 3; i++) {
            a.grads().assign(g);
            original.apply(a);
        }
        Map<String, INDArray> dict = original.stateDict();
        assertEquals(3.0, dict.get("iterations").getDouble(0));
        assertTrue(dict.containsKey("state_0") && dict.containsKey("state_1"));
        b.values().assign(a.values());
        Optimizer restored = new Adam(0.1);
        restored.loadStateDict(dict, 3);
        assertEquals(3, restored.iterations());
        a.grads().assign(g);
        original.apply(a);
        b.grads().assign(g);
        restored.apply(b);
        assertEquals(a.values(), b.values());
    }

    @Test
    void mismatchedStateIsRefused() {
        Optimizer adam = new Adam();
        Map<String, INDArray> bad = Map.of("iterations", Nd4j.scalar(DataType.DOUBLE, 2.0),
                "state_0", Nd4j.zeros(DataType.FLOAT, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(bad, 3));
        assertTrue(e.getMessage().contains("\"state_0\" has 5 values, expected 3"), e.getMessage());
        IllegalArgumentException it = assertThrows(IllegalArgumentException.class,
                () -> adam.loadStateDict(Map.of("iterations", Nd4j.scalar(DataType.DOUBLE, -1.0)), 3));
        assertTrue(it.getMessage().contains("iterations"), it.getMessage());
    }
}
