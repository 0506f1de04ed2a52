package org.sparkeras.spark;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Spark sessions for tests, bound to 127.0.0.1 only, with the settings Sparkeras runs under
 * (Kryo with registration required, one passive OpenMP thread per executor).
 *
 * <p>One session per JVM: asking again for the same master returns the running session; asking for
 * another master stops the running one first. {@link #stop()} stops it (tests that own a
 * local-cluster should call it so the executor JVMs go away).
 *
 * <p>{@link #localCluster} starts a standalone master and workers inside this JVM; the workers
 * launch each executor as a separate JVM with {@code $SPARK_HOME/jars/*} on its classpath. The build
 * assembles that SPARK_HOME in {@code target/spark-home} (maven-dependency-plugin, phase
 * process-test-classes) and Surefire exports {@code SPARK_HOME}, {@code SPARK_SCALA_VERSION} and
 * {@code SPARK_LOCAL_IP}: the Worker reads them from its process environment, not from SparkConf.
 */
public final class SparkTestSessions {

    public static final String APP_NAME = "sparkeras-test";
    public static final String LOCALHOST = "127.0.0.1";
    static final String KRYO_REGISTRATOR = "org.sparkeras.spark.SparkerasKryoRegistrator";

    /** Same list as the pom's {@code spark.add-opens} property (Surefire's argLine). */
    static final List<String> ADD_OPENS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false");

    private static final Duration EXECUTOR_WAIT = Duration.ofSeconds(60);

    private static SparkSession current;
    private static String currentMaster;

    private SparkTestSessions() {
    }

    /** An in-process session on master {@code local[threads,maxFailures]}. */
    public static synchronized SparkSession local(int threads, int maxFailures) {
        String master = "local[" + threads + "," + maxFailures + "]";
        SparkSession running = running(master);
        if (running != null) {
            return running;
        }
        return start(master, common(master));
    }

    /**
     * A session on {@code local-cluster[executors,coresEach,memMb]}: one standalone worker per
     * executor, each executor its own JVM. Returns once all executors have registered, so the first
     * job already spreads over all of them.
     */
    public static synchronized SparkSession localCluster(int executors, int coresEach, int memMb) {
        return localCluster(executors, coresEach, memMb, java.util.Map.of());
    }

    /**
     * As {@link #localCluster(int, int, int)} with extra settings; a running session is stopped
     * first when extra settings are given (they apply only to a new context).
     */
    public static synchronized SparkSession localCluster(int executors, int coresEach, int memMb,
            java.util.Map<String, String> extra) {
        if (!extra.isEmpty()) {
            stop();
        }
        String master = "local-cluster[" + executors + "," + coresEach + "," + memMb + "]";
        SparkSession running = running(master);
        if (running != null) {
            return running;
        }
        Path sparkHome = sparkHome();
        String scala = scalaBinaryVersion();
        String envScala = System.getenv("SPARK_SCALA_VERSION");
        if (envScala != null && !envScala.equals(scala)) {
            throw new IllegalStateException("SPARK_SCALA_VERSION=" + envScala + " but Spark runs on Scala " + scala);
        }
        Path build = buildDirectory();
        String executorClassPath = build.resolve("classes") + File.pathSeparator + build.resolve("test-classes");
        SparkConf conf = common(master)
                .set("spark.home", sparkHome.toString())
                .set("spark.executor.memory", memMb + "m")
                .set("spark.executor.extraClassPath", executorClassPath)
                .set("spark.executor.extraJavaOptions",
                        String.join(" ", ADD_OPENS) + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
                                // jars/ holds slf4j-simple and Spark's log4j-slf4j2-impl: pick one.
                                + " -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider"
                                + " -Dslf4j.internal.verbosity=WARN")
                .set("spark.executorEnv.SPARK_SCALA_VERSION", scala)
                .set("spark.executorEnv.SPARK_LOCAL_IP", LOCALHOST);
        extra.forEach(conf::set);
        SparkSession spark = start(master, conf);
        awaitExecutors(spark, executors);
        return spark;
    }

    /** Stops the session this class started (and any other active or default session). */
    public static synchronized void stop() {
        if (current != null) {
            current.stop();
        }
        if (SparkSession.getActiveSession().isDefined()) {
            SparkSession.getActiveSession().get().stop();
        }
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        current = null;
        currentMaster = null;
    }

    /**
     * The SPARK_HOME the local-cluster workers use: {@code $SPARK_HOME}, which the pom's Surefire
     * configuration points at the build's spark-home directory. Checks that its jars/ holds Spark.
     */
    public static Path sparkHome() {
        String env = System.getenv("SPARK_HOME");
        if (env == null || env.isEmpty()) {
            // The Worker reads SPARK_HOME from its process environment only (default: working dir).
            throw new IllegalStateException("SPARK_HOME is not set; Surefire sets it to "
                    + buildDirectory().resolve("spark-home") + " (outside Maven set SPARK_HOME,"
                    + " SPARK_SCALA_VERSION and SPARK_LOCAL_IP=127.0.0.1 yourself)");
        }
        Path home = Path.of(env).toAbsolutePath();
        String[] sparkCore = home.resolve("jars").toFile().list((dir, name) ->
                name.startsWith("spark-core_" + scalaBinaryVersion() + "-") && name.endsWith(".jar"));
        if (sparkCore == null || sparkCore.length == 0) {
            throw new IllegalStateException(home.resolve("jars") + " does not hold spark-core_" + scalaBinaryVersion()
                    + "; it is assembled in phase process-test-classes (mvn test-compile stops before it)");
        }
        return home;
    }

    /** The Maven build directory (target/ or target/spark-4.1/), from where this class was loaded. */
    static Path buildDirectory() {
        try {
            Path testClasses = Path.of(SparkTestSessions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return testClasses.getParent().toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "2.12" or "2.13": the Scala that this Spark runs on. */
    static String scalaBinaryVersion() {
        String full = scala.util.Properties.versionNumberString();
        return full.substring(0, full.indexOf('.', full.indexOf('.') + 1));
    }

    private static SparkConf common(String master) {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName(APP_NAME)
                .set("spark.driver.host", LOCALHOST)
                .set("spark.driver.bindAddress", LOCALHOST)
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "4")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                .set("spark.executorEnv.OMP_NUM_THREADS", "1");
        if (registratorPresent()) {
            conf.set("spark.kryo.registrator", KRYO_REGISTRATOR);
        }
        return conf;
    }

    private static boolean registratorPresent() {
        try {
            Class.forName(KRYO_REGISTRATOR, false, SparkTestSessions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static SparkSession running(String master) {
        if (current != null && !current.sparkContext().isStopped() && master.equals(currentMaster)) {
            return current;
        }
        stop();
        return null;
    }

    private static SparkSession start(String master, SparkConf conf) {
        current = SparkSession.builder().config(conf).getOrCreate();
        currentMaster = master;
        return current;
    }

    private static void awaitExecutors(SparkSession spark, int executors) {
        long deadline = System.nanoTime() + EXECUTOR_WAIT.toNanos();
        // getExecutorInfos lists the driver too.
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
            if (System.nanoTime() > deadline) {
                int registered = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
                stop();
                throw new IllegalStateException(registered + " of " + executors + " executors registered within "
                        + EXECUTOR_WAIT.toSeconds() + " s; see the executor logs under "
                        + System.getenv("SPARK_HOME") + "/work");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
