package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.optimizers.Adam;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.training.Compile;

class ModelArchiveCompileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(11);
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static Sequential model() {
        return new Sequential(new Dense(4, "tanh").inputShape(3), new Dense(1));
    }

    @Test
    void optimizerStateIsRestoredSoTheNextStepIsIdentical() throws IOException {
        Sequential m = model();
        m.compile(Compile.optimizer(new Adam(0.01).beta1(0.8)).loss("mse").metrics("mae"));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3);
        INDArray y = Nd4j.rand(DataType.FLOAT, 8, 1);
        for (int i = 0; i < 3; i++) {
            m.trainOnBatch(x, y);
        }
        String path = file("adam.keras");
        m.save(path, false, 11L);
        Model copy = Model.load(path);
        assertTrue(copy.isCompiled());
        Optimizer o = copy.compiled().optimizer();
        assertEquals("adam", o.name());
        assertEquals(0.01, o.learningRate(), 0);
        assertEquals(0.8, ((Number) o.getConfig().get("beta_1")).doubleValue(), 0);
        assertEquals(3, o.iterations());
        assertEquals("mean_squared_error", copy.compiled().losses().get(0).name());
        assertEquals("mae", copy.compiled().metrics(0).get(0).name());

        Map<String, byte[]> entries = ModelArchive.readEntries(Files.readAllBytes(dir.resolve("adam.keras")), path);
        assertEquals(List.of("metadata.json", "config.json", "model.safetensors", "optimizer.safetensors"),
                List.copyOf(entries.keySet()));
        assertTrue(new String(entries.get("metadata.json"), StandardCharsets.UTF_8).contains("\"seed\" : 11"));
        assertEquals(m.compiled().optimizer().stateDict().keySet(),
                SafeTensors.read(entries.get("optimizer.safetensors"), "o").tensors().keySet());

        // Control: the same weights with a fresh optimizer take a different step.
        Model fresh = m.copyWithWeights();
        fresh.compile(Compile.optimizer(new Adam(0.01).beta1(0.8)).loss("mse").metrics("mae"));

        Map<String, Double> a = m.trainOnBatch(x, y);
        Map<String, Double> b = copy.trainOnBatch(x, y);
        fresh.trainOnBatch(x, y);
        assertEquals(a, b);
        List<INDArray> wa = m.getWeights(), wb = copy.getWeights(), wf = fresh.getWeights();
        assertEquals(wa.size(), wb.size());
        boolean freshDiffers = false;
        for (int i = 0; i < wa.size(); i++) {
            // Bit-exact: INDArray.equals allows a tolerance.
            assertArrayEquals(wa.get(i).dup().data().asFloat(), wb.get(i).dup().data().asFloat());
            freshDiffers |= !Arrays.equals(wa.get(i).dup().data().asFloat(), wf.get(i).dup().data().asFloat());
        }
        assertTrue(freshDiffers);
    }

    @Test
    void perOutputLossesWeightsAndMetricsRoundTrip() throws IOException {
        Input in = Input.of("in", 3);
        KerasTensor h = new Dense(4, "relu").named("h").apply(in);
        KerasTensor a = new Dense(1).named("a").apply(h);
        KerasTensor b = new Dense(2, "softmax").named("b").apply(h);
        Model m = Model.of("two_outputs", List.of(in), List.of(a, b));
        m.compile(Compile.optimizer("sgd").loss(Map.of("a", "huber", "b", "sparse_categorical_crossentropy"))
                .lossWeights(Map.of("a", 0.25)).metrics(Map.of("b", List.of("accuracy"))));
        String path = file("two.keras");
        m.save(path);
        Model copy = Model.load(path);
        assertEquals("huber", copy.compiled().losses().get(0).name());
        assertEquals("sparse_categorical_crossentropy", copy.compiled().losses().get(1).name());
        assertEquals(0.25, copy.compiled().lossWeights()[0], 0);
        assertEquals(1.0, copy.compiled().lossWeights()[1], 0);
        assertTrue(copy.compiled().metrics(0).isEmpty());
        assertEquals("accuracy", copy.compiled().metrics(1).get(0).name());
        assertEquals("sgd", copy.compiled().optimizer().name());
        // Not trained: no optimizer state to write.
        assertFalse(ModelArchive.readEntries(Files.readAllBytes(dir.resolve("two.keras")), path)
                .containsKey("optimizer.safetensors"));
    }

    @Test
    void uncompiledModelLoadsUncompiledWithoutSeed() throws IOException {
        Sequential m = model();
        String path = file("plain.keras");
        m.save(path);
        assertFalse(Model.load(path).isCompiled());
        Map<String, byte[]> entries = ModelArchive.readEntries(Files.readAllBytes(dir.resolve("plain.keras")), path);
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        assertFalse(config.contains("compile_config"), config);
        assertFalse(new String(entries.get("metadata.json"), StandardCharsets.UTF_8).contains("seed"));
    }

    private String refusedWithConfig(String from, String to) throws IOException {
        Sequential m = model();
        m.compile("adam", "mse", "mae");
        String path = file("src-" + System.nanoTime() + ".keras");
        m.save(path);
        Map<String, byte[]> entries = ModelArchive.readEntries(Files.readAllBytes(Path.of(path)), path);
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains(from), config);
        entries.put("config.json", config.replace(from, to).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        Path bad = Files.write(dir.resolve("bad-" + System.nanoTime() + ".keras"), bytes.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.load(bad.toString()));
        assertTrue(e.getMessage().contains("entry \"config.json\""), e.getMessage());
        return e.getMessage();
    }

    @Test
    void unknownNamesAreRefusedWithTheRegistryMessage() throws IOException {
        String o = refusedWithConfig("\"class_name\" : \"adam\"", "\"class_name\" : \"adamw_nope\"");
        assertTrue(o.contains("Unknown optimizer: \"adamw_nope\"") && o.contains("Known optimizers"), o);
        String l = refusedWithConfig("\"class_name\" : \"mean_squared_error\"", "\"class_name\" : \"hinge_nope\"");
        assertTrue(l.contains("Unknown loss: \"hinge_nope\"") && l.contains("Known losses"), l);
        String mt = refusedWithConfig("[ \"mae\" ]", "[ \"f1_nope\" ]");
        assertTrue(mt.contains("Unknown metric: \"f1_nope\"") && mt.contains("Known metrics"), mt);
        String w = refusedWithConfig("\"loss_weights\"", "\"loss_weightz\"");
        assertTrue(w.contains("loss_weights"), w);
    }
}
