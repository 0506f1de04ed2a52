package org.sparkeras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar {@code mvn package} builds for spark-submit (maven-shade-plugin, classifier
 * {@code app}): Sparkeras with ND4J and its natives for the build's platform, nothing of what the
 * cluster provides (Spark, Scala, Hadoop, SLF4J), and what Spark also ships only under
 * {@code org.sparkeras.shaded}, so neither side's version can break the other. The library jar
 * stays a plain jar of Sparkeras's own classes. (That the jar runs on a cluster is
 * {@code StandaloneClusterIT}.)
 */
class AppJarIT {
    private static List<String> entries;
    private static Path appJar;

    @BeforeAll
    static void read() throws IOException {
        appJar = Paths.get(System.getProperty("sparkeras.appJar", "target/missing-app.jar"));
        assertTrue(Files.isRegularFile(appJar), "no application jar at " + appJar + ": run mvn package");
        entries = names(appJar);
    }

    private static List<String> names(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            j.stream().map(ZipEntry::getName).forEach(names::add);
        }
        return names;
    }

    @Test
    void holdsSparkerasNd4jAndTheNativesOfThePlatform() {
        for (String e : List.of("org/sparkeras/jobs/TrainJob.class", "org/sparkeras/spark/SparkTrainer.class",
                "org/sparkeras/spark/SparkerasKryoRegistrator.class", "org/nd4j/linalg/factory/Nd4j.class",
                "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libjnind4jcpu.so",
                "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so",
                "org/bytedeco/javacpp/linux-x86_64/libjnijavacpp.so", "picocli/CommandLine.class",
                "org/sparkeras/shaded/com/fasterxml/jackson/databind/ObjectMapper.class",
                "org/sparkeras/shaded/org/yaml/snakeyaml/Yaml.class")) {
            assertTrue(entries.contains(e), appJar + " lacks " + e);
        }
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("org/bytedeco/openblas/linux-x86_64/")),
                "no OpenBLAS natives for linux-x86_64");
        // ND4J's, JavaCPP's and OpenBLAS's native libraries: those of linux-x86_64 only (JNA, which
        // OSHI brings, carries its small dispatch library for every platform in one jar).
        List<String> natives = entries.stream().filter(e -> e.startsWith("org/"))
                .filter(e -> e.endsWith(".so") || e.contains(".so.") || e.endsWith(".dylib") || e.endsWith(".dll"))
                .toList();
        assertTrue(natives.size() >= 4, natives.toString());
        for (String lib : natives) {
            assertTrue(lib.contains("/linux-x86_64/"), "a native library of another platform: " + lib);
        }
    }

    @Test
    void leavesOutWhatTheClusterProvides() {
        for (String provided : List.of("org/apache/spark/", "scala/", "org/apache/hadoop/", "org/slf4j/",
                "org/apache/log4j/", "org/apache/logging/")) {
            assertFalse(entries.stream().anyMatch(e -> e.startsWith(provided)), appJar + " holds " + provided);
        }
    }

    @Test
    void relocatesWhatSparkAlsoShips() {
        for (String clash : List.of("com/fasterxml/", "org/yaml/", "org/apache/commons/", "com/google/flatbuffers/",
                "com/google/protobuf/", "com/google/thirdparty/")) {
            List<String> found = entries.stream().filter(e -> e.startsWith(clash)).limit(3).toList();
            assertEquals(List.of(), found, clash + " is not relocated in " + appJar);
        }
    }

    @Test
    void mergesNd4jServiceFilesAndStaysLoadable() throws IOException {
        try (JarFile j = new JarFile(appJar.toFile())) {
            ZipEntry backend = j.getEntry("META-INF/services/org.nd4j.linalg.factory.Nd4jBackend");
            assertTrue(backend != null, "no ND4J backend service file");
            String text = new String(j.getInputStream(backend).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"), text);
            assertTrue(j.getManifest().getMainAttributes().getValue("Implementation-Title").contains("linux-x86_64"));
        }
    }

    @Test
    void theLibraryJarHoldsOnlySparkeras() throws IOException {
        Path lib = Paths.get(appJar.toString().replace("-app.jar", ".jar"));
        List<String> own = names(lib).stream().filter(e -> e.endsWith(".class")).toList();
        assertFalse(own.isEmpty(), lib + " has no classes");
        assertEquals(List.of(), own.stream().filter(e -> !e.startsWith("org/sparkeras/")).limit(3).toList());
        assertFalse(own.stream().anyMatch(e -> e.startsWith("org/sparkeras/shaded/")));
    }
}
