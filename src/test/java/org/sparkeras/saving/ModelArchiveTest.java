package org.sparkeras.saving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.backend.Seeds;
import org.sparkeras.jobs.WideAndDeepModel;
import org.sparkeras.layers.Concatenate;
import org.sparkeras.layers.Dense;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Names;
import org.sparkeras.models.Model;
import org.sparkeras.models.Sequential;

class ModelArchiveTest {
    private static final String FUZZ_CHARS = "0123456789\"{}[],:-.e ";

    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Names.reset();
        Seeds.setRandomSeed(5);
    }

    private static Sequential sequential() {
        return new Sequential(new Dense(5, "relu").inputShape(3), new Dense(2, "softmax"));
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void sequentialRoundTripGivesTheSamePredictionsAndCompileSettings() throws IOException {
        Sequential m = sequential();
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        String path = file("model.keras");
        m.save(path);
        Model copy = Model.load(path);
        assertEquals(m.predict(x), copy.predict(x));
        assertTrue(copy.isCompiled());
        assertEquals(m.summaryString(), copy.summaryString());
        Map<String, byte[]> entries = ModelArchive.readEntries(Files.readAllBytes(dir.resolve("model.keras")), path);
        assertEquals(List.of("metadata.json", "config.json", "model.safetensors"), List.copyOf(entries.keySet()));
        String meta = new String(entries.get("metadata.json"), StandardCharsets.UTF_8);
        assertTrue(meta.contains("\"format_version\" : \"1\"") && meta.contains("\"class_name\" : \"Sequential\"")
                && meta.contains("\"library_version\" : \"0.1.0\""), meta);
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains("\"compile_config\"") && config.contains("\"adam\""), config);
        assertTrue(SafeTensors.read(entries.get("model.safetensors"), "w").tensors().containsKey("dense/kernel"));
    }

    @Test
    void functionalRoundTripGivesTheSamePredictions() {
        Input a = Input.of("a", 3), b = Input.of("b", 2);
        KerasTensor h = new Dense(4, "tanh").named("hidden").apply(a);
        KerasTensor out = new Dense(1).named("out").apply(new Concatenate().apply(h, b));
        Model m = Model.of("two_inputs", List.of(a, b), List.of(out));
        String path = file("functional.keras");
        m.save(path);
        Model copy = Model.load(path);
        assertFalse(copy.isCompiled());
        List<INDArray> x = List.of(Nd4j.rand(DataType.FLOAT, 5, 3), Nd4j.rand(DataType.FLOAT, 5, 2));
        assertEquals(m.predict(x, 32), copy.predict(x, 32));
    }

    @Test
    void subclassedModelWeightsRoundTripAndSaveIsRefused() {
        List<long[]> shapes = List.of(new long[] {5}, new long[] {6});
        WideAndDeepModel m = new WideAndDeepModel(8, "relu");
        m.build(shapes);
        List<INDArray> x = List.of(Nd4j.rand(DataType.FLOAT, 3, 5), Nd4j.rand(DataType.FLOAT, 3, 6));
        String path = file("wd.safetensors");
        m.saveWeights(path);
        Names.reset(); // as in a new JVM: weights are matched by layer names, which come from a global counter
        WideAndDeepModel other = new WideAndDeepModel(8, "relu");
        other.build(shapes);
        assertNotEquals(m.predict(x, 32).get(0), other.predict(x, 32).get(0));
        other.loadWeights(path);
        assertEquals(m.predict(x, 32).get(0), other.predict(x, 32).get(0));
        assertEquals(m.predict(x, 32).get(1), other.predict(x, 32).get(1));

        Names.reset();
        WideAndDeepModel wrong = new WideAndDeepModel(4, "relu");
        wrong.build(shapes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.loadWeights(path));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());

        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> m.save(file("wd.keras")));
        assertTrue(s.getMessage().contains("subclassed model"), s.getMessage());
        assertFalse(Files.exists(dir.resolve("wd.keras")));
    }

    @Test
    void loadWeightsListsMissingAndExtraNames() {
        Sequential m = sequential();
        String path = file("seq.safetensors");
        m.saveWeights(path);
        Names.reset();
        Sequential other = new Sequential(new Dense(5, "relu").inputShape(3), new Dense(2).named("renamed"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadWeights(path));
        assertTrue(e.getMessage().contains("missing [renamed/bias, renamed/kernel]")
                && e.getMessage().contains("unexpected [dense_1/bias, dense_1/kernel]"), e.getMessage());
    }

    @Test
    void overwriteIsRefusedUnlessAsked() throws IOException {
        Sequential m = sequential();
        String path = file("m.keras");
        m.save(path);
        byte[] before = Files.readAllBytes(dir.resolve("m.keras"));
        Sequential other = sequential();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> other.save(path));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("overwrite"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("m.keras")));
        other.save(path, true);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3);
        assertEquals(other.predict(x), Model.load(path).predict(x));
        assertEquals(List.of("m.keras"), listing());
    }

    private List<String> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failedWritesLeaveNoTempFileAndNoDestination() throws IOException {
        Files.writeString(dir.resolve("afile"), "x");
        String under = dir.resolve("afile").resolve("m.keras").toString();
        assertThrows(IOException.class, () -> FileStore.write(under, new byte[] {1, 2, 3}, false));
        assertThrows(IOException.class, () -> FileStore.write(under, new byte[] {1, 2, 3}, true));
        // The rename fails: the destination is a non-empty directory.
        Files.createDirectories(dir.resolve("taken").resolve("inside"));
        assertThrows(IOException.class, () -> FileStore.write(file("taken"), new byte[] {1, 2, 3}, true));
        assertEquals(List.of("afile", "taken"), listing());
        assertEquals("x", Files.readString(dir.resolve("afile")));
        assertTrue(Files.isDirectory(dir.resolve("taken").resolve("inside")));
    }

    @Test
    void fileStoreReadsWithAFileUriAndRefusesLargeFiles() throws IOException {
        String uri = dir.resolve("data.bin").toUri().toString();
        assertTrue(uri.startsWith("file:"));
        FileStore.write(uri, new byte[100], false);
        assertTrue(FileStore.exists(uri));
        assertEquals(100, FileStore.read(dir.resolve("data.bin").toString(), 100).length);
        IOException e = assertThrows(IOException.class, () -> FileStore.read(uri, 99));
        assertTrue(e.getMessage().contains("data.bin") && e.getMessage().contains("100")
                && e.getMessage().contains("99"), e.getMessage());
    }

    // ---------------------------------------------------------------- hostile archives

    private byte[] validArchive() throws IOException {
        Sequential m = sequential();
        m.save(file("valid.keras"), true);
        return Files.readAllBytes(dir.resolve("valid.keras"));
    }

    private Map<String, byte[]> validEntries() throws IOException {
        return ModelArchive.readEntries(validArchive(), "valid");
    }

    private static byte[] zip(List<Map.Entry<String, byte[]>> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    private String refused(byte[] archive, String entry) throws IOException {
        Path p = Files.write(dir.resolve("hostile-" + System.nanoTime() + ".keras"), archive);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.load(p.toString()));
        assertTrue(e.getMessage().contains("entry \"" + entry + "\""), e.getMessage());
        return e.getMessage();
    }

    private List<Map.Entry<String, byte[]>> plus(String name, byte[] data) throws IOException {
        List<Map.Entry<String, byte[]>> l = new java.util.ArrayList<>(validEntries().entrySet());
        l.add(Map.entry(name, data));
        return l;
    }

    @Test
    void hostileEntryNamesAreRefused() throws IOException {
        assertTrue(refused(zip(plus("../evil", new byte[1])), "../evil").contains("plain file names"));
        assertTrue(refused(zip(plus("/etc/passwd", new byte[1])), "/etc/passwd").contains("plain file names"));
        // ZipOutputStream refuses duplicates: write another name of the same length, then patch it.
        byte[] dup = zip(plus("model.safetensorz", new byte[1]));
        byte[] from = "model.safetensorz".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + from.length <= dup.length; i++) {
            if (java.util.Arrays.equals(dup, i, i + from.length, from, 0, from.length)) {
                dup[i + from.length - 1] = 's';
            }
        }
        assertTrue(refused(dup, "model.safetensors").contains("duplicate"));
        assertTrue(refused(zip(plus("extra.txt", new byte[1])), "extra.txt").contains("unexpected"));
        assertTrue(refused(zip(plus("weights/", new byte[0])), "weights/").contains("directory"));
        assertTrue(refused(zip(plus("a\\b", new byte[1])), "a\\b").contains("plain file names"));
        List<Map.Entry<String, byte[]>> many = new java.util.ArrayList<>();
        for (int i = 0; i < 17; i++) {
            many.add(Map.entry("x" + i, new byte[1]));
        }
        refused(zip(many), "x0");
    }

    @Test
    void oversizedConfigAndCompressionBombAreRefused() throws IOException {
        Map<String, byte[]> valid = validEntries();
        byte[] big = new byte[(int) ModelArchive.MAX_JSON_BYTES + 10];
        new Random(1).nextBytes(big);
        List<Map.Entry<String, byte[]>> l = new java.util.ArrayList<>();
        l.add(Map.entry("metadata.json", valid.get("metadata.json")));
        l.add(Map.entry("config.json", big));
        assertTrue(refused(zip(l), "config.json").contains("limit"));

        List<Map.Entry<String, byte[]>> bomb = new java.util.ArrayList<>();
        bomb.add(Map.entry("metadata.json", valid.get("metadata.json")));
        bomb.add(Map.entry("model.safetensors", new byte[50 * 1024 * 1024]));
        byte[] archive = zip(bomb);
        assertTrue(archive.length < 1024 * 1024);
        assertTrue(refused(archive, "model.safetensors").contains("compression ratio"));
    }

    @Test
    void missingEntriesAndBadConfigsAreRefused() throws IOException {
        Map<String, byte[]> valid = validEntries();
        assertTrue(refused(zip(List.of(Map.entry("metadata.json", valid.get("metadata.json")),
                Map.entry("model.safetensors", valid.get("model.safetensors")))), "config.json").contains("missing"));
        byte[] javaClass = "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"java.lang.Runtime\",\"config\":{}}]}}"
                .getBytes(StandardCharsets.UTF_8);
        String msg = refused(zip(List.of(Map.entry("metadata.json", valid.get("metadata.json")),
                Map.entry("config.json", javaClass), Map.entry("model.safetensors", valid.get("model.safetensors")))),
                "config.json");
        assertTrue(msg.contains("Unknown layer"), msg);
        byte[] wrongTypes = "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":\"Dense\",\"config\":{\"units\":\"many\"}}]}}"
                .getBytes(StandardCharsets.UTF_8);
        refused(zip(List.of(Map.entry("metadata.json", valid.get("metadata.json")),
                Map.entry("config.json", wrongTypes), Map.entry("model.safetensors", valid.get("model.safetensors")))),
                "config.json");
        refused(new byte[] {'P', 'K', 3, 4, 0, 0}, "(archive structure)");
    }

    @Test
    void fuzzedArchivesGiveCleanErrorsOrValidModels() throws IOException {
        // At least 10,000 mutations in total; the base archive is the small uncompiled 3-5-2 model, and its valid
        // bytes (and entries) are built once and cloned for every mutation.
        final int archiveMutations = 6_000, contentMutations = 4_000;
        byte[] valid = validArchive();
        Random r = new Random(42);
        Path p = dir.resolve("fuzz.keras");
        int loaded = 0, runs = 0;
        for (int i = 0; i < archiveMutations; i++) {
            byte[] m = valid.clone();
            int kind = r.nextInt(4);
            if (kind == 0) {
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                }
            } else if (kind == 1) {
                m = java.util.Arrays.copyOf(m, r.nextInt(m.length));
            } else if (kind == 2) {
                // Mutate the header region where names, sizes and methods live.
                int at = r.nextInt(Math.min(m.length, 120));
                m[at] = (byte) r.nextInt(256);
            } else {
                int at = r.nextInt(m.length), len = Math.min(m.length - at, 1 + r.nextInt(64));
                java.util.Arrays.fill(m, at, at + len, (byte) r.nextInt(256));
            }
            Files.write(p, m);
            runs++;
            try {
                Model.load(p.toString());
                loaded++;
            } catch (IllegalArgumentException | UncheckedIOException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            }
        }
        assertTrue(loaded < archiveMutations);

        // Content mutations behind valid CRCs: the JSON and safetensors decoders see them.
        Map<String, byte[]> entries = ModelArchive.readEntries(valid, "valid");
        List<String> names = List.copyOf(entries.keySet());
        for (int i = 0; i < contentMutations; i++) {
            List<Map.Entry<String, byte[]>> l = new java.util.ArrayList<>();
            String target = names.get(r.nextInt(names.size()));
            for (String n : names) {
                byte[] d = entries.get(n);
                if (n.equals(target)) {
                    d = d.clone();
                    int limit = n.equals("model.safetensors") ? Math.min(d.length, 400) : d.length;
                    for (int k = 1 + r.nextInt(3); k > 0; k--) {
                        d[r.nextInt(limit)] = (byte) (r.nextBoolean() ? r.nextInt(256) : FUZZ_CHARS.charAt(r.nextInt(FUZZ_CHARS.length())));
                    }
                }
                l.add(Map.entry(n, d));
            }
            Files.write(p, zip(l));
            runs++;
            try {
                Model.load(p.toString());
            } catch (IllegalArgumentException | UncheckedIOException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            }
        }
        assertTrue(runs >= 10_000, "only " + runs + " mutations ran");
    }

    @Test
    void readEntriesChecksDeclaredSizes() throws IOException {
        byte[] archive = validArchive();
        Map<String, byte[]> entries = ModelArchive.readEntries(archive, "valid");
        try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(archive))) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                sizes.put(e.getName(), (long) z.readAllBytes().length);
            }
            for (Map.Entry<String, byte[]> x : entries.entrySet()) {
                assertEquals(sizes.get(x.getKey()), x.getValue().length);
            }
        }
    }
}
