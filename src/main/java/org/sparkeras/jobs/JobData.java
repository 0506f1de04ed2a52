package org.sparkeras.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.data.CaliforniaHousing;
import org.sparkeras.data.Mnist;
import org.sparkeras.data.Split;
import org.sparkeras.data.StandardScaler;
import org.sparkeras.layers.Shapes;
import org.sparkeras.models.Model;

/**
 * The train, validation and test arrays of a job, one per model input and per model output, in
 * the model's order. MNIST: images and labels, a seeded hold-out for validation. California
 * housing: the scikit-learn features standardized with statistics of the training set, feature
 * column ranges per input ({@code data.inputs}), the target for every output.
 */
record JobData(List<INDArray> xTrain, List<INDArray> yTrain, List<INDArray> xValid, List<INDArray> yValid,
        List<INDArray> xTest, List<INDArray> yTest) {

    static JobData load(JobConfig.DataSpec d, Model model, long seed) throws IOException {
        String source = d.source();
        if ("mnist".equals(source)) {
            return mnist(d, seed);
        }
        if ("california_housing".equals(source)) {
            return housing(d, model, seed);
        }
        throw unknownSource(source);
    }

    private static JobData mnist(JobConfig.DataSpec d, long seed) throws IOException {
        Mnist mnist = Mnist.load(Path.of(d.path()), limit(d.trainLimit()), limit(d.testLimit()));
        int validation = d.validationSamples() == null ? 5000 : d.validationSamples();
        int trainCount = (int) mnist.trainImages().size(0);
        if (validation < 0 || validation >= trainCount) {
            throw new BadInputException("data.validation_samples must be in [0, " + trainCount + "), received " + validation);
        }
        Split split = Split.holdOut(List.of(mnist.trainImages(), mnist.trainLabels()), validation, seed);
        return new JobData(List.of(split.train().get(0)), List.of(split.train().get(1)),
                validation == 0 ? null : List.of(split.validation().get(0)),
                validation == 0 ? null : List.of(split.validation().get(1)),
                List.of(mnist.testImages()), List.of(mnist.testLabels()));
    }

    private static JobData housing(JobConfig.DataSpec d, Model model, long seed) throws IOException {
        List<int[]> ranges = featureRanges(d, model);
        CaliforniaHousing data = CaliforniaHousing.load(Path.of(d.path()));
        CaliforniaHousing.Splits s = CaliforniaHousing.split(data.features(), data.target(), seed);
        StandardScaler scaler = new StandardScaler().fit(s.xTrain());
        INDArray train = scaler.transform(s.xTrain()), valid = scaler.transform(s.xValid()), test = scaler.transform(s.xTest());
        List<INDArray> xt = new ArrayList<>(), xv = new ArrayList<>(), xs = new ArrayList<>();
        if (ranges == null) {
            xt.add(train);
            xv.add(valid);
            xs.add(test);
        } else {
            for (int[] r : ranges) {
                xt.add(CaliforniaHousing.columns(train, r[0], r[1]));
                xv.add(CaliforniaHousing.columns(valid, r[0], r[1]));
                xs.add(CaliforniaHousing.columns(test, r[0], r[1]));
            }
        }
        int outputs = model.outputNames().size();
        return new JobData(xt, repeat(s.yTrain(), outputs), xv, repeat(s.yValid(), outputs), xs,
                repeat(s.yTest(), outputs));
    }

    /** The number of California housing features (the scikit-learn columns). */
    private static final int HOUSING_FEATURES = CaliforniaHousing.FEATURE_NAMES.size();

    /**
     * California housing: the feature columns {@code [from, to)} of each model input in the model's
     * order, from {@code data.inputs}; null when {@code data.inputs} is absent (one input, all
     * features).
     */
    private static List<int[]> featureRanges(JobConfig.DataSpec d, Model model) {
        List<String> inputs = model.inputNames();
        Map<String, List<Integer>> ranges = d.inputs();
        if (ranges == null) {
            if (inputs.size() != 1) {
                throw new BadInputException("data.inputs must give the feature columns [from, to) of each model input "
                        + inputs);
            }
            return null;
        }
        List<List<Integer>> ordered;
        try {
            ordered = Model.byName("input", inputs, ranges);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("data.inputs: " + e.getMessage());
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            List<Integer> r = ordered.get(i);
            if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || r.get(0) < 0
                    || r.get(1) > HOUSING_FEATURES || r.get(0) >= r.get(1)) {
                throw new BadInputException("data.inputs." + inputs.get(i) + " must be [from, to) with 0 <= from < to <= "
                        + HOUSING_FEATURES + ", received " + r);
            }
            out.add(new int[] {r.get(0), r.get(1)});
        }
        return out;
    }

    /**
     * The per-sample shape of each model input that {@link #load} gives for {@code d}, in the
     * model's order, without reading the data: MNIST {@code [28, 28]}; California housing the width
     * of each input's feature columns ({@code data.inputs}), or all 8 features.
     */
    static List<long[]> inputShapes(JobConfig.DataSpec d, Model model) {
        String source = d.source();
        if ("mnist".equals(source)) {
            return List.of(new long[] {Mnist.ROWS, Mnist.COLS});
        }
        if ("california_housing".equals(source)) {
            List<int[]> ranges = featureRanges(d, model);
            if (ranges == null) {
                return List.of(new long[] {HOUSING_FEATURES});
            }
            List<long[]> shapes = new ArrayList<>();
            for (int[] r : ranges) {
                shapes.add(new long[] {r[1] - r[0]});
            }
            return shapes;
        }
        throw unknownSource(source);
    }

    /**
     * Checks, before any data is read, that the data {@code d} describes fits {@code model}: the
     * input names ({@code data.inputs}), the number of inputs and targets, and each input's width
     * against the model's input shape (skipped for a model not built yet). The message names the
     * model ({@code modelWhat}), the config ({@code configWhat}) and both sides.
     */
    static void checkFits(JobConfig.DataSpec d, Model model, String modelWhat, String configWhat) {
        String mismatch = modelWhat + " does not fit the data of " + configWhat + ": ";
        List<long[]> given;
        try {
            given = inputShapes(d, model);
        } catch (BadInputException e) {
            throw new BadInputException(mismatch + e.getMessage());
        }
        List<String> names = model.inputNames();
        if (given.size() != names.size()) {
            throw new BadInputException(mismatch + "the model has " + names.size() + " input(s) " + names + ", data.source "
                    + d.source() + " gives " + given.size() + " (" + Shapes.list(given) + ")");
        }
        List<long[]> expected = model.inputShapes();
        for (int i = 0; i < names.size(); i++) {
            long[] e = expected.get(i);
            if (e != null && !Arrays.equals(e, given.get(i))) {
                String from = d.inputs() != null && d.inputs().containsKey(names.get(i))
                        ? "data.inputs." + names.get(i) + " " + d.inputs().get(names.get(i)) : "data.source " + d.source();
                throw new BadInputException(mismatch + "the model's input \"" + names.get(i) + "\" expects shape "
                        + Shapes.withBatch(e) + ", the config's data (" + from + ") has shape "
                        + Shapes.withBatch(given.get(i)));
            }
        }
        if ("mnist".equals(d.source()) && model.outputNames().size() != 1) {
            throw new BadInputException(mismatch + "the model has " + model.outputNames().size() + " outputs "
                    + model.outputNames() + ", data.source mnist gives one target (the labels)");
        }
    }

    private static BadInputException unknownSource(String source) {
        return new BadInputException("Unknown data.source \"" + source + "\"; known sources: mnist, california_housing");
    }

    private static List<INDArray> repeat(INDArray a, int n) {
        List<INDArray> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(a);
        }
        return l;
    }

    private static int limit(Integer v) {
        return v == null || v <= 0 ? Integer.MAX_VALUE : v;
    }
}
