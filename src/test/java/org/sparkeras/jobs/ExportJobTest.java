package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkeras.testing.OnnxRuntimeSession.assertClose;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.Ops;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.backend.Seeds;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;
import org.sparkeras.saving.Registry;
import org.sparkeras.testing.OnnxRuntimeSession;

/** jobs/export.sh: a saved archive to an ONNX file, and its exit codes. */
class ExportJobTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = ExportJob.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exportsATwoInputTwoOutputArchiveThatOnnxRuntimeRuns() throws Exception {
        Seeds.setRandomSeed(9);
        Input wide = Input.of("wide_input", 5), deep = Input.of("deep_input", 6);
        KerasTensor h = new Dense(30, "relu").apply(deep);
        KerasTensor main = new Dense(1).named("main_output").apply(new Concatenate().apply(wide, h));
        KerasTensor aux = new Dense(1).named("aux_output").apply(h);
        Model model = Model.of(List.of(wide, deep), List.of(main, aux));
        String archive = dir.resolve("model.zip").toString(), onnx = dir.resolve("model.onnx").toString();
        model.save(archive);

        Run ok = run("--model", archive, "--output", onnx);
        assertEquals(0, ok.code(), ok.err());
        // A run directory (here: the one holding model.zip) names the same model.
        Run fromDir = run("--model", dir.toString(), "--output", dir.resolve("from-dir.onnx").toString());
        assertEquals(0, fromDir.code(), fromDir.err());
        assertArrayEquals(Files.readAllBytes(Path.of(onnx)), Files.readAllBytes(dir.resolve("from-dir.onnx")));
        assertTrue(ok.out().startsWith("Exported model \"" + model.name() + "\" (Functional, 277 parameters) from "
                + archive + " to " + onnx + ": ONNX opset 17, IR version 8, "), ok.out());
        assertTrue(ok.out().contains("inputs:  wide_input (batch, 5), deep_input (batch, 6)"), ok.out());
        assertTrue(ok.out().contains("outputs: main_output (batch, 1), aux_output (batch, 1)"), ok.out());
        INDArray xw = Nd4j.rand(DataType.FLOAT, 7, 5), xd = Nd4j.rand(DataType.FLOAT, 7, 6);
        List<INDArray> expected = model.predict(List.of(xw, xd), 7);
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(Files.readAllBytes(Path.of(onnx)))) {
            Map<String, INDArray> actual = ort.run(Map.of("wide_input", xw, "deep_input", xd));
            assertClose(expected.get(0), actual.get("main_output"), 1e-5, "main_output");
            assertClose(expected.get(1), actual.get("aux_output"), 1e-5, "aux_output");
        }

        byte[] before = Files.readAllBytes(Path.of(onnx));
        Run exists = run("--model", archive, "--output", onnx);
        assertEquals(2, exists.code(), exists.err());
        assertEquals("error: Output " + onnx + " exists; pass --overwrite to replace it\n", exists.err());
        assertArrayEquals(before, Files.readAllBytes(Path.of(onnx)));
        Run overwrite = run("--model", archive, "--output", onnx, "--overwrite");
        assertEquals(0, overwrite.code(), overwrite.err());
    }

    @Test
    void aMissingOrInvalidArchiveIsBadInput() throws Exception {
        String onnx = dir.resolve("out.onnx").toString();
        Run missing = run("--model", dir.resolve("nothing.zip").toString(), "--output", onnx);
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("error: Model not found: " + dir.resolve("nothing.zip") + " does not exist"),
                missing.err());

        Path text = dir.resolve("notes.zip");
        Files.writeString(text, "not a zip");
        Run invalid = run("--model", text.toString(), "--output", onnx);
        assertEquals(2, invalid.code());
        assertTrue(invalid.err().startsWith("error: Invalid model archive " + text + ", entry \"(archive structure)\": "),
                invalid.err());

        Run directory = run("--model", dir.toString(), "--output", onnx);
        assertEquals(2, directory.code());
        assertTrue(directory.err().startsWith("error: No model in directory " + dir), directory.err());
        assertFalse(Files.exists(Path.of(onnx)));

        Run usage = run("--model", "x.zip");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required option: '--output=<output>'"), usage.err());
    }

    /** A custom layer, registered so its archive loads, with no ONNX conversion. */
    static final class Square extends Layer {
        @Override
        public Tensor call(Tensor inputs, boolean training) {
            return Ops.square(inputs);
        }
    }

    @Test
    void anUnexportableLayerIsBadInputNamingIt() throws Exception {
        Registry.register(Registry.Kind.LAYER, "Square", config -> new Square().named((String) config.get("name")));
        Sequential model = new Sequential(Input.of(3), new Dense(2), new Square().named("square_it"));
        String archive = dir.resolve("square.zip").toString(), onnx = dir.resolve("square.onnx").toString();
        model.save(archive);
        Run r = run("--model", archive, "--output", onnx);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: Layer \"square_it\" (Square) cannot be exported to ONNX: there is no ONNX "
                + "conversion for its class " + Square.class.getName()), r.err());
        assertFalse(Files.exists(Path.of(onnx)));
    }

    @Test
    void anUnwritableOutputIsAnIoFailure() throws Exception {
        Sequential model = new Sequential(Input.of(3), new Dense(2));
        String archive = dir.resolve("m.zip").toString();
        model.save(archive);
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "a file, not a directory");
        Run r = run("--model", archive, "--output", blocker.resolve("model.onnx").toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--model=<model>") && r.out().contains("--output=<output>")
                && r.out().contains("--overwrite"), r.out());
    }
}
