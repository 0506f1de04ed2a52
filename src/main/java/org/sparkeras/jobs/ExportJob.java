package org.sparkeras.jobs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkeras.layers.Shapes;
import org.sparkeras.models.Model;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.ModelArchive;
import org.sparkeras.saving.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jobs/export.sh}: exports a saved model archive to an ONNX file (opset 17, float32, dynamic
 * batch, inputs and outputs named as the model names them) for ONNX Runtime or any other ONNX
 * engine; see {@link OnnxExport}. No Spark. Paths are local, {@code hdfs:} or {@code s3a:}; the file
 * is written atomically. Exit codes: 0 written, 2 bad input (the archive is missing, not an archive or
 * invalid; a layer cannot be exported; the output exists without {@code --overwrite}), 3 I/O failure.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Exports a saved model archive to ONNX (opset 17, float32 weights, dynamic batch dimension) for "
                + "ONNX Runtime and other ONNX engines.")
public final class ExportJob implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The model: an archive (model.zip), a run directory "
            + "(a subclassed model's weights are rebuilt from its config.yaml) or a registry (its latest run); a local, "
            + "hdfs: or s3a: path")
    String model;

    @Option(names = "--output", required = true, description = "The ONNX file to write (e.g. model.onnx; a local, hdfs: "
            + "or s3a: path)")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output file")
    boolean overwrite;

    private final PrintStream out;

    public ExportJob() {
        this(System.out);
    }

    ExportJob(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the export and returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return JobRunner.run(new ExportJob(out), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        ModelSource source = ModelSource.resolve(model);
        if (!overwrite && FileStore.exists(output)) {
            throw new BadInputException("Output " + output + " exists; pass --overwrite to replace it");
        }
        Model m;
        try {
            m = source.load();
        } catch (FileNotFoundException e) {
            throw new BadInputException("Model " + source.modelFile() + " does not exist (" + e.getMessage() + ")");
        }
        byte[] onnx = OnnxExport.toBytes(m);
        FileStore.write(output, onnx, overwrite);
        out.printf(Locale.ROOT, "Exported model \"%s\" (%s, %,d parameters) from %s to %s: ONNX opset %d, IR version %d, "
                        + "%,d bytes%n", m.name(), m.className(), m.countParams(), model, output, OnnxExport.OPSET_VERSION,
                OnnxExport.IR_VERSION, onnx.length);
        out.println("  inputs:  " + describe(m.inputNames(), m.inputShapes()));
        out.println("  outputs: " + describe(m.outputNames(), m.outputShapes()));
        return JobRunner.OK;
    }

    private static String describe(List<String> names, List<long[]> shapes) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + " " + Shapes.withBatch(shapes.get(i)).replace("None", OnnxExport.BATCH_DIMENSION));
        }
        return String.join(", ", parts);
    }
}
