package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkeras.backend.Host;
import org.sparkeras.models.Model;

/** Scheduled retraining: --publish / --run-id / --warm-start (RELIABILITY.md case 19), in one JVM. */
class PublishJobTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(String epochs, String... extra) throws Exception {
        String cfg = Files.readString(Path.of("conf", "housing-wide-deep.yaml")).replace("epochs: 30", "epochs: " + epochs);
        Path file = dir.resolve("housing.yaml");
        Files.writeString(file, cfg);
        List<String> args = new ArrayList<>(List.of("--config", file.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = TrainJob.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void publishesOnceLatestLastAndWarmStartsFromIt() throws Exception {
        Path registry = dir.resolve("registry");
        Run first = run("1", "--output", dir.resolve("r1").toString(), "--publish", registry.toString(), "--run-id",
                "2026-11-26");
        assertEquals(0, first.code(), first.err());
        Path published = registry.resolve("2026-11-26");
        for (String f : List.of("model.zip", "metrics.json", "history.json", "history.csv", "config.yaml", "summary.txt", "_PUBLISHED")) {
            assertTrue(Files.isRegularFile(published.resolve(f)), f);
        }
        assertEquals("2026-11-26", Files.readString(registry.resolve("latest")).trim());
        assertArrayEquals(Files.readAllBytes(dir.resolve("r1/model.zip")), Files.readAllBytes(published.resolve("model.zip")));
        assertEquals(List.of("model.zip", "metrics.json", "history.json", "history.csv", "config.yaml", "summary.txt"),
                List.of(new ObjectMapper().readValue(published.resolve("_PUBLISHED").toFile(), java.util.Map.class)
                        .get("files")).stream().flatMap(x -> ((List<?>) x).stream()).map(String::valueOf).toList());

        // The same run id again: nothing trained (no run directory written), nothing published again.
        long stamp = Files.getLastModifiedTime(published.resolve("_PUBLISHED")).toMillis();
        Run again = run("1", "--output", dir.resolve("r1-again").toString(), "--publish", registry.toString(), "--run-id",
                "2026-11-26");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already published"), again.out());
        assertFalse(Files.exists(dir.resolve("r1-again").resolve("metrics.json")));
        assertEquals(stamp, Files.getLastModifiedTime(published.resolve("_PUBLISHED")).toMillis());

        // A warm start from the latest model: its first epoch starts where the published model ended.
        Run warm = run("1", "--output", dir.resolve("r2").toString(), "--publish", registry.toString(), "--run-id",
                "2026-11-27", "--warm-start");
        assertEquals(0, warm.code(), warm.err());
        assertTrue(warm.out().contains("Warm start from run 2026-11-26"), warm.out());
        assertEquals("2026-11-27", Files.readString(registry.resolve("latest")).trim());
        double cold = new ObjectMapper().readTree(published.resolve("history.json").toFile()).get("loss").get(0).asDouble();
        double warmLoss = new ObjectMapper().readTree(dir.resolve("r2/history.json").toFile()).get("loss").get(0).asDouble();
        assertTrue(warmLoss < cold, "warm-started first epoch loss " + warmLoss + " < cold " + cold);
        Model m = Model.load(registry.resolve("2026-11-27/model.zip").toString());
        assertTrue(Host.toFloats(m.parameters().values(), null).length > 0);
    }

    @Test
    void badRunIdsAndMissingPartnersAreRefusedWithExitCode2() throws Exception {
        Path registry = dir.resolve("registry");
        Run bad = run("1", "--output", dir.resolve("a").toString(), "--publish", registry.toString(), "--run-id", "../x");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("Bad --run-id \"../x\""), bad.err());
        Run latest = run("1", "--output", dir.resolve("b").toString(), "--publish", registry.toString(), "--run-id",
                "latest");
        assertEquals(2, latest.code());
        Run noId = run("1", "--output", dir.resolve("c").toString(), "--publish", registry.toString());
        assertEquals(2, noId.code());
        assertTrue(noId.err().contains("--publish needs --run-id"), noId.err());
        Run warm = run("1", "--output", dir.resolve("d").toString(), "--warm-start");
        assertEquals(2, warm.code());
        assertTrue(warm.err().contains("--warm-start needs --publish"), warm.err());
        assertFalse(Files.exists(registry.resolve("latest")), "nothing published");
    }

    @Test
    void aRegistryThatCannotBeWrittenIsAnInfrastructureFailureAndPublishesNothing() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "a file where the registry should be");
        Path output = dir.resolve("g");
        Run r = run("1", "--output", output.toString(), "--publish", file.resolve("registry").toString(), "--run-id",
                "r1");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(file.toString()), r.err());
        assertEquals("a file where the registry should be", Files.readString(file));
    }

    @Test
    void sparkConfPassthroughTakesOnlySparkKeysAndNeedsAMaster() throws Exception {
        Run notSpark = run("1", "--output", dir.resolve("e").toString(), "--master", "local[2]", "--conf", "foo=bar");
        assertEquals(2, notSpark.code());
        assertTrue(notSpark.err().contains("--conf foo=...: only Spark settings"), notSpark.err());
        Run noMaster = run("1", "--output", dir.resolve("f").toString(), "--conf", "spark.sql.shuffle.partitions=3");
        assertEquals(2, noMaster.code());
        assertTrue(noMaster.err().contains("needs --master"), noMaster.err());
    }
}
