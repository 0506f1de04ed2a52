package org.sparkeras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layout rules of DESIGN.md that a build can check. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/org/sparkeras");

    @Test
    void onlySparkAndJobsPackagesImportSpark() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("spark")) && !p.startsWith(MAIN.resolve("jobs")))
                    .filter(p -> read(p).lines().map(String::trim)
                            .filter(l -> !l.startsWith("*") && !l.startsWith("//") && !l.startsWith("/*"))
                            .anyMatch(l -> l.contains("org.apache.spark.")))
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    /** ONNX Runtime is a provided dependency for the inference benchmark: the core, the export included, runs without it. */
    @Test
    void onlyJobsImportOnnxRuntime() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("jobs")))
                    .filter(p -> read(p).lines().map(String::trim).anyMatch(l -> l.startsWith("import ai.onnxruntime")))
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    @Test
    void everyPackageSaysWhatLivesThere() throws IOException {
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            List<String> missing = dirs.filter(Files::isDirectory)
                    .filter(d -> hasJava(d) && !Files.exists(d.resolve("package-info.java")))
                    .map(Path::toString).toList();
            assertEquals(List.of(), missing);
        }
        assertTrue(Files.exists(MAIN.resolve("autodiff/package-info.java")));
    }

    private static boolean hasJava(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".java"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
