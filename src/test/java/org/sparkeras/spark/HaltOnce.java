package org.sparkeras.spark;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.saving.Registry;

/**
 * A test layer that passes its input through, except that the first training call that finds the
 * marker file deletes it and halts its JVM at once (as {@code kill -9} would): the way a test kills
 * one executor of a multi-JVM cluster in the middle of a round. Only one JVM wins the delete.
 */
public class HaltOnce extends Layer {
    private final String marker;

    public HaltOnce(String marker) {
        this.marker = marker;
    }

    static void register() {
        Registry.register(Registry.Kind.LAYER, "HaltOnce", c -> new HaltOnce(String.valueOf(c.get("marker"))));
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        if (training && new File(marker).delete()) {
            System.err.println("HaltOnce: halting executor JVM " + ProcessHandle.current().pid());
            Runtime.getRuntime().halt(137);
        }
        return inputs;
    }

    @Override
    protected void checkInput(int index, long[] perSample) {
        // Any shape.
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>(super.getConfig());
        c.put("marker", marker);
        return c;
    }
}
