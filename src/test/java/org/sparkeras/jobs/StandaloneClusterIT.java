package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.sparkeras.backend.Host;
import org.sparkeras.models.Model;

/**
 * Deployment on a real Spark standalone cluster on 127.0.0.1 (issue 6; RELIABILITY.md 14-19): a
 * Master and two Worker JVMs run from a Spark distribution assembled from Maven
 * ({@code target/spark-dist/jars}, Spark's jars without Sparkeras's libraries, and a
 * {@code bin/spark-submit} that runs Spark's launcher as a distribution's does). The MNIST job is
 * run with {@code jobs/train.sh}, which finds {@code $SPARK_HOME/bin/spark-submit} and submits the
 * packaged application jar, so the driver and the executors get ND4J only from that jar.
 *
 * <ol>
 *   <li>A run trains and publishes (exit 0, {@code <registry>/r1/_PUBLISHED}, {@code latest}).</li>
 *   <li>A second run loses a Worker JVM (and so its executor) mid-training and still publishes,
 *       with the very parameters of the first run (a lost task is recomputed, never counted twice).</li>
 *   <li>A third run's driver is killed after its first epoch's backup; the same command run again
 *       resumes from that backup, publishes once, with the parameters of the first run; a fourth
 *       identical command exits 0 without training or publishing.</li>
 * </ol>
 * Run by {@code mvn verify} (failsafe) after the application jar is packaged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final Path PROJECT = Paths.get("").toAbsolutePath();
    private static final int EPOCHS = 4;
    private static final int ROUNDS_PER_EPOCH = 3; // 1250 rows per partition, batch 32, 16 steps per round

    private static Path work;
    private static Path sparkHome;
    private static String masterUrl;
    private static final List<Process> daemons = new ArrayList<>();
    private static Process master;
    private static final List<Process> workers = new ArrayList<>();
    private static Path config;
    private static Path registry;

    @BeforeAll
    static void startCluster() throws Exception {
        Path jar = Paths.get(System.getProperty("sparkeras.appJar", "target/missing-app.jar"));
        assertTrue(Files.isRegularFile(jar), "the application jar " + jar + " is missing: run mvn verify (package)");
        Path dist = PROJECT.resolve("target/spark-dist/jars");
        assertTrue(Files.isDirectory(dist), "the Spark distribution jars " + dist + " are missing");
        work = Files.createTempDirectory(PROJECT.resolve("target"), "standalone-it-");
        sparkHome = work.resolve("spark");
        Files.createDirectories(sparkHome.resolve("bin"));
        Files.createSymbolicLink(sparkHome.resolve("jars"), dist);
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark (jars resolved by Maven, for StandaloneClusterIT)\n");
        Path submit = sparkHome.resolve("bin/spark-submit");
        try (InputStream in = StandaloneClusterIT.class.getResourceAsStream("spark-submit")) {
            Files.copy(in, submit);
        }
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));

        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        master = daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        await(() -> log("master").contains("I have been elected leader"), 60, "the Master to start", "master");
        workers.add(startWorker(1));
        workers.add(startWorker(2));
        await(() -> count(log("master"), "Registering worker") >= 2, 60, "two Workers to register", "master");

        registry = work.resolve("registry");
        config = work.resolve("mnist-small.yaml");
        Files.writeString(config, String.join("\n",
                "description: the MNIST MLP, small, on a standalone cluster",
                "model:",
                "  type: sequential",
                "  name: mnist_mlp",
                "  input_shape: [28, 28]",
                "  layers:",
                "    - {class_name: Flatten}",
                "    - {class_name: Dense, units: 300, activation: relu}",
                "    - {class_name: Dense, units: 100, activation: relu}",
                "    - {class_name: Dense, units: 10, activation: softmax}",
                "data:",
                "  source: mnist",
                "  path: " + PROJECT.resolve("data/mnist"),
                "  validation_samples: 500",
                "  train_limit: 3000",
                "  test_limit: 1000",
                "training:",
                "  optimizer: {name: sgd, learning_rate: 0.01, momentum: 0.9, nesterov: true}",
                "  loss: sparse_categorical_crossentropy",
                "  metrics: [accuracy]",
                "  epochs: " + EPOCHS,
                "  batch_size: 32",
                "  seed: 7",
                "  verbose: 2",
                "  spark: {partitions: 2, averaging_frequency: 16}",
                ""));
    }

    @AfterAll
    static void stopCluster() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void trainsOnTheClusterAndPublishes() throws Exception {
        Job r1 = Job.start("r1");
        assertEquals(0, r1.waitFor(), r1.describe());
        assertPublished("r1", r1);
        assertEquals("r1", Files.readString(registry.resolve("latest")).trim());
        JsonNode metrics = new ObjectMapper().readTree(registry.resolve("r1/metrics.json").toFile());
        assertEquals("spark", metrics.get("trainer").asText());
        assertEquals(masterUrl, metrics.get("master").asText());
        assertEquals(2, metrics.get("partitions").asInt());
        assertEquals(EPOCHS, metrics.get("epochs").asInt());
        assertTrue(metrics.get("test_accuracy").asDouble() > 0.8, "test accuracy " + metrics.get("test_accuracy"));
        // The driver logs each round (SLF4J) and the run directory has the CSV and TensorBoard logs.
        assertTrue(r1.err().contains("Epoch " + EPOCHS + "/" + EPOCHS + ", round " + ROUNDS_PER_EPOCH + "/"
                + ROUNDS_PER_EPOCH), r1.describe());
        assertEquals(EPOCHS + 1, Files.readAllLines(r1.output.resolve("history.csv")).size());
        assertTrue(Files.list(r1.output.resolve("tensorboard")).findAny().isPresent());
        assertFalse(Files.exists(r1.output.resolve(TrainJob.BACKUP_DIR + "/latest.json")),
                "a finished run leaves no backup");
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void evaluatesAndDescribesThePublishedModelThroughSparkSubmit() throws Exception {
        Path out = work.resolve("eval-r1");
        Job eval = Job.script("evaluate.sh", "eval", out, "--model", registry.toString(), "--config",
                config.toString(), "--output", out.toString(), "--master", masterUrl, "--conf",
                "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g");
        assertEquals(0, eval.waitFor(), eval.describe());
        JsonNode published = new ObjectMapper().readTree(registry.resolve("r1/metrics.json").toFile());
        JsonNode evaluation = new ObjectMapper().readTree(out.resolve("evaluation.json").toFile());
        assertEquals(masterUrl, evaluation.get("master").asText());
        assertEquals(published.get("test_loss").asDouble(), evaluation.get("metrics").get("loss").asDouble(), 1e-6,
                evaluation.toString());
        assertEquals(published.get("test_accuracy").asDouble(),
                evaluation.get("metrics").get("accuracy").asDouble(), 1e-9);
        assertTrue(eval.out().contains("accuracy="), eval.describe());

        Job describe = Job.script("describe.sh", "describe", out, "--model", registry.toString(), "--json");
        assertEquals(0, describe.waitFor(), describe.describe());
        String json = describe.out().substring(describe.out().indexOf('{'));
        JsonNode d = new ObjectMapper().readTree(json);
        assertTrue(d.toString().contains("266610"), "the MNIST MLP has 266,610 parameters: " + d);
        assertTrue(d.toString().contains("r1"), d.toString());
    }

    @Test
    @Order(3)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void survivesTheLossOfAWorkerMidRun() throws Exception {
        Job r2 = Job.start("r2");
        r2.await(() -> r2.err().contains("Epoch 2/" + EPOCHS + ", round 2/"), "run r2 to reach epoch 2");
        Process victim = workers.remove(1);
        victim.destroyForcibly();
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the killed Worker JVM did not exit");
        assertEquals(0, r2.waitFor(), r2.describe());
        assertPublished("r2", r2);
        assertEquals("r2", Files.readString(registry.resolve("latest")).trim());
        assertTrue(log("master").contains("Removing worker"), "the Master did not notice the lost Worker:\n"
                + log("master"));
        assertTrue(Pattern.compile("(?i)lost executor|executor lost|executor \\d+ removed|removed executor")
                .matcher(r2.err()).find(), "the driver did not lose an executor:\n" + r2.describe());
        assertSameParameters("r1", "r2");
        workers.add(startWorker(3)); // the cluster is whole again for the next test
        await(() -> count(log("master"), "Registering worker") >= 3, 60, "the replacement Worker to register",
                "master");
    }

    @Test
    @Order(4)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void resumesAfterTheDriverIsKilledAndPublishesOnce() throws Exception {
        Job killed = Job.start("r3");
        Path backup = killed.output.resolve(TrainJob.BACKUP_DIR + "/latest.json");
        killed.await(() -> Files.exists(backup) && killed.err().contains("Epoch 2/" + EPOCHS + ", round 2/"),
                "run r3 to back up its first epoch");
        killed.process.destroyForcibly();
        killed.process.waitFor(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(registry.resolve("r3")), "a killed run published something");
        assertEquals("r2", Files.readString(registry.resolve("latest")).trim());

        Job again = Job.start("r3");
        assertEquals(0, again.waitFor(), again.describe());
        assertTrue(again.out().contains("Resumed from the backup at epoch 2 of " + EPOCHS), again.describe());
        assertPublished("r3", again);
        assertEquals("r3", Files.readString(registry.resolve("latest")).trim());
        JsonNode metrics = new ObjectMapper().readTree(registry.resolve("r3/metrics.json").toFile());
        assertEquals(2, metrics.get("resumed_from_epoch").asInt());
        assertEquals(EPOCHS, metrics.get("epochs").asInt());
        JsonNode history = new ObjectMapper().readTree(registry.resolve("r3/history.json").toFile());
        assertEquals(EPOCHS, history.get("loss").size(), "the history holds every epoch once: " + history);
        JsonNode reference = new ObjectMapper().readTree(registry.resolve("r1/history.json").toFile());
        assertEquals(reference.get("loss"), history.get("loss"));
        assertSameParameters("r1", "r3");

        long published = Files.getLastModifiedTime(registry.resolve("r3/_PUBLISHED")).toMillis();
        Job once = Job.start("r3");
        assertEquals(0, once.waitFor(), once.describe());
        assertTrue(once.out().contains("already published"), once.describe());
        assertFalse(once.err().contains("Epoch 1/"), "an already published run trained again:\n" + once.describe());
        assertEquals(published, Files.getLastModifiedTime(registry.resolve("r3/_PUBLISHED")).toMillis());
        try (var entries = Files.list(registry)) {
            assertEquals(List.of("latest", "r1", "r2", "r3"), entries.map(p -> p.getFileName().toString()).sorted()
                    .toList());
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** One {@code jobs/train.sh} run submitted to the cluster, its output in files. */
    private record Job(String id, Path output, Process process, Path stdout, Path stderr) {
        static Job start(String id) throws IOException {
            Path output = work.resolve("runs/" + id);
            return script("train.sh", id, output, "--config", config.toString(), "--output", output.toString(),
                    "--master", masterUrl, "--publish", registry.toString(), "--run-id", id, "--conf",
                    "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g");
        }

        /** Runs {@code jobs/<script>} with {@code args}; its logs are named after {@code id}. */
        static Job script(String script, String id, Path output, String... args) throws IOException {
            int n = 0;
            Path stdout;
            do {
                stdout = work.resolve("logs/" + id + "-" + (++n) + ".out");
            } while (Files.exists(stdout));
            Path stderr = Paths.get(stdout.toString().replace(".out", ".err"));
            Files.createDirectories(stdout.getParent());
            List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("jobs/" + script).toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            environment(pb.environment());
            pb.environment().put("SPARKERAS_DRIVER_MEMORY", "1500m");
            pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            return new Job(id, output, pb.start(), stdout, stderr);
        }

        /** Waits for a condition on the running job; fails when the job ends first or after 2 minutes. */
        void await(BooleanSupplier condition, String what) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    fail("run " + id + " ended (exit " + process.exitValue() + ") before " + what + ":\n" + describe());
                }
                if (System.nanoTime() > end) {
                    fail("timed out waiting for " + what + ":\n" + describe());
                }
                Thread.sleep(50);
            }
        }

        int waitFor() throws InterruptedException {
            if (!process.waitFor(4, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("run " + id + " did not finish in 4 minutes:\n" + describe());
            }
            return process.exitValue();
        }

        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }

        String describe() {
            String e = err();
            return "run " + id + " stdout:\n" + out() + "\nstderr (last 8000 chars):\n"
                    + e.substring(Math.max(0, e.length() - 8000));
        }
    }

    private static void assertPublished(String id, Job job) {
        Path dir = registry.resolve(id);
        assertTrue(Files.exists(dir.resolve("_PUBLISHED")), "run " + id + " is not published:\n" + job.describe());
        for (String f : List.of("model.zip", "metrics.json", "history.json", "history.csv", "config.yaml",
                "summary.txt")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), id + "/" + f + " is missing");
        }
        assertTrue(job.out().contains("Published run " + id), job.describe());
    }

    /** The published models of two runs hold bitwise the same parameters. */
    private static void assertSameParameters(String a, String b) {
        Model ma = Model.load(registry.resolve(a + "/model.zip").toString());
        Model mb = Model.load(registry.resolve(b + "/model.zip").toString());
        float[] pa = Host.toFloats(ma.parameters().values(), null);
        float[] pb = Host.toFloats(mb.parameters().values(), null);
        assertArrayEquals(pa, pb, "the parameters of runs " + a + " and " + b + " differ");
    }

    private static Process startWorker(int n) throws IOException {
        Path dir = work.resolve("worker-" + n);
        Files.createDirectories(dir);
        return daemon("worker-" + n, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                "--memory", "1536m", "--webui-port", String.valueOf(freePort()), "--work-dir", dir.toString(),
                masterUrl);
    }

    /** Starts a Spark daemon JVM as sbin/spark-daemon.sh would, its log in logs/<name>.log. */
    private static Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(List.of(System.getProperty("sparkeras.addOpens", "").split("\\s+")));
        cmd.removeIf(String::isBlank);
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        environment(pb.environment());
        Path log = work.resolve("logs/" + name + ".log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    private static void environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", System.getProperty("sparkeras.scalaVersion", "2.12"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("OMP_NUM_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.remove("SPARKERAS_EMBEDDED");
    }

    private static String log(String name) {
        return read(work.resolve("logs/" + name + ".log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void await(BooleanSupplier condition, int seconds, String what, String logName)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + seconds + " s waiting for " + what
                        + (logName == null ? "" : ":\n" + log(logName)));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
