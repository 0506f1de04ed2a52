package org.sparkeras.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkeras.testing.OnnxRuntimeSession.assertClose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkeras.backend.Seeds;
import org.sparkeras.data.CaliforniaHousing;
import org.sparkeras.data.Mnist;
import org.sparkeras.data.StandardScaler;
import org.sparkeras.models.Model;
import org.sparkeras.saving.onnx.OnnxExport;
import org.sparkeras.testing.OnnxRuntimeSession;
import org.sparkeras.training.Compile;
import org.sparkeras.training.Fit;

/**
 * The shipped models, built from their configs, trained briefly on the bundled data and exported:
 * ONNX Runtime's predictions on real test rows equal predict's to 1e-5, at batch sizes 256 and 1.
 */
class OnnxExportModelsTest {
    private static final double TOLERANCE = 1e-5;
    /** Rows compared one at a time (batch 1). */
    private static final int SINGLE_ROWS = 24;

    private static INDArray rows(INDArray a, long from, long to) {
        INDArrayIndex[] ix = new INDArrayIndex[a.rank()];
        ix[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < ix.length; i++) {
            ix[i] = NDArrayIndex.all();
        }
        return a.get(ix).dup('c');
    }

    /** Compares every output of predict and of ONNX Runtime on the first 256 rows, then row by row. */
    private static void assertSameAsPredict(Model model, Map<String, INDArray> test, String what) throws Exception {
        byte[] onnx = OnnxExport.toBytes(model);
        try (OnnxRuntimeSession ort = new OnnxRuntimeSession(onnx)) {
            assertEquals(model.inputNames(), ort.inputNames(), what + ": input names");
            assertEquals(model.outputNames(), ort.outputNames(), what + ": output names");
            for (int batch : new int[] {256, 1}) {
                int calls = batch == 256 ? 1 : SINGLE_ROWS;
                for (int c = 0; c < calls; c++) {
                    Map<String, INDArray> x = new LinkedHashMap<>();
                    for (Map.Entry<String, INDArray> e : test.entrySet()) {
                        x.put(e.getKey(), rows(e.getValue(), (long) c * batch, (long) c * batch + batch));
                    }
                    List<INDArray> expected = model.predict(Model.byName("input", model.inputNames(), x), batch);
                    Map<String, INDArray> actual = ort.run(x);
                    for (int i = 0; i < expected.size(); i++) {
                        String name = model.outputNames().get(i);
                        assertClose(expected.get(i), actual.get(name), TOLERANCE,
                                what + ", batch " + batch + " (rows " + c * batch + "..), output " + name);
                    }
                }
            }
        }
    }

    @Test
    void mnistModelMatchesOnTestImages() throws Exception {
        JobConfig config = ConfigReader.read(Path.of("conf/mnist-mlp.yaml"));
        Seeds.setRandomSeed(42);
        Model model = ModelFactory.build(config.model());
        Mnist mnist = Mnist.load(Path.of("data/mnist"), 2048, 256);
        model.compile(Compile.optimizer("sgd").loss("sparse_categorical_crossentropy").metrics("accuracy"));
        model.fit(mnist.trainImages(), mnist.trainLabels(), Fit.epochs(1).batchSize(32).verbose(0).seed(1));
        assertSameAsPredict(model, Map.of("input", mnist.testImages()), "MNIST MLP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"housing-wide-deep-aux.yaml", "housing-wide-deep-subclass.yaml"})
    void wideAndDeepHousingModelMatchesOnTestRows(String configFile) throws Exception {
        JobConfig config = ConfigReader.read(Path.of("conf", configFile));
        Seeds.setRandomSeed(42);
        Model model = ModelFactory.build(config.model());
        CaliforniaHousing data = CaliforniaHousing.load(Path.of(config.data().path()));
        CaliforniaHousing.Splits s = CaliforniaHousing.split(data.features(), data.target(), 42);
        StandardScaler scaler = new StandardScaler().fit(s.xTrain());
        INDArray train = scaler.transform(s.xTrain()), test = scaler.transform(s.xTest());
        // The configs' feature columns [from, to) of each input.
        Map<String, int[]> columns = Map.of("wide_input", new int[] {0, 5}, "deep_input", new int[] {2, 8});
        Map<String, INDArray> x = new LinkedHashMap<>(), xTest = new LinkedHashMap<>();
        for (String input : model.inputNames()) {
            int[] c = columns.get(input);
            x.put(input, CaliforniaHousing.columns(train, c[0], c[1]));
            xTest.put(input, CaliforniaHousing.columns(test, c[0], c[1]));
        }
        model.compile(Compile.optimizer("adam").loss("mse", "mse").lossWeights(0.9, 0.1));
        List<INDArray> y = new ArrayList<>(List.of(s.yTrain(), s.yTrain()));
        model.fit(Model.byName("input", model.inputNames(), x), y, Fit.epochs(1).stepsPerEpoch(100).verbose(0).seed(1));
        assertEquals(List.of("wide_input", "deep_input"), model.inputNames());
        assertEquals(List.of("main_output", "aux_output"), model.outputNames());
        assertSameAsPredict(model, xTest, configFile);
    }
}
