package org.sparkeras.models;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkeras.autodiff.ParameterStore;
import org.sparkeras.autodiff.Tensor;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.backend.Engine;
import org.sparkeras.backend.Seeds;
import org.sparkeras.callbacks.History;
import org.sparkeras.data.ArrayDataset;
import org.sparkeras.data.Dataset;
import org.sparkeras.data.Split;
import org.sparkeras.layers.CallTrace;
import org.sparkeras.layers.Input;
import org.sparkeras.layers.KerasTensor;
import org.sparkeras.layers.Layer;
import org.sparkeras.layers.Shapes;
import org.sparkeras.losses.Loss;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.training.Compile;
import org.sparkeras.training.CompiledState;
import org.sparkeras.training.Fit;
import org.sparkeras.training.LocalTrainer;
import org.sparkeras.training.Trainer;

/**
 * A model: layers plus the training API, as Keras's {@code Model}. {@link Sequential} stacks
 * layers; a subclass creates its layers in its constructor, registers them with {@link #track} and
 * computes in {@link #call(List, boolean)}:
 *
 * <pre>{@code
 * class WideAndDeep extends Model {
 *   final Dense hidden = track(new Dense(30, "relu"));
 *   final Dense out = track(new Dense(1));
 *   public List<Tensor> call(List<Tensor> inputs, boolean training) {
 *     return List.of(out.apply(hidden.apply(inputs.get(0), training), training));
 *   }
 * }
 * }</pre>
 *
 * Training runs through a {@link Trainer}: {@link LocalTrainer} in this JVM unless another one is
 * set with {@link #setTrainer}.
 */
public abstract class Model extends Layer {
    private final List<Layer> tracked = new ArrayList<>();
    private CompiledState compiled;
    private ParameterStore store;
    private Trainer trainer;
    private boolean stopTraining;

    protected Model() {
        Engine.init();
    }

    // ---------------------------------------------------------------- structure

    /** Registers a layer created by a subclass so its weights are found; returns it. */
    protected <T extends Layer> T track(T layer) {
        tracked.add(layer);
        return layer;
    }

    /** The model's layers in order. */
    public List<Layer> layers() {
        return List.copyOf(tracked);
    }

    /** Computes the outputs from the inputs; subclasses of Model override this. */
    public abstract List<Tensor> call(List<Tensor> inputs, boolean training);

    @Override
    public Tensor call(Tensor inputs, boolean training) {
        List<Tensor> out = call(List.of(inputs), training);
        if (out.size() != 1) {
            throw new IllegalArgumentException("Model \"" + name() + "\" has " + out.size() + " outputs; call it with a list");
        }
        return out.get(0);
    }

    /** A functional model from its inputs and outputs (Keras's {@code keras.Model(inputs, outputs)}). */
    public static Model of(List<Input> inputs, List<? extends KerasTensor> outputs) {
        return new Functional(inputs, List.copyOf(outputs), null);
    }

    /** A named functional model. */
    public static Model of(String name, List<Input> inputs, List<? extends KerasTensor> outputs) {
        return new Functional(inputs, List.copyOf(outputs), name);
    }

    /** A functional model with one input and one output. */
    public static Model of(Input input, KerasTensor output) {
        return of(List.of(input), List.of(output));
    }

    /** The architecture as JSON in Keras's class_name/config form (Sequential and Functional models). */
    public String toJson() {
        return org.sparkeras.saving.ModelConfig.toJson(this);
    }

    /**
     * Saves this Sequential or Functional model as an archive (metadata, config, weights; see
     * {@link org.sparkeras.saving.ModelArchive}); refuses to replace an existing file.
     */
    public void save(String path) {
        save(path, false);
    }

    /** Saves this model as an archive; an existing file is replaced only when {@code overwrite}. */
    public void save(String path, boolean overwrite) {
        try {
            org.sparkeras.saving.ModelArchive.save(this, path, overwrite);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot save model \"" + name() + "\" to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Saves this model as an archive as {@link #save(String, boolean)} does, recording {@code seed}
     * (the seed given to {@code Seeds.setRandomSeed} for this run) in the archive's metadata.
     */
    public void save(String path, boolean overwrite, long seed) {
        try {
            org.sparkeras.saving.ModelArchive.save(this, path, overwrite, seed);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot save model \"" + name() + "\" to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model with its weights, compile settings and optimizer state from an archive written by
     * {@link #save}; an archive of an uncompiled model loads uncompiled.
     */
    public static Model load(String path) {
        try {
            return org.sparkeras.saving.ModelArchive.load(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot load a model from " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Exports the inference graph as an ONNX model (opset 17, float32, dynamic batch; inputs and
     * outputs named as {@link #inputNames()} and {@link #outputNames()}) to {@code path}, atomically;
     * refuses to replace an existing file. See {@link org.sparkeras.saving.onnx.OnnxExport} for the
     * layers covered; any other layer fails with an {@code OnnxExportException} naming it.
     */
    public void exportOnnx(String path) {
        exportOnnx(path, false);
    }

    /** Exports as {@link #exportOnnx(String)}; an existing file is replaced only when {@code overwrite}. */
    public void exportOnnx(String path, boolean overwrite) {
        try {
            org.sparkeras.saving.onnx.OnnxExport.write(this, path, overwrite);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot export model \"" + name() + "\" to ONNX at " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes every weight by variable name ({@code dense/kernel}) as a safetensors file, replacing it. */
    public void saveWeights(String path) {
        byte[] data = org.sparkeras.saving.SafeTensors.write(org.sparkeras.saving.ModelArchive.namedWeights(this),
                Map.of("format", "sparkeras"));
        try {
            org.sparkeras.saving.FileStore.write(path, data, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot save the weights of model \"" + name() + "\" to " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /** Sets every weight by variable name from a safetensors file; all must be present with their shapes. */
    public void loadWeights(String path) {
        byte[] data;
        try {
            data = org.sparkeras.saving.FileStore.read(path, org.sparkeras.saving.ModelArchive.MAX_WEIGHTS_BYTES);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read weights from " + path + ": " + e.getMessage(), e);
        }
        org.sparkeras.saving.ModelArchive.assignWeights(this, org.sparkeras.saving.SafeTensors.read(data, path).tensors(), path);
    }

    /** A new model with fresh weights from JSON written by {@link #toJson()}. */
    public static Model fromJson(String json) {
        return org.sparkeras.saving.ModelConfig.fromJson(json);
    }

    /**
     * A new model with the same architecture and freshly initialized weights (Keras's
     * {@code clone_model}); Sequential and Functional models only.
     */
    public static Model cloneModel(Model model) {
        return fromJson(model.toJson());
    }

    /** A new model with the same architecture and a copy of this model's weights (not shared). */
    public Model copyWithWeights() {
        Model copy = cloneModel(this);
        copy.setWeights(getWeights());
        return copy;
    }

    /** Applies this model as a layer to symbolic tensors and returns every output. */
    public List<KerasTensor> applyAll(KerasTensor... inputs) {
        return applySymbolic(List.of(inputs));
    }

    @Override
    public List<long[]> inferShapes(List<long[]> shapes) {
        checkShapes("Model", shapes);
        if (!isModelBuilt()) {
            build(shapes);
        }
        return outputShapes();
    }

    @Override
    public List<Tensor> invoke(List<Tensor> inputs, boolean training) {
        return forward(inputs, training);
    }

    private void checkShapes(String where, List<long[]> shapes) {
        if (shapes.size() != inputCount()) {
            throw new IllegalArgumentException(where + " \"" + name() + "\" expects " + inputCount() + " input(s) "
                    + inputNames() + ", received " + shapes.size() + " with shapes "
                    + shapes.stream().map(Shapes::withBatch).toList());
        }
        List<long[]> expected = inputShapes();
        for (int i = 0; i < shapes.size(); i++) {
            long[] e = expected.get(i);
            if (e != null && !java.util.Arrays.equals(e, shapes.get(i))) {
                throw new IllegalArgumentException("Input " + i + " of layer \"" + name() + "\" is incompatible: expected "
                        + "shape " + Shapes.withBatch(e) + ", received " + Shapes.withBatch(shapes.get(i)));
            }
        }
    }

    /** The names of the model's inputs, used to pass inputs as a map. */
    public List<String> inputNames() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < inputCount(); i++) {
            l.add(inputCount() == 1 ? "input" : "input_" + i);
        }
        return l;
    }

    /** The number of inputs the model takes (1 unless a subclass says otherwise). */
    public int inputCount() {
        return 1;
    }

    /** The names of the model's outputs, used for per-output logs ("main_output_loss"). */
    public List<String> outputNames() {
        return List.of("output");
    }

    /** The per-sample input shapes: those the model was built for, or null entries before it is built. */
    public List<long[]> inputShapes() {
        List<long[]> l = new ArrayList<>();
        for (int i = 0; i < inputCount(); i++) {
            l.add(builtShapes == null ? null : builtShapes.get(i).clone());
        }
        return l;
    }

    /** The per-sample output shapes (after building). */
    public List<long[]> outputShapes() {
        List<long[]> shapes = new ArrayList<>();
        List<long[]> in = inputShapes();
        List<Tensor> probe = new ArrayList<>();
        for (long[] s : in) {
            probe.add(Tensor.constant(zeros(s)));
        }
        for (Tensor t : call(probe, false)) {
            shapes.add(Shapes.perSample(t.shape()));
        }
        return shapes;
    }

    /**
     * Builds the model for inputs of these per-sample shapes. The default runs one forward pass
     * on a zero sample, which creates every layer's weights (subclassed models).
     */
    public void build(List<long[]> perSampleShapes) {
        if (isModelBuilt()) {
            return;
        }
        List<Tensor> probe = new ArrayList<>();
        for (long[] s : perSampleShapes) {
            probe.add(Tensor.constant(zeros(s)));
        }
        call(probe, false);
        markBuilt(perSampleShapes);
    }

    /** A model used as a layer is built for its (single) input shape. */
    @Override
    public void build(long[] inputShape) {
        build(List.of(inputShape));
    }

    @Override
    public long[] computeOutputShape(long[] inputShape) {
        return outputShapes().get(0);
    }

    private List<long[]> builtShapes;

    /** Records that the model is built for these input shapes. */
    protected void markBuilt(List<long[]> perSampleShapes) {
        builtShapes = new ArrayList<>(perSampleShapes);
    }

    /** Whether the model has been built (its weights exist). */
    public boolean isModelBuilt() {
        return builtShapes != null;
    }

    private INDArray zeros(long[] perSample) {
        long[] full = new long[perSample.length + 1];
        full[0] = 1;
        System.arraycopy(perSample, 0, full, 1, perSample.length);
        return Nd4j.zeros(dtype(), full);
    }

    /**
     * The forward pass used by trainers: checks the number and shapes of the inputs, builds on
     * first use, and calls the model (recorded as one call by an active {@link CallTrace}).
     */
    public List<Tensor> forward(List<Tensor> inputs, boolean training) {
        CallTrace trace = CallTrace.enter();
        List<Tensor> out = null;
        try {
            if (!isModelBuilt()) {
                List<long[]> shapes = new ArrayList<>();
                for (Tensor t : inputs) {
                    shapes.add(Shapes.perSample(t.shape()));
                }
                build(shapes);
            }
            out = call(inputs, training);
            return out;
        } finally {
            if (trace != null) {
                trace.exit(this, inputs, out);
            }
        }
    }

    // ---------------------------------------------------------------- weights

    /** All weights of all layers, each once, in layer order. */
    @Override
    public List<Variable> weights() {
        List<Variable> out = new ArrayList<>();
        IdentityHashMap<Variable, Boolean> seen = new IdentityHashMap<>();
        for (Variable v : super.weights()) {
            if (seen.put(v, true) == null) {
                out.add(v);
            }
        }
        for (Layer l : layers()) {
            for (Variable v : l.weights()) {
                if (seen.put(v, true) == null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    @Override
    public void setTrainable(boolean trainable) {
        super.setTrainable(trainable);
        for (Layer l : layers()) {
            l.setTrainable(trainable);
        }
    }

    /** The regularization penalties of every layer, on the active tape. */
    @Override
    public List<Tensor> regularizationLosses() {
        List<Tensor> out = new ArrayList<>(super.regularizationLosses());
        for (Layer l : layers()) {
            out.addAll(l.regularizationLosses());
        }
        return out;
    }

    /** The flat parameter and gradient vectors of the model, repacked when its weights changed. */
    public ParameterStore parameters() {
        List<Variable> ws = weights();
        if (store == null || !store.matches(ws)) {
            store = new ParameterStore(ws, dtype());
        }
        return store;
    }

    /** The layer with this name. */
    public Layer getLayer(String layerName) {
        for (Layer l : layers()) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("No such layer: \"" + layerName + "\". Existing layers are: "
                + layers().stream().map(Layer::name).toList());
    }

    /** The layer at this index. */
    public Layer getLayer(int index) {
        List<Layer> ls = layers();
        if (index < 0 || index >= ls.size()) {
            throw new IllegalArgumentException("Was asked to retrieve layer at index " + index + " but model only has "
                    + ls.size() + " layers.");
        }
        return ls.get(index);
    }

    // ---------------------------------------------------------------- compile

    /** compile with an optimizer, a loss and metrics, each by Keras name. */
    public void compile(String optimizer, String loss, String... metrics) {
        compile(Compile.optimizer(optimizer).loss(loss).metrics((Object[]) metrics));
    }

    /** compile with objects. */
    public void compile(Optimizer optimizer, Loss loss, String... metrics) {
        compile(Compile.optimizer(optimizer).loss(loss).metrics((Object[]) metrics));
    }

    public void compile(Compile c) {
        this.compiled = new CompiledState(c, outputNames());
    }

    /** The compiled state; fails with Keras's message when compile was not called. */
    public CompiledState compiled() {
        if (compiled == null) {
            throw new IllegalStateException("You must call compile() before using the model (model \"" + name() + "\").");
        }
        return compiled;
    }

    public boolean isCompiled() {
        return compiled != null;
    }

    // ---------------------------------------------------------------- fit / evaluate / predict

    /** Trains a single-input, single-output model on in-memory arrays. */
    public History fit(INDArray x, INDArray y, Fit options) {
        return fit(List.of(x), List.of(y), options);
    }

    /** Trains with default options (one epoch, batch size 32). */
    public History fit(INDArray x, INDArray y) {
        return fit(x, y, Fit.defaults());
    }

    /** Trains on in-memory arrays, one per input and one per output, in order. */
    public History fit(List<INDArray> x, List<INDArray> y, Fit options) {
        compiled();
        if (!x.isEmpty() && x.get(0).rank() > 0 && x.get(0).size(0) == 0) {
            throw new IllegalArgumentException("fit received no training samples (x has 0 rows)");
        }
        checkArrays("fit", x, y);
        List<INDArray> trainX = x, trainY = y;
        INDArray sw = options.sampleWeight();
        Dataset validation = null;
        List<INDArray> vx = options.validationX(), vy = options.validationY();
        if (options.validationXByName() != null) {
            vx = byName("input", inputNames(), options.validationXByName());
            vy = byName("output", outputNames(), options.validationYByName());
        }
        if (vx != null) {
            checkArrays("validation_data", vx, vy);
            validation = new ArrayDataset(vx, vy, null, null, options.batchSize(), false, 0);
        } else if (options.validationSplit() > 0) {
            List<INDArray> all = new ArrayList<>(x);
            all.addAll(y);
            if (sw != null) {
                all.add(sw);
            }
            Split parts = Split.last(all, options.validationSplit());
            trainX = parts.train().subList(0, x.size());
            trainY = parts.train().subList(x.size(), x.size() + y.size());
            if (sw != null) {
                sw = parts.train().get(x.size() + y.size());
            }
            validation = new ArrayDataset(parts.validation().subList(0, x.size()),
                    parts.validation().subList(x.size(), x.size() + y.size()), null, null, options.batchSize(), false, 0);
        }
        long seed = options.seed() != null ? options.seed() : Seeds.next();
        ArrayDataset train = new ArrayDataset(trainX, trainY, sw, options.classWeight(), options.batchSize(),
                options.shuffle(), seed);
        if (train.samples() == 0) {
            throw new IllegalArgumentException("fit received no training samples (x has 0 rows)");
        }
        return trainer().fit(this, train, validation, options);
    }

    /** Trains with inputs and targets passed by input and output name. */
    public History fit(Map<String, INDArray> x, Map<String, INDArray> y, Fit options) {
        return fit(byName("input", inputNames(), x), byName("output", outputNames(), y), options);
    }

    /** The loss and metrics with inputs and targets passed by name. */
    public Map<String, Double> evaluate(Map<String, INDArray> x, Map<String, INDArray> y, int batchSize) {
        return evaluate(byName("input", inputNames(), x), byName("output", outputNames(), y), batchSize);
    }

    /** The predictions by output name, with inputs passed by name. */
    public Map<String, INDArray> predict(Map<String, INDArray> x, int batchSize) {
        List<INDArray> out = predict(byName("input", inputNames(), x), batchSize);
        Map<String, INDArray> m = new java.util.LinkedHashMap<>();
        List<String> names = outputNames();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), out.get(i));
        }
        return m;
    }

    /**
     * The arrays of a map in the order of {@code names}; unknown and missing names fail, listing
     * the valid names.
     */
    public static <T> List<T> byName(String kind, List<String> names, Map<String, T> values) {
        java.util.Set<String> unknown = new java.util.TreeSet<>(values.keySet());
        unknown.removeAll(names);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown " + kind + " name(s) " + unknown + "; the model's " + kind
                    + "s are " + names);
        }
        List<T> out = new ArrayList<>();
        for (String n : names) {
            if (!values.containsKey(n)) {
                throw new IllegalArgumentException("Missing " + kind + " \"" + n + "\"; the model's " + kind + "s are "
                        + names + ", received " + new java.util.TreeSet<>(values.keySet()));
            }
            out.add(values.get(n));
        }
        return out;
    }

    /** Trains on a dataset that yields batches (data larger than memory). */
    public History fit(Dataset train, Fit options) {
        compiled();
        return trainer().fit(this, train, null, options);
    }

    /** The loss and metrics on in-memory data, batch size 32. */
    public Map<String, Double> evaluate(INDArray x, INDArray y) {
        return evaluate(List.of(x), List.of(y), 32);
    }

    public Map<String, Double> evaluate(INDArray x, INDArray y, int batchSize) {
        return evaluate(List.of(x), List.of(y), batchSize);
    }

    public Map<String, Double> evaluate(List<INDArray> x, List<INDArray> y, int batchSize) {
        compiled();
        checkArrays("evaluate", x, y);
        return trainer().evaluate(this, new ArrayDataset(x, y, null, null, batchSize, false, 0));
    }

    public Map<String, Double> evaluate(Dataset data) {
        compiled();
        return trainer().evaluate(this, data);
    }

    /** The predictions of a single-output model, batch size 32. */
    public INDArray predict(INDArray x) {
        return predict(x, 32);
    }

    public INDArray predict(INDArray x, int batchSize) {
        List<INDArray> out = predict(List.of(x), batchSize);
        return out.get(0);
    }

    /** One array of predictions per output. */
    public List<INDArray> predict(List<INDArray> x, int batchSize) {
        checkInputs("predict", x);
        return trainer().predict(this, x, batchSize);
    }

    /** One step of training on one batch; returns the batch's loss and metrics. */
    public Map<String, Double> trainOnBatch(INDArray x, INDArray y) {
        return trainOnBatch(List.of(x), List.of(y));
    }

    public Map<String, Double> trainOnBatch(List<INDArray> x, List<INDArray> y) {
        CompiledState c = compiled();
        checkArrays("train_on_batch", x, y);
        LocalTrainer.Trackers trackers = new LocalTrainer.Trackers(this, c);
        trackers.reset();
        ArrayDataset d = new ArrayDataset(x, y, null, null, Integer.MAX_VALUE, false, 0);
        LocalTrainer.StepResult r = localTrainer().trainStep(this, c, d.batches(0), trackers);
        Map<String, Double> logs = trackers.logs();
        if (!r.finite()) {
            logs.put("loss", r.loss());
        }
        return logs;
    }

    /** The loss and metrics of one batch, without training. */
    public Map<String, Double> testOnBatch(INDArray x, INDArray y) {
        return evaluate(List.of(x), List.of(y), Integer.MAX_VALUE);
    }

    /** The predictions for one batch. */
    public INDArray predictOnBatch(INDArray x) {
        return predict(x, Integer.MAX_VALUE);
    }

    /** Uses another trainer (e.g. a distributed one) for fit, evaluate and predict. */
    public void setTrainer(Trainer trainer) {
        this.trainer = trainer;
    }

    private Trainer trainer() {
        if (trainer == null) {
            trainer = new LocalTrainer();
        }
        return trainer;
    }

    private LocalTrainer localTrainer() {
        return trainer() instanceof LocalTrainer l ? l : new LocalTrainer();
    }

    /** Set by callbacks (EarlyStopping) to end training after the current epoch. */
    public void setStopTraining(boolean stop) {
        this.stopTraining = stop;
    }

    public boolean stopTraining() {
        return stopTraining;
    }

    // ---------------------------------------------------------------- checks

    /** Checks inputs and targets against the model before anything runs (RELIABILITY cases 1-5). */
    protected void checkArrays(String where, List<INDArray> x, List<INDArray> y) {
        checkInputs(where, x);
        List<String> outs = outputNames();
        if (y == null || y.size() != outs.size()) {
            throw new IllegalArgumentException(where + ": model \"" + name() + "\" has " + outs.size() + " output(s) "
                    + outs + ", received " + (y == null ? 0 : y.size()) + " target array(s) with shapes " + shapes(y));
        }
        if (!isModelBuilt()) {
            List<long[]> shapes = new ArrayList<>();
            for (INDArray a : x) {
                shapes.add(Shapes.perSample(a.shape()));
            }
            build(shapes);
        }
        List<long[]> outShapes = outputShapes();
        List<Loss> losses = compiled == null ? List.of() : compiled.losses();
        for (int i = 0; i < losses.size(); i++) {
            long[] pred = new long[outShapes.get(i).length + 1];
            pred[0] = y.get(i).rank() == 0 ? 1 : y.get(i).size(0);
            System.arraycopy(outShapes.get(i), 0, pred, 1, outShapes.get(i).length);
            losses.get(i).checkTargets(y.get(i), pred);
        }
    }

    /** Checks the number and per-sample shapes of the input arrays against the model's inputs. */
    protected void checkInputs(String where, List<INDArray> x) {
        if (x == null || x.size() != inputCount()) {
            throw new IllegalArgumentException(where + ": model \"" + name() + "\" expects " + inputCount()
                    + " input(s), received " + (x == null ? 0 : x.size()) + " array(s) with shapes " + shapes(x));
        }
        List<long[]> expected = inputShapes();
        for (int i = 0; i < x.size(); i++) {
            long[] e = expected.get(i);
            long[] got = x.get(i).rank() == 0 ? new long[0] : Shapes.perSample(x.get(i).shape());
            if (e != null && !java.util.Arrays.equals(e, got)) {
                throw new IllegalArgumentException("Input " + i + " of layer \"" + name() + "\" is incompatible: expected "
                        + "shape " + Shapes.withBatch(e) + ", received " + Shapes.withBatch(got));
            }
        }
    }

    private static String shapes(List<INDArray> arrays) {
        if (arrays == null) {
            return "[]";
        }
        return arrays.stream().map(a -> Shapes.of(a.shape())).toList().toString();
    }

    // ---------------------------------------------------------------- summary

    /** Prints the Keras summary table to standard output. */
    public void summary() {
        summary(System.out);
    }

    public void summary(PrintStream out) {
        summary(out::println);
    }

    /** Writes the Keras summary table line by line. */
    public void summary(Consumer<String> out) {
        if (!isModelBuilt()) {
            throw new IllegalStateException("This model (\"" + name() + "\") has not yet been built. Build the model first "
                    + "by calling build() or by calling the model on a batch of data.");
        }
        boolean connections = showsConnections();
        int[] cols = connections ? new int[] {29, 26, 10, 20} : new int[] {29, 26, 10};
        int width = connections ? 98 : 65;
        String line = "_".repeat(width);
        out.accept("Model: \"" + name() + "\"");
        out.accept(line);
        out.accept(connections ? row(cols, "Layer (type)", "Output Shape", "Param #", "Connected to")
                : row(cols, "Layer (type)", "Output Shape", "Param #"));
        out.accept("=".repeat(width));
        List<Layer> ls = summaryLayers();
        for (int i = 0; i < ls.size(); i++) {
            Layer l = ls.get(i);
            long[] shape = l.outputShape();
            String shapeText = shape == null ? "?" : Shapes.withBatch(shape);
            String params = String.format(Locale.ROOT, "%,d", l.countParams());
            out.accept(connections ? row(cols, l.name() + " (" + l.className() + ")", shapeText, params, connectedTo(l))
                    : row(cols, l.name() + " (" + l.className() + ")", shapeText, params));
            if (i < ls.size() - 1) {
                out.accept(" ".repeat(width));
            }
        }
        out.accept("=".repeat(width));
        long total = 0, trainable = 0;
        for (Variable v : weights()) {
            total += v.size();
            trainable += v.trainable() ? v.size() : 0;
        }
        long bytes = (long) (dtype() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? 8 : 4);
        out.accept("Total params: " + count(total, bytes));
        out.accept("Trainable params: " + count(trainable, bytes));
        out.accept("Non-trainable params: " + count(total - trainable, bytes));
        out.accept(line);
    }

    /** The summary as one string. */
    public String summaryString() {
        StringBuilder b = new StringBuilder();
        summary(s -> b.append(s).append('\n'));
        return b.toString();
    }

    /** Whether the summary has Keras's "Connected to" column (functional models). */
    protected boolean showsConnections() {
        return false;
    }

    /** The "Connected to" cell of a layer: the layers feeding it. */
    protected String connectedTo(Layer layer) {
        return "";
    }

    /** The layers listed by {@link #summary}: those that are not input layers. */
    protected List<Layer> summaryLayers() {
        return layers();
    }

    private static String row(int[] cols, String... cells) {
        StringBuilder b = new StringBuilder(" ");
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            b.append(c);
            int pad = cols[i] - c.length();
            b.append(" ".repeat(Math.max(1, pad)));
        }
        return b.toString().stripTrailing();
    }

    private static String count(long n, long bytesPer) {
        double bytes = (double) n * bytesPer;
        String size;
        if (bytes >= 1024 * 1024 * 1024) {
            size = String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
        } else if (bytes >= 1024 * 1024) {
            size = String.format(Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024));
        } else if (bytes >= 1024) {
            size = String.format(Locale.ROOT, "%.2f KB", bytes / 1024.0);
        } else {
            size = String.format(Locale.ROOT, "%.2f B", bytes);
        }
        return String.format(Locale.ROOT, "%,d (%s)", n, size);
    }
}
