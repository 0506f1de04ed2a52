package org.sparkeras.jobs;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * A Spark listener that times every job and its tasks, for {@code jobs/benchmark.sh --spark}: the
 * same measurement for Sparkeras (registered in-process) and for a peer application that knows
 * nothing about it ({@code -Dspark.extraListeners=org.sparkeras.jobs.SparkJobTimes}, with this
 * class on its classpath; it needs only Spark and the JDK). With the system property {@code
 * sparkeras.jobtimes.print=true} (or when registered through {@code spark.extraListeners}) each job
 * prints one {@code SPARKJOB ...} line on standard output when it ends.
 *
 * <p>Per job: its wall time (job start to job end as seen by the DAG scheduler), its result stage's
 * name (the call site), and over its tasks the maxima of the run time on the executor, the task
 * deserialization and result serialization times, the time the driver spent fetching an indirect
 * result, the result size, the GC time and the scheduler delay (task duration minus all those).
 */
public class SparkJobTimes extends SparkListener {

    /** One finished job. Times in ms (Spark's listener events have ms resolution). */
    public record Job(int id, String name, long startMs, long endMs, int tasks, long firstLaunchMs, long lastFinishMs,
            long maxRunMs, long sumRunMs, long sumCpuMs, long maxDeserializeMs, long maxResultSerializationMs, long maxGettingResultMs,
            long maxResultBytes, long maxGcMs, long maxSchedulerDelayMs) {
        public long jobMs() {
            return endMs - startMs;
        }

        /** Job start to the first task's launch: stage creation, task serialization, offers. */
        public long launchDelayMs() {
            return tasks == 0 ? 0 : firstLaunchMs - startMs;
        }

        /** The mean run time of its tasks. */
        public double meanRunMs() {
            return tasks == 0 ? 0 : sumRunMs / (double) tasks;
        }

        /** The last task's finish to the job's end (result handling on the driver). */
        public long endDelayMs() {
            return tasks == 0 ? 0 : endMs - lastFinishMs;
        }

        String line() {
            return String.format(Locale.ROOT, "SPARKJOB id=%d start_ms=%d job_ms=%d tasks=%d launch_delay_ms=%d "
                            + "end_delay_ms=%d max_run_ms=%d sum_run_ms=%d sum_cpu_ms=%d max_deserialize_ms=%d max_result_ser_ms=%d "
                            + "max_getting_result_ms=%d max_result_bytes=%d max_gc_ms=%d max_scheduler_delay_ms=%d name=%s",
                    id, startMs, jobMs(), tasks, launchDelayMs(), endDelayMs(), maxRunMs, sumRunMs, sumCpuMs, maxDeserializeMs,
                    maxResultSerializationMs, maxGettingResultMs, maxResultBytes, maxGcMs, maxSchedulerDelayMs,
                    name.replace(' ', '_'));
        }
    }

    private static final class Open {
        final int id;
        final long startMs;
        String name = "?";
        int maxStage = -1;
        int tasks;
        long firstLaunch = Long.MAX_VALUE, lastFinish, maxRun, sumRun, sumCpuNs, maxDeser, maxResSer, maxGetting, maxBytes, maxGc,
                maxDelay;

        Open(int id, long startMs) {
            this.id = id;
            this.startMs = startMs;
        }
    }

    private final boolean print;
    private final PrintStream out;
    private final Map<Integer, Open> open = new HashMap<>();
    private final Map<Integer, Open> byStage = new HashMap<>();
    private final List<Job> done = new ArrayList<>();

    /** As registered through spark.extraListeners: prints a line per job. */
    public SparkJobTimes(SparkConf conf) {
        this(true, System.out);
    }

    public SparkJobTimes() {
        this(Boolean.getBoolean("sparkeras.jobtimes.print"), System.out);
    }

    public SparkJobTimes(boolean print, PrintStream out) {
        this.print = print;
        this.out = out;
    }

    /** The jobs that have ended so far, in order of their end. */
    public synchronized List<Job> jobs() {
        return List.copyOf(done);
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        Open o = new Open(e.jobId(), e.time());
        var stages = e.stageInfos().iterator();
        while (stages.hasNext()) {
            org.apache.spark.scheduler.StageInfo s = stages.next();
            byStage.put(s.stageId(), o);
            if (s.stageId() > o.maxStage) {
                o.maxStage = s.stageId();
                o.name = s.name();
            }
        }
        open.put(e.jobId(), o);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        Open o = byStage.get(e.stageId());
        TaskInfo t = e.taskInfo();
        TaskMetrics m = e.taskMetrics();
        if (o == null || t == null) {
            return;
        }
        o.tasks++;
        o.firstLaunch = Math.min(o.firstLaunch, t.launchTime());
        o.lastFinish = Math.max(o.lastFinish, t.finishTime());
        long getting = t.gettingResultTime() > 0 ? t.finishTime() - t.gettingResultTime() : 0;
        o.maxGetting = Math.max(o.maxGetting, getting);
        if (m != null) {
            o.maxRun = Math.max(o.maxRun, m.executorRunTime());
            o.sumRun += m.executorRunTime();
            o.sumCpuNs += m.executorCpuTime();
            o.maxDeser = Math.max(o.maxDeser, m.executorDeserializeTime());
            o.maxResSer = Math.max(o.maxResSer, m.resultSerializationTime());
            o.maxBytes = Math.max(o.maxBytes, m.resultSize());
            o.maxGc = Math.max(o.maxGc, m.jvmGCTime());
            long delay = (t.finishTime() - t.launchTime()) - m.executorRunTime() - m.executorDeserializeTime()
                    - m.resultSerializationTime() - getting;
            o.maxDelay = Math.max(o.maxDelay, Math.max(0, delay));
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
        Open o = open.remove(e.jobId());
        if (o == null) {
            return;
        }
        byStage.values().removeIf(v -> v == o);
        Job j = new Job(o.id, o.name, o.startMs, e.time(), o.tasks, o.tasks == 0 ? o.startMs : o.firstLaunch,
                o.lastFinish, o.maxRun, o.sumRun, o.sumCpuNs / 1_000_000, o.maxDeser, o.maxResSer, o.maxGetting, o.maxBytes, o.maxGc, o.maxDelay);
        done.add(j);
        if (print) {
            out.println(j.line());
        }
    }
}
