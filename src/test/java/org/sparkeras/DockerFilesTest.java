package org.sparkeras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/: what can be checked without a Docker engine. The Dockerfile's base images are pinned, its
 * COPY sources exist in the repository (and the build context keeps them) or are made by its build
 * stage's commands: {@code mvn package}, whose application jar is the one pom.xml's
 * maven-shade-plugin attaches ({@code <finalName>-<classifier>.jar}), then the {@code mv} that renames
 * it. The runtime stage takes that one jar from the build stage and nothing else, and the local-mode
 * command of its header and compose.yaml's cluster run the MNIST job from the jar where COPY puts
 * it, with classes and configs that exist, without {@code --jars} or any other class path addition,
 * with authentication on; the image's platform is the one whose natives the jar carries.
 * compose.yaml is read with SnakeYAML (the parser under Jackson's YAML module), which resolves
 * anchors and merge keys ({@code <<}) as Compose does; Jackson leaves them as names.
 */
class DockerFilesTest {
    private static final Path DOCKER = Path.of("docker");
    private static final Path DOCKERFILE = DOCKER.resolve("Dockerfile");
    private static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    private static final Path IGNORE = DOCKER.resolve("Dockerfile.dockerignore");
    private static final String SECRET = "${SPARK_AUTH_SECRET:?";
    private static final String SERVICES = "[spark-master, spark-worker-1, spark-worker-2, submit]";
    /** What the build stage makes: the shaded application jar, the plain library jar. */
    private static final String APP_JAR = "application jar";
    private static final String LIBRARY_JAR = "library jar";
    /** Spark settings that add jars or class path entries, as --jars and its kin do. */
    private static final Set<String> CLASS_PATH_KEYS = Set.of("spark.jars", "spark.driver.extraClassPath",
            "spark.executor.extraClassPath", "spark.driver.userClassPathFirst", "spark.executor.userClassPathFirst",
            "spark.submit.pyFiles", "spark.files", "spark.archives");

    // ------------------------------------------------------------------ the Dockerfile

    @Test
    void baseImagesArePinnedAndTheRuntimeIsThePomsSparkAndJava() throws IOException {
        List<Stage> stages = stages();
        assertEquals(2, stages.size(), "a build stage and a runtime stage");
        for (Stage s : stages) {
            String tag = s.image().substring(s.image().lastIndexOf('/') + 1);
            assertTrue(tag.contains(":") || s.image().contains("@sha256:"), "untagged base image " + s.image());
            assertFalse(tag.endsWith(":latest") || s.image().contains("$"), "unpinned base image " + s.image());
        }
        String java = pomProperty("maven.compiler.release");
        assertTrue(stages.get(0).image().startsWith("maven:") && stages.get(0).image().endsWith("-eclipse-temurin-" + java),
                stages.get(0).image());
        assertEquals("apache/spark:" + pomProperty("spark.version") + "-scala" + pomProperty("scala.binary.version")
                + "-java" + java + "-ubuntu", runtime().image());
    }

    @Test
    void copySourcesExistInTheRepositoryOrAreMadeByTheBuildStage() throws IOException {
        List<Stage> stages = stages();
        Stage build = stages.get(0);
        String buildDir = workdir(build);
        Map<String, String> made = buildOutputs();
        List<String> copiedIntoBuild = new ArrayList<>();
        int checked = 0;
        for (Stage stage : stages) {
            for (Instruction copy : stage.instructions()) {
                if (!copy.keyword().equals("COPY") && !copy.keyword().equals("ADD")) {
                    continue;
                }
                assertEquals("COPY", copy.keyword(), "ADD fetches and unpacks; COPY is all the image needs");
                List<String> sources = copy.sources();
                String from = copy.flag("--from");
                for (String src : sources) {
                    checked++;
                    if (from == null) {
                        assertTrue(Files.exists(Path.of(src)), "COPY source " + src + " is not in the repository");
                        assertFalse(ignored(src), "COPY source " + src + " is excluded by " + IGNORE);
                        if (stage == build) {
                            copiedIntoBuild.add(src.replaceAll("/$", ""));
                        }
                        continue;
                    }
                    assertEquals(build.name(), from, copy.raw());
                    assertTrue(src.startsWith(buildDir + "/"), src + " is outside the build stage's WORKDIR " + buildDir);
                    String rel = src.substring(buildDir.length() + 1);
                    if (made.containsKey(rel)) {
                        continue; // made by the build stage's RUN
                    }
                    assertFalse(rel.startsWith("target/"), rel + " is not made by the build stage's RUN, which makes " + made.keySet());
                    assertTrue(copiedIntoBuild.stream().anyMatch(c -> rel.equals(c) || rel.startsWith(c + "/")),
                            rel + " is neither copied into the build stage nor made by its RUN");
                }
            }
        }
        assertTrue(copiedIntoBuild.containsAll(List.of("pom.xml", "src/main")), copiedIntoBuild.toString());
        assertTrue(checked >= 7, "COPY sources checked: " + checked);
    }

    @Test
    void theBuildStageMakesTheShadedApplicationJarAndTheRuntimeTakesItAlone() throws IOException {
        // The RUN: mvn package, then mv of the application jar to a name without the version.
        Map<String, String> made = buildOutputs();
        List<String> jars = made.entrySet().stream().filter(e -> e.getValue().equals(APP_JAR)).map(Map.Entry::getKey).toList();
        assertEquals(1, jars.size(), "one application jar: " + made);
        String appJar = jars.get(0);
        assertFalse(appJar.equals("target/" + appJarName()), "the build stage renames " + appJarName() + ": " + made);
        assertFalse(appJar.contains(pomChild("version")), appJar + ": the jar's name in the image is version-free, "
                + "so the commands that name it hold across versions");
        // The runtime stage takes that jar from the build stage, and nothing else: the jar is the
        // whole application, no dependency directory goes beside it.
        List<Instruction> fromBuild = runtime().instructions().stream()
                .filter(i -> i.keyword().equals("COPY") && i.flag("--from") != null).toList();
        assertEquals(1, fromBuild.size(), "one COPY --from the build stage: " + fromBuild);
        assertEquals(List.of(workdir(stages().get(0)) + "/" + appJar), fromBuild.get(0).sources(),
                "the runtime stage copies the renamed application jar");
        // Every other COPY of the runtime stage is of the repository's conf/ and data/, no jar.
        for (Instruction copy : runtime().instructions()) {
            if (copy.keyword().equals("COPY") && copy.flag("--from") == null) {
                for (String src : copy.sources()) {
                    assertTrue(src.startsWith("conf/") || src.startsWith("data/"), copy.raw());
                    assertFalse(src.endsWith(".jar"), copy.raw());
                }
            }
        }
    }

    @Test
    void thePomsApplicationJarHoldsTheRuntimeDependenciesButNotSparkOrAnSlf4jBinding() {
        Element shade = shadeExecution();
        assertEquals("true", configValue(shade, "shadedArtifactAttached"),
                "the application jar is attached beside the library jar (else the shaded jar replaces it)");
        for (String moved : List.of("outputFile", "outputDirectory", "finalName")) {
            assertEquals(null, configValue(shade, moved), "shade's " + moved + " moves the jar the Dockerfile takes");
        }
        Element artifactSet = child(child(shade, "configuration"), "artifactSet");
        assertNotNull(artifactSet, "shade's artifactSet");
        // No <includes>: every runtime dependency goes in, except the excludes, which the Spark
        // runtime brings itself; among them every SLF4J artifact, so Spark's log4j2 does the logging.
        assertEquals(null, child(artifactSet, "includes"), "an include list would leave runtime dependencies out");
        List<String> excludes = texts(child(artifactSet, "excludes"), "exclude");
        assertTrue(excludes.contains("org.slf4j:*"), "SLF4J (slf4j-simple) stays out of the application jar: " + excludes);
        assertTrue(excludes.contains("org.apache.hadoop:*"), "the Hadoop client is Spark's: " + excludes);
        for (String e : excludes) {
            assertFalse(e.startsWith("org.nd4j") || e.startsWith("org.bytedeco") || e.startsWith("info.picocli")
                    || e.startsWith("com.fasterxml") || e.startsWith("org.yaml") || e.equals("*:*") || e.equals("*"),
                    "the application jar must carry " + e + " (the Spark image has none of it)");
        }
        // Spark and Scala are provided (shade leaves provided and test scopes out).
        Element deps = child(pom(), "dependencies");
        int spark = 0;
        for (Element d : children(deps, "dependency")) {
            String group = text(d, "groupId");
            String scope = text(d, "scope");
            if (group.equals("org.apache.spark") || group.equals("org.scala-lang")) {
                spark++;
                assertTrue("provided".equals(scope) || "test".equals(scope),
                        group + ":" + text(d, "artifactId") + " must be provided, not in the application jar: " + scope);
            }
        }
        assertTrue(spark > 0, "pom.xml's Spark dependencies");
    }

    @Test
    void theImagesPlatformIsTheOneWhoseNativesTheJarCarries() throws IOException {
        // The build stage picks no profile and sets no property: the pom's default platform.
        for (String a : mavenCommand()) {
            assertFalse(a.startsWith("-P") || a.startsWith("--activate-profiles"), "the build picks a profile: " + a);
            if (a.startsWith("-D")) {
                String name = a.substring(2).split("=", 2)[0];
                assertFalse(List.of("javacpp.platform", "nd4j.classifier").contains(name), "the build sets " + a);
            }
        }
        String platform = pomProperty("javacpp.platform");
        assertTrue(pomProperty("nd4j.classifier").startsWith(platform), pomProperty("nd4j.classifier") + " vs " + platform);
        String[] osArch = platform.split("-", 2);
        String docker = osArch[0] + "/" + Map.of("x86_64", "amd64", "arm64", "arm64").get(osArch[1]);
        for (Map.Entry<String, Map<String, Object>> e : services().entrySet()) {
            assertEquals(docker, e.getValue().get("platform"), e.getKey() + ": the jar's natives are " + platform);
        }
    }

    @Test
    void theBuildContextKeepsWhatTheImageNeedsAndLeavesOutBuildOutputAndHistory() {
        for (String kept : List.of("pom.xml", "src/main/java/org/sparkeras/jobs/TrainJob.java", "conf/mnist-mlp.yaml",
                "conf/spark-defaults.conf.template", "data/mnist/train-images-idx3-ubyte.gz")) {
            assertFalse(ignored(kept), kept);
        }
        for (String left : List.of(".git/HEAD", "target/classes/org/sparkeras/A.class", "runs/mnist/model.zip",
                "src/test/java/org/sparkeras/DockerFilesTest.java")) {
            assertTrue(ignored(left), left);
        }
    }

    @Test
    void theRuntimeRunsAsSparkInTheJobDirectoryWithPassiveNativeThreads() throws IOException {
        List<Instruction> rt = runtime().instructions();
        List<Instruction> users = rt.stream().filter(i -> i.keyword().equals("USER")).toList();
        assertEquals(List.of("spark"), users.get(users.size() - 1).args(), "the last USER");
        assertEquals("/opt/sparkeras", workdir(runtime()));
        String env = String.join(" ", rt.stream().filter(i -> i.keyword().equals("ENV"))
                .flatMap(i -> i.args().stream()).toList());
        for (String kv : List.of("OMP_WAIT_POLICY=PASSIVE", "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1")) {
            assertTrue((" " + env + " ").contains(" " + kv + " "), kv + " in " + env);
        }
        // The run directory exists in the image and belongs to spark: a named volume mounted there
        // starts with that owner, so the job (as spark) can write to it.
        assertTrue(rt.stream().anyMatch(i -> i.keyword().equals("RUN") && i.raw().contains("mkdir -p /opt/sparkeras/runs")
                && i.raw().contains("chown spark:spark /opt/sparkeras/runs")), "RUN mkdir/chown /opt/sparkeras/runs");
        // Spark's defaults and logging are the project's templates.
        assertEquals("conf/spark-defaults.conf.template", copiedTo("/opt/spark/conf/spark-defaults.conf"));
        assertEquals("conf/log4j2.properties.template", copiedTo("/opt/spark/conf/log4j2.properties"));
    }

    @Test
    void theHeaderBuildsTheImageComposeRuns() throws IOException {
        List<String> build = headerCommands().stream().filter(c -> c.get(1).equals("build")).findFirst().orElseThrow();
        assertEquals(List.of("docker", "build", "-f", "docker/Dockerfile", "-t", image(), "."), build);
        for (Map<String, Object> svc : services().values()) {
            assertEquals(image(), svc.get("image"));
            Map<?, ?> b = (Map<?, ?>) svc.get("build");
            Path context = DOCKER.resolve(b.get("context").toString()).normalize();
            assertEquals(Path.of("").toAbsolutePath(), context.toAbsolutePath(), "compose builds from the repository root");
            assertEquals(DOCKERFILE, Path.of(b.get("dockerfile").toString()));
        }
    }

    // ------------------------------------------------------------------ the MNIST job, both ways

    @Test
    void bothWaysSubmitTheTrainJobWithJarsClassesAndConfigsThatExist() throws Exception {
        Submit local = headerSubmit();
        Submit cluster = Submit.parse(command("submit"));
        assertEquals(List.of("local[*]"), local.options().get("--master"));
        assertEquals(List.of("spark://spark-master:7077"), cluster.options().get("--master"));
        String appJar = appJarInImage();
        for (Submit s : List.of(local, cluster)) {
            Class<?> main = Class.forName(s.option("--class"), false, getClass().getClassLoader());
            Method m = main.getMethod("main", String[].class);
            assertTrue(Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers()), main.getName());
            assertEquals(appJar, s.appJar(), "the application jar is where the runtime stage's COPY puts it");
            // The application jar is all the job needs: nothing is added to the driver's or the
            // executors' class paths, on the command line or in the image's spark-defaults.conf.
            for (String option : List.of("--jars", "--packages", "--repositories", "--driver-class-path", "--py-files",
                    "--files", "--archives")) {
                assertFalse(s.options().containsKey(option), option + " in " + s.options());
            }
            Map<String, String> effective = new LinkedHashMap<>(sparkDefaults());
            effective.putAll(s.confs());
            for (String key : effective.keySet()) {
                assertFalse(CLASS_PATH_KEYS.contains(key) || key.startsWith("spark.jars."), key + " = " + effective.get(key));
            }
            // --config and data.path are relative to the WORKDIR, /opt/sparkeras, where conf/ and data/ are.
            String config = s.appArg("--config");
            assertTrue(config.startsWith("conf/") && Files.isRegularFile(Path.of(config)), config);
            assertEquals("/opt/sparkeras/conf/", copyDestination("conf/"));
            Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) new Yaml().load(Files.readString(Path.of(config)))).get("data");
            String dataPath = data.get("path").toString();
            assertTrue(dataPath.startsWith("data/") && Files.isDirectory(Path.of(dataPath)), dataPath);
            assertEquals("/opt/sparkeras/data/", copyDestination("data/"));
            assertTrue(s.appArg("--output").startsWith("runs/"), s.appArg("--output"));
        }
        assertEquals(local.option("--class"), cluster.option("--class"));
        assertEquals(local.appArgs().get(local.appArgs().indexOf("--config") + 1), cluster.appArg("--config"));
        // The run directory is on a volume in both: docker run -v <volume>:/opt/sparkeras/runs, compose's runs.
        List<String> run = headerCommands().stream().filter(c -> c.get(1).equals("run")).findFirst().orElseThrow();
        assertTrue(run.get(run.indexOf("-v") + 1).endsWith(":/opt/sparkeras/runs"), run.toString());
        assertTrue(services().get("submit").get("volumes").toString().contains("runs:/opt/sparkeras/runs"));
        assertTrue(((Map<?, ?>) compose().get("volumes")).containsKey("runs"));
    }

    @Test
    void theJobsSparkSettingsNameTheRegistratorAndKeepExecutorsNativeThreadsPassive() throws Exception {
        Map<String, String> defaults = sparkDefaults();
        for (Submit s : List.of(headerSubmit(), Submit.parse(command("submit")))) {
            Map<String, String> effective = new LinkedHashMap<>(defaults);
            effective.putAll(s.confs()); // --conf wins over spark-defaults.conf
            assertEquals("org.apache.spark.serializer.KryoSerializer", effective.get("spark.serializer"));
            assertEquals("PASSIVE", effective.get("spark.executorEnv.OMP_WAIT_POLICY"));
            assertEquals("1", effective.get("spark.executorEnv.OMP_NUM_THREADS"));
            String registrator = effective.get("spark.kryo.registrator");
            assertNotNull(registrator);
            for (String name : registrator.split(",")) {
                Class<?> c = Class.forName(name.strip(), false, getClass().getClassLoader());
                assertTrue(org.apache.spark.serializer.KryoRegistrator.class.isAssignableFrom(c), name);
            }
            assertTrue(registrator.contains(org.sparkeras.spark.SparkerasKryoRegistrator.class.getName()), registrator);
        }
    }

    // ------------------------------------------------------------------ compose.yaml

    @Test
    void composeHasAMasterTwoOneCoreWorkersAndTheSubmitService() throws IOException {
        Map<String, Map<String, Object>> services = services();
        assertEquals(SERVICES, services.keySet().toString());
        List<String> master = command("spark-master");
        assertTrue(master.contains("org.apache.spark.deploy.master.Master") && master.get(0).equals("/opt/spark/bin/spark-class"),
                master.toString());
        assertEquals("7077", master.get(master.indexOf("--port") + 1));
        assertEquals("8080", master.get(master.indexOf("--webui-port") + 1));
        for (String w : List.of("spark-worker-1", "spark-worker-2")) {
            List<String> cmd = command(w);
            assertTrue(cmd.contains("org.apache.spark.deploy.worker.Worker"), cmd.toString());
            assertEquals("spark://spark-master:7077", cmd.get(cmd.size() - 1));
            Map<?, ?> env = (Map<?, ?>) services.get(w).get("environment");
            assertEquals("1", env.get("SPARK_WORKER_CORES").toString());
            assertEquals("2g", env.get("SPARK_WORKER_MEMORY").toString());
            assertTrue(((Map<?, ?>) services.get(w).get("depends_on")).containsKey("spark-master"), w);
        }
        assertEquals(Set.of("spark-master", "spark-worker-1", "spark-worker-2"),
                ((Map<?, ?>) services.get("submit").get("depends_on")).keySet());
        // Published ports: the master and its UI, on the host's loopback interface only.
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            Object ports = e.getValue().get("ports");
            if (ports != null) {
                for (Object p : (List<?>) ports) {
                    assertTrue(p.toString().startsWith("127.0.0.1:"), e.getKey() + " publishes " + p);
                }
            }
        }
        assertEquals(List.of("127.0.0.1:7077:7077", "127.0.0.1:8080:8080"), services.get("spark-master").get("ports"));
    }

    @Test
    void composeAuthenticatesAndEncryptsBetweenEveryPeerWithTheRequiredSecret() throws IOException {
        // RELIABILITY.md case 23. The only variable is the secret, and it is required (${VAR:?...}):
        // an unset variable must not become an empty secret.
        String text = Files.readString(COMPOSE);
        Matcher m = Pattern.compile("\\$\\{").matcher(text);
        int uses = 0;
        while (m.find()) {
            assertTrue(text.startsWith(SECRET, m.start()), "interpolation other than the required secret at " + m.start());
            uses++;
        }
        assertTrue(uses >= 2, "the secret is used by the daemons and the submit");
        for (String svc : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
            Map<?, ?> env = (Map<?, ?>) services().get(svc).get("environment");
            String opts = String.valueOf(env.get(svc.equals("spark-master") ? "SPARK_MASTER_OPTS" : "SPARK_WORKER_OPTS"));
            List<String> words = List.of(opts.strip().split("\\s+"));
            assertTrue(words.contains("-Dspark.authenticate=true"), svc + ": " + opts);
            assertTrue(words.contains("-Dspark.network.crypto.enabled=true"), svc + ": " + opts);
            assertTrue(opts.contains("-Dspark.authenticate.secret=" + SECRET), svc + ": " + opts);
        }
        Map<String, String> confs = Submit.parse(command("submit")).confs();
        assertEquals("true", confs.get("spark.authenticate"));
        assertEquals("true", confs.get("spark.network.crypto.enabled"));
        assertTrue(confs.get("spark.authenticate.secret").startsWith(SECRET), confs.toString());
        // The image's defaults turn both on as well (local mode generates its own secret).
        assertEquals("true", sparkDefaults().get("spark.authenticate"));
        assertEquals("true", sparkDefaults().get("spark.network.crypto.enabled"));
    }

    // ------------------------------------------------------------------ parsing

    record Instruction(String keyword, List<String> args, String raw) {
        String flag(String name) {
            return args.stream().filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
                    .findFirst().orElse(null);
        }

        List<String> sources() {
            List<String> plain = args.stream().filter(a -> !a.startsWith("--")).toList();
            return plain.subList(0, plain.size() - 1);
        }

        String destination() {
            return args.get(args.size() - 1);
        }
    }

    record Stage(String image, String name, List<Instruction> instructions) {}

    /** The Dockerfile's instructions by stage: continuation lines joined, comments and blank lines dropped. */
    static List<Stage> stages() throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String t = line.strip();
            if (t.startsWith("#") || (current == null && t.isEmpty())) {
                continue;
            }
            boolean continues = t.endsWith("\\");
            String part = continues ? t.substring(0, t.length() - 1).strip() : t;
            current = current == null ? new StringBuilder(part) : current.append(' ').append(part);
            if (!continues) {
                logical.add(current.toString());
                current = null;
            }
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> instructions = null;
        for (String l : logical) {
            List<String> words = words(l);
            Instruction i = new Instruction(words.get(0).toUpperCase(), words.subList(1, words.size()), l);
            if (i.keyword().equals("FROM")) {
                List<String> a = i.args().stream().filter(x -> !x.startsWith("--")).toList();
                instructions = new ArrayList<>();
                stages.add(new Stage(a.get(0), a.size() > 2 && a.get(1).equalsIgnoreCase("AS") ? a.get(2) : null, instructions));
            } else {
                assertNotNull(instructions, "instruction before FROM: " + l);
                instructions.add(i);
            }
        }
        return stages;
    }

    static Stage runtime() throws IOException {
        List<Stage> s = stages();
        return s.get(s.size() - 1);
    }

    static String workdir(Stage stage) {
        return stage.instructions().stream().filter(i -> i.keyword().equals("WORKDIR")).reduce((a, b) -> b)
                .map(i -> i.args().get(0)).orElseThrow();
    }

    /** The destination of the runtime stage's COPY whose source ends with {@code sourceSuffix}. */
    static String copyDestination(String sourceSuffix) throws IOException {
        return runtime().instructions().stream().filter(i -> i.keyword().equals("COPY"))
                .filter(i -> i.sources().stream().anyMatch(s -> s.endsWith(sourceSuffix))).map(Instruction::destination)
                .findFirst().orElseThrow(() -> new AssertionError("no COPY of " + sourceSuffix));
    }

    /** The source the runtime stage copies to {@code destination}. */
    static String copiedTo(String destination) throws IOException {
        return runtime().instructions().stream().filter(i -> i.keyword().equals("COPY") && i.destination().equals(destination))
                .map(i -> i.sources().get(0)).findFirst().orElseThrow(() -> new AssertionError("no COPY to " + destination));
    }

    /**
     * The build stage's RUN, run on paper: the files it leaves in the WORKDIR (relative paths) and
     * what each is. It must be {@code mvn ... package}, then optionally {@code mv}s, joined by
     * {@code &&}; {@code mvn package} makes the library jar and shade's application jar in target/
     * (read from pom.xml); an mv source must match exactly one of the files made so far, as the shell
     * would expand it.
     */
    static Map<String, String> buildOutputs() throws IOException {
        List<Instruction> runs = stages().get(0).instructions().stream().filter(i -> i.keyword().equals("RUN")).toList();
        assertEquals(1, runs.size(), "one RUN in the build stage: " + runs);
        List<String> words = runs.get(0).args().stream().dropWhile(a -> a.startsWith("--")).toList();
        List<List<String>> commands = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String w : words) {
            assertFalse(Set.of(";", "||", "|", "&").contains(w) || w.endsWith(";"), "only && joins the build's commands: " + words);
            if (w.equals("&&")) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(w);
            }
        }
        commands.add(current);
        assertEquals("mvn", commands.get(0).get(0), "the build's first command: " + commands.get(0));
        Map<String, String> made = new LinkedHashMap<>();
        for (List<String> c : commands) {
            assertFalse(c.isEmpty(), "an empty command in " + words);
            switch (c.get(0)) {
                case "mvn" -> {
                    assertTrue(made.isEmpty(), "one mvn, first: " + commands);
                    List<String> goals = c.subList(1, c.size()).stream().filter(a -> !a.startsWith("-")).toList();
                    assertEquals(List.of("package"), goals, "the build's Maven phases and goals");
                    for (String a : c.subList(1, c.size())) {
                        assertFalse(a.startsWith("-f") || a.startsWith("--file") || a.startsWith("-pl"), "the build's mvn: " + a);
                    }
                    assertTrue(c.contains("-Dmaven.test.skip=true"), "the build stage has no src/test: " + c);
                    made.put("target/" + libraryJarName(), LIBRARY_JAR);
                    made.put("target/" + appJarName(), APP_JAR);
                }
                case "mv" -> {
                    List<String> args = c.subList(1, c.size());
                    assertTrue(args.size() >= 2 && args.stream().noneMatch(a -> a.startsWith("-")), "mv " + args);
                    String dest = args.get(args.size() - 1);
                    List<String> sources = args.subList(0, args.size() - 1);
                    assertEquals(1, sources.size(), "one file renamed per mv: " + args);
                    var glob = FileSystems.getDefault().getPathMatcher("glob:" + sources.get(0));
                    List<String> matches = made.keySet().stream().filter(f -> glob.matches(Path.of(f))).toList();
                    assertEquals(1, matches.size(), "mv " + sources.get(0) + " matches " + matches + " of " + made.keySet());
                    String kind = made.remove(matches.get(0));
                    made.put(dest.endsWith("/") ? dest + Path.of(matches.get(0)).getFileName() : dest, kind);
                }
                default -> throw new AssertionError("unexpected command in the build stage's RUN: " + c);
            }
        }
        return made;
    }

    /** The build stage's mvn command line. */
    static List<String> mavenCommand() throws IOException {
        List<String> words = stages().get(0).instructions().stream().filter(i -> i.keyword().equals("RUN"))
                .flatMap(i -> i.args().stream()).dropWhile(a -> !a.equals("mvn")).toList();
        assertFalse(words.isEmpty(), "the build stage runs no mvn");
        return words.subList(0, words.contains("&&") ? words.indexOf("&&") : words.size());
    }

    /** Where the runtime stage's COPY puts the application jar the build stage makes. */
    static String appJarInImage() throws IOException {
        String buildDir = workdir(stages().get(0));
        Map<String, String> made = buildOutputs();
        for (Instruction copy : runtime().instructions()) {
            if (copy.keyword().equals("COPY") && copy.flag("--from") != null) {
                for (String src : copy.sources()) {
                    String rel = src.startsWith(buildDir + "/") ? src.substring(buildDir.length() + 1) : src;
                    if (APP_JAR.equals(made.get(rel))) {
                        String dest = copy.destination();
                        assertTrue(dest.startsWith("/"), "COPY to a relative path: " + copy.raw());
                        return dest.endsWith("/") ? dest + Path.of(rel).getFileName() : dest;
                    }
                }
            }
        }
        throw new AssertionError("the runtime stage copies no application jar: " + made);
    }

    /** The commands written in the Dockerfile's header comment ("#   docker ..."), continuation lines joined. */
    static List<List<String>> headerCommands() throws IOException {
        List<List<String>> commands = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (!line.startsWith("#")) {
                break;
            }
            String t = line.substring(1).strip();
            if (current == null && !t.startsWith("docker ")) {
                continue;
            }
            boolean continues = t.endsWith("\\");
            String part = continues ? t.substring(0, t.length() - 1).strip() : t;
            current = current == null ? new StringBuilder(part) : current.append(' ').append(part);
            if (!continues) {
                commands.add(words(current.toString()));
                current = null;
            }
        }
        return commands;
    }

    static Submit headerSubmit() throws IOException {
        List<String> run = headerCommands().stream().filter(c -> c.get(1).equals("run")).findFirst().orElseThrow();
        int image = run.indexOf(image());
        assertTrue(image > 0, "docker run of " + image() + ": " + run);
        return Submit.parse(run.subList(image + 1, run.size()));
    }

    /** A spark-submit command line: its options (before the application jar), the jar, the job's arguments. */
    record Submit(Map<String, List<String>> options, String appJar, List<String> appArgs) {
        static final Set<String> FLAGS = Set.of("--verbose", "--supervise");

        static Submit parse(List<String> command) {
            assertEquals("/opt/spark/bin/spark-submit", command.get(0), command.toString());
            Map<String, List<String>> options = new LinkedHashMap<>();
            int i = 1;
            while (command.get(i).startsWith("--")) {
                String o = command.get(i++);
                options.computeIfAbsent(o, k -> new ArrayList<>()).add(FLAGS.contains(o) ? "" : command.get(i++));
            }
            return new Submit(options, command.get(i), command.subList(i + 1, command.size()));
        }

        String option(String name) {
            List<String> v = options.get(name);
            assertTrue(v != null && v.size() == 1, name + " given once: " + options);
            return v.get(0);
        }

        Map<String, String> confs() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : options.getOrDefault("--conf", List.of())) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return m;
        }

        String appArg(String name) {
            int i = appArgs.indexOf(name);
            assertTrue(i >= 0 && i + 1 < appArgs.size(), name + " in " + appArgs);
            return appArgs.get(i + 1);
        }
    }

    /** The file the image installs as Spark's spark-defaults.conf, as a map. */
    static Map<String, String> sparkDefaults() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(copiedTo("/opt/spark/conf/spark-defaults.conf")))) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                String[] kv = t.split("\\s+", 2);
                m.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return m;
    }

    static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(COMPOSE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    static List<String> command(String service) throws IOException {
        return ((List<?>) services().get(service).get("command")).stream().map(String::valueOf).toList();
    }

    /** The image the header builds: the tag of {@code docker build -t}. */
    static String image() throws IOException {
        List<String> build = headerCommands().stream().filter(c -> c.get(1).equals("build")).findFirst().orElseThrow();
        return build.get(build.indexOf("-t") + 1);
    }

    /** Shell words: whitespace-separated, with '...' and "..." quoting. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder().append(c) : w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }

    /**
     * Whether Dockerfile.dockerignore leaves {@code path} (relative to the context root) out of the
     * context: the last pattern that matches the path or one of its parent directories decides
     * ({@code !} re-includes); {@code **}{@code /x} also matches x at the root, as Docker's does.
     */
    static boolean ignored(String path) {
        List<String> patterns;
        try {
            patterns = Files.readAllLines(IGNORE).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> prefixes = new ArrayList<>();
        String[] parts = path.replaceAll("/$", "").split("/");
        for (int i = 1; i <= parts.length; i++) {
            prefixes.add(String.join("/", java.util.Arrays.copyOf(parts, i)));
        }
        boolean excluded = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String glob = (negated ? p.substring(1) : p).replaceAll("^/", "").replaceAll("/$", "");
            List<String> globs = glob.startsWith("**/") ? List.of(glob, glob.substring(3)) : List.of(glob);
            boolean matches = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                    .anyMatch(pm -> prefixes.stream().anyMatch(x -> pm.matches(Path.of(x))));
            if (matches) {
                excluded = !negated;
            }
        }
        return excluded;
    }

    // ------------------------------------------------------------------ pom.xml

    /** The library jar {@code mvn package} makes: artifactId-version.jar (no finalName in pom.xml). */
    static String libraryJarName() {
        return finalName() + ".jar";
    }

    /** The application jar maven-shade-plugin attaches: finalName-classifier.jar. */
    static String appJarName() {
        String classifier = configValue(shadeExecution(), "shadedClassifierName");
        return finalName() + "-" + (classifier == null ? "shaded" : classifier) + ".jar";
    }

    static String finalName() {
        Element build = child(pom(), "build");
        assertNotNull(build, "pom.xml has no build");
        assertEquals(null, child(build, "finalName"), "a finalName changes the jars' names");
        assertEquals(null, child(build, "directory"), "the default build writes to target/");
        return pomChild("artifactId") + "-" + pomChild("version");
    }

    /** The shade goal's execution of the default build's maven-shade-plugin, bound to package. */
    static Element shadeExecution() {
        Element plugins = child(child(pom(), "build"), "plugins");
        List<Element> shade = children(plugins, "plugin").stream()
                .filter(p -> "maven-shade-plugin".equals(text(p, "artifactId"))).toList();
        assertEquals(1, shade.size(), "pom.xml's build has one maven-shade-plugin");
        assertEquals(null, child(shade.get(0), "configuration"), "the shade settings are the execution's");
        List<Element> executions = children(child(shade.get(0), "executions"), "execution").stream()
                .filter(e -> texts(child(e, "goals"), "goal").contains("shade")).toList();
        assertEquals(1, executions.size(), "one shade execution");
        String phase = text(executions.get(0), "phase");
        assertTrue(phase == null || phase.equals("package"), "the shade goal runs at package, not " + phase);
        return executions.get(0);
    }

    static String configValue(Element execution, String name) {
        Element config = child(execution, "configuration");
        assertNotNull(config, "the shade execution's configuration");
        return text(config, name);
    }

    static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    static String text(Element parent, String name) {
        Element c = child(parent, name);
        return c == null ? null : c.getTextContent().strip();
    }

    static List<String> texts(Element parent, String name) {
        return children(parent, name).stream().map(e -> e.getTextContent().strip()).toList();
    }

    static String pomChild(String name) {
        Element project = pom();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no project/" + name);
    }

    static String pomProperty(String name) {
        var list = pom().getElementsByTagName("properties");
        // The first <properties> is the project's (profiles come after it).
        Element props = (Element) list.item(0);
        var values = props.getElementsByTagName(name);
        assertTrue(values.getLength() > 0, "pom.xml has no property " + name);
        return values.item(0).getTextContent().strip();
    }

    static Element pom() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
                    .getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("pom.xml: " + e, e);
        }
    }
}
