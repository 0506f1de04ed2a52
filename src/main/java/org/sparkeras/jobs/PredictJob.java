package org.sparkeras.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.sparkeras.models.Model;
import org.sparkeras.spark.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Batch scoring: reads a CSV (with a header) or Parquet table, appends one prediction column per
 * model output with {@code SparkTrainer.predict} (distributed over the table's partitions) and
 * writes Parquet. Runs on Spark: the embedded local mode unless {@code --master} (or spark-submit)
 * says otherwise. Exit codes: 0 written, 2 bad input, 3 infrastructure failure.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores a CSV or Parquet table with a saved model and writes Parquet with prediction columns.")
public final class PredictJob implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The model: an archive (model.zip), a run directory "
            + "(train.sh --output) or a model registry (train.sh --publish; its latest run); a local, hdfs: or s3a: path")
    String model;

    @Option(names = "--input", required = true, description = "The table to score: a .csv file or directory with a header "
            + "row, or Parquet")
    String input;

    @Option(names = "--output", required = true, description = "Where to write the scored table (Parquet directory)")
    String output;

    @Option(names = "--features", split = ",", paramLabel = "<column>", description = "For a single-input model: its "
            + "columns (numeric columns in order, or one vector/array column)")
    List<String> features;

    @Option(names = "--input-columns", paramLabel = "<input=col1,col2>", description = "For a multi-input model: the "
            + "columns of each named input; repeatable")
    Map<String, String> inputColumns = new LinkedHashMap<>();

    @Option(names = "--batch-size", description = "Rows per forward pass (default ${DEFAULT-VALUE})")
    int batchSize = 256;

    @Option(names = "--overwrite", description = "Replace an existing output")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "<url>", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--conf", paramLabel = "<key=value>", description = "A Spark setting (spark.*); repeatable")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    private final PrintStream out;

    public PredictJob() {
        this(System.out);
    }

    PredictJob(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new PredictJob(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        if ((features == null || features.isEmpty()) == inputColumns.isEmpty()) {
            throw new BadInputException("Give the model's input columns: --features for a single-input model, or "
                    + "--input-columns <input>=<col1,col2> per input");
        }
        for (String key : sparkConf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new BadInputException("--conf " + key + "=...: only Spark settings (spark.*) can be passed");
            }
        }
        if (!overwrite && !output.contains("://") && Files.exists(Path.of(output))) {
            throw new BadInputException("Output " + output + " exists; pass --overwrite to replace it");
        }
        ModelSource source = ModelSource.resolve(model);
        Model m = source.load();
        if (!TrainJob.hasArchive(m)) {
            throw new BadInputException("Model \"" + m.name() + "\" (" + source.modelFile() + ") is a subclassed model: "
                    + "scoring on Spark ships the model to executors as an archive, which needs its architecture as a "
                    + "config (model.type sequential or functional)");
        }
        Columns columns;
        if (features != null && !features.isEmpty()) {
            columns = Columns.features(features.toArray(new String[0]));
        } else {
            columns = Columns.of();
            inputColumns.forEach((name, cols) -> columns.input(name, cols.split(",")));
        }
        String wanted = master != null ? master : TrainJob.submittedMaster() != null ? null : "local[*]";
        SparkJob spark = SparkJob.start(wanted, "sparkeras-predict", null, sparkConf);
        try {
            Dataset<Row> table = input.endsWith(".csv") || input.endsWith(".csv/")
                    ? spark.session().read().option("header", "true").option("inferSchema", "true").csv(input)
                    : spark.session().read().parquet(input);
            Dataset<Row> scored;
            try {
                scored = spark.sparkTrainer().predict(m, table, columns, batchSize);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            scored.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
            long rows = spark.session().read().parquet(output).count();
            out.println("Scored " + rows + " rows of " + input + " with " + model + " into " + output);
            return JobRunner.OK;
        } finally {
            spark.close();
        }
    }
}
