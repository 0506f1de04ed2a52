package org.sparkeras.training;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkeras.callbacks.Callback;

/**
 * The options of {@code fit}, with Keras's names and defaults: epochs 1, batch_size 32, verbose 1,
 * shuffle true, no validation, initial_epoch 0. A value: build it fluently and pass it.
 *
 * <pre>{@code model.fit(x, y, Fit.epochs(20).batchSize(64).validationData(xv, yv)); }</pre>
 */
public final class Fit {
    private int epochs = 1;
    private int batchSize = 32;
    private int verbose = 1;
    private boolean shuffle = true;
    private Long seed;
    private int initialEpoch;
    private Integer stepsPerEpoch;
    private double validationSplit;
    private List<INDArray> validationX;
    private List<INDArray> validationY;
    private Map<String, INDArray> validationXByName;
    private Map<String, INDArray> validationYByName;
    private Map<Integer, Double> classWeight;
    private INDArray sampleWeight;
    private final List<Callback> callbacks = new ArrayList<>();
    private PrintStream out = System.out;

    private Fit() {}

    /** Default options. */
    public static Fit defaults() {
        return new Fit();
    }

    /** Options training for {@code epochs} epochs. */
    public static Fit epochs(int epochs) {
        return new Fit().setEpochs(epochs);
    }

    private Fit setEpochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, received " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    public Fit batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be a positive integer, received " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** 0 = silent, 1 = progress bar, 2 = one line per epoch. */
    public Fit verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, received " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    public Fit shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** The seed of the shuffling order (default: drawn from the process seed source). */
    public Fit seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The epoch to start at (0-based), to resume an earlier run. */
    public Fit initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initial_epoch must be >= 0, received " + initialEpoch);
        }
        this.initialEpoch = initialEpoch;
        return this;
    }

    /** Ends each epoch after this many batches. */
    public Fit stepsPerEpoch(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps_per_epoch must be a positive integer, received " + steps);
        }
        this.stepsPerEpoch = steps;
        return this;
    }

    /** Holds out the last fraction of the training arrays (taken before shuffling) for validation. */
    public Fit validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split must be in [0, 1), received " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    /** Validation data for a single-input, single-output model. */
    public Fit validationData(INDArray x, INDArray y) {
        return validationData(List.of(x), List.of(y));
    }

    /** Validation data, one array per input and per output. */
    public Fit validationData(List<INDArray> x, List<INDArray> y) {
        this.validationX = List.copyOf(x);
        this.validationY = List.copyOf(y);
        return this;
    }

    /** Validation data by input and output name. */
    public Fit validationData(Map<String, INDArray> x, Map<String, INDArray> y) {
        this.validationXByName = new LinkedHashMap<>(x);
        this.validationYByName = new LinkedHashMap<>(y);
        return this;
    }

    public Map<String, INDArray> validationXByName() {
        return validationXByName;
    }

    public Map<String, INDArray> validationYByName() {
        return validationYByName;
    }

    /** Weights per class index, applied to the loss of each sample (single-output models). */
    public Fit classWeight(Map<Integer, Double> classWeight) {
        this.classWeight = new LinkedHashMap<>(classWeight);
        return this;
    }

    /** A weight per training sample. */
    public Fit sampleWeight(INDArray sampleWeight) {
        this.sampleWeight = sampleWeight;
        return this;
    }

    public Fit callbacks(Callback... callbacks) {
        this.callbacks.addAll(List.of(callbacks));
        return this;
    }

    /** Where the progress output goes (default standard output). */
    public Fit output(PrintStream out) {
        this.out = out;
        return this;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public int verbose() {
        return verbose;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public Long seed() {
        return seed;
    }

    public int initialEpoch() {
        return initialEpoch;
    }

    public Integer stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public double validationSplit() {
        return validationSplit;
    }

    public List<INDArray> validationX() {
        return validationX;
    }

    public List<INDArray> validationY() {
        return validationY;
    }

    public Map<Integer, Double> classWeight() {
        return classWeight;
    }

    public INDArray sampleWeight() {
        return sampleWeight;
    }

    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    public PrintStream out() {
        return out;
    }
}
