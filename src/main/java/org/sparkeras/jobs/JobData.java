package org.sparkeras.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.data.CaliforniaHousing;
import org.sparkeras.data.Mnist;
import org.sparkeras.data.Split;
import org.sparkeras.data.StandardScaler;
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
        throw new BadInputException("Unknown data.source \"" + source + "\"; known sources: mnist, california_housing");
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
        CaliforniaHousing data = CaliforniaHousing.load(Path.of(d.path()));
        CaliforniaHousing.Splits s = CaliforniaHousing.split(data.features(), data.target(), seed);
        StandardScaler scaler = new StandardScaler().fit(s.xTrain());
        INDArray train = scaler.transform(s.xTrain()), valid = scaler.transform(s.xValid()), test = scaler.transform(s.xTest());
        List<String> inputs = model.inputNames();
        Map<String, List<Integer>> ranges = d.inputs();
        List<INDArray> xt = new ArrayList<>(), xv = new ArrayList<>(), xs = new ArrayList<>();
        if (ranges == null) {
            if (inputs.size() != 1) {
                throw new BadInputException("data.inputs must give the feature columns [from, to) of each model input "
                        + inputs);
            }
            xt.add(train);
            xv.add(valid);
            xs.add(test);
        } else {
            List<List<Integer>> ordered;
            try {
                ordered = Model.byName("input", inputs, ranges);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("data.inputs: " + e.getMessage());
            }
            for (int i = 0; i < ordered.size(); i++) {
                List<Integer> r = ordered.get(i);
                if (r == null || r.size() != 2 || r.get(0) < 0 || r.get(1) > 8 || r.get(0) >= r.get(1)) {
                    throw new BadInputException("data.inputs." + inputs.get(i) + " must be [from, to) with 0 <= from < to <= 8,"
                            + " received " + r);
                }
                xt.add(CaliforniaHousing.columns(train, r.get(0), r.get(1)));
                xv.add(CaliforniaHousing.columns(valid, r.get(0), r.get(1)));
                xs.add(CaliforniaHousing.columns(test, r.get(0), r.get(1)));
            }
        }
        int outputs = model.outputNames().size();
        return new JobData(xt, repeat(s.yTrain(), outputs), xv, repeat(s.yValid(), outputs), xs,
                repeat(s.yTest(), outputs));
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
