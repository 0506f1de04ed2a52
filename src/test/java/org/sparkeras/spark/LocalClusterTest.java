package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.factory.Nd4j;

/** The Spark test sessions: in-process local mode, and a local-cluster whose executors are JVMs of their own. */
class LocalClusterTest {

    @AfterAll
    static void stopSpark() {
        SparkTestSessions.stop();
    }

    @Test
    @Timeout(120)
    void localClusterRunsTasksInTwoExecutorJvmsThatLoadNd4j() throws InterruptedException {
        long driverPid = ProcessHandle.current().pid();
        SparkSession spark = SparkTestSessions.localCluster(2, 1, 1024);
        assertEquals("local-cluster[2,1,1024]", spark.sparkContext().master());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // Each task reports "pid OMP_WAIT_POLICY sum"; tasks sleep a little so both executors get work.
        List<String> reports = jsc.parallelize(IntStream.range(0, 8).boxed().collect(Collectors.toList()), 8)
                .map(i -> {
                    Thread.sleep(100);
                    double sum = Nd4j.create(new float[] {1, 2}).sumNumber().doubleValue();
                    return ProcessHandle.current().pid() + " " + System.getenv("OMP_WAIT_POLICY") + " " + sum;
                })
                .collect();

        assertEquals(8, reports.size());
        Set<Long> pids = new TreeSet<>();
        for (String report : reports) {
            String[] fields = report.split(" ");
            pids.add(Long.parseLong(fields[0]));
            assertEquals("PASSIVE", fields[1], report);
            assertEquals(3.0, Double.parseDouble(fields[2]), report);
        }
        assertEquals(2, pids.size(), "executor pids " + pids);
        assertFalse(pids.contains(driverPid), "a task ran in the driver JVM " + driverPid);
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "executor " + pid);
        }

        SparkTestSessions.stop();
        assertTrue(spark.sparkContext().isStopped());
        // The workers kill their executors on shutdown; wait for the JVMs to exit.
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "executor " + pid + " still alive");
        }
    }

    @Test
    @Timeout(60)
    void localModeRetriesAFailedTask() {
        SparkSession spark = SparkTestSessions.local(2, 2);
        assertEquals("local[2,2]", spark.sparkContext().master());
        assertEquals(spark, SparkTestSessions.local(2, 2), "the running session is reused");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // maxFailures = 2: the first attempt of the first task fails (one logged stack trace), the
        // second succeeds.
        long sum = jsc.parallelize(List.of(1, 2, 3, 4), 2)
                .map(i -> {
                    if (TaskContext.get().partitionId() == 0 && TaskContext.get().attemptNumber() == 0) {
                        throw new IllegalStateException("first attempt fails");
                    }
                    return (long) i * ProcessHandle.current().pid();
                })
                .reduce(Long::sum);
        assertEquals(10L * ProcessHandle.current().pid(), sum, "tasks run in the driver JVM");

        SparkTestSessions.stop();
        assertTrue(spark.sparkContext().isStopped());
    }
}
