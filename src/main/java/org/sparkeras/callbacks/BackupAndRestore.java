package org.sparkeras.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkeras.autodiff.Variable;
import org.sparkeras.optimizers.Optimizer;
import org.sparkeras.saving.FileStore;
import org.sparkeras.saving.SafeTensors;

/**
 * Keras's {@code BackupAndRestore}: backs up the training state so that a run interrupted by a
 * crash, run again with the same {@code backupDir}, resumes where the last backup was taken
 * (RELIABILITY.md cases 14-16).
 *
 * <p>A backup is taken at the end of every epoch ({@code saveFreq "epoch"}) or after every
 * {@code N} training batches (an integer {@code saveFreq}). Backup {@code n} is two files written
 * atomically through {@link FileStore#write}:
 * <ul>
 *   <li>{@code ckpt-<n>.safetensors}: the model weights as {@code "model/<index>/<variable name>"}
 *       (restored by index, so a model built the same way but with other layer names matches) and
 *       the optimizer's {@link Optimizer#stateDict()} as {@code "optimizer/<key>"};</li>
 *   <li>{@code ckpt-<n>.json}: the epoch and batch to resume at, and the SHA-256 and size of the
 *       safetensors file.</li>
 * </ul>
 * Then the pointer {@code latest.json} naming backup {@code n} and the previous one is written,
 * and older backups are deleted: two backups are kept. At train begin, leftover temporary files
 * of interrupted writes are deleted and, when a backup exists, the newest usable one is restored
 * (weights and optimizer state) and the run resumes at its position through
 * {@link Callback#resumePosition()}. A backup whose files are missing, unreadable or whose
 * checksum does not match is logged with the file and the reason and the previous one is tried;
 * when none is usable the error names every file tried and why. After a training run ends
 * normally the backups are deleted when {@code deleteCheckpoint} is true (the default).
 *
 * <p>Each {@code ckpt-<n>.json} also describes what the backup was written for (RELIABILITY.md
 * case 18): {@code "model"}, the list of weights by index with each variable's short name (the
 * part after the last {@code "/"}, such as {@code "kernel"}, so the automatic layer-name counters
 * of a model built again do not matter) and shape; and {@code "optimizer"}, its
 * {@link Optimizer#name()} and {@link Optimizer#getConfig()} as they were when that training run
 * began (so learning-rate changes made during training by callbacks such as
 * {@code ReduceLROnPlateau} are not differences). The architecture beyond the weight list (layer
 * classes, activations) is not compared. On restore the description is compared with the current
 * model and optimizer; any difference refuses the resume with an {@link IllegalStateException}
 * naming the backup file and listing every difference, unless the callback was created with
 * {@link #allowChanges(boolean) allowChanges(true)}: then the differences are logged as a warning
 * and
 * <ul>
 *   <li>if the weights differ (count, names or shapes) nothing is restored: training starts from
 *       the beginning with the current model and optimizer, and the old backups are replaced by
 *       the new ones;</li>
 *   <li>if only the optimizer differs, the weights and the position are restored; the optimizer
 *       state (moments, iteration count) too when it is the same optimizer with other
 *       hyperparameters (the current hyperparameters are kept), and not when it is another
 *       optimizer, which starts with fresh state.</li>
 * </ul>
 * Backups written before this description existed are restored without the comparison.
 */
public final class BackupAndRestore extends Callback {
    private static final Logger LOG = LoggerFactory.getLogger(BackupAndRestore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CKPT = Pattern.compile("ckpt-(\\d+)\\.(safetensors|json)");
    private static final String POINTER = "latest.json";
    private static final long MAX_JSON = 1 << 20;
    private static final String MODEL = "model/";
    private static final String OPTIMIZER = "optimizer/";

    private final String backupDir;
    private final int saveFreq;
    private final boolean deleteCheckpoint;
    private int epoch;
    private long batchesSinceSave;
    /** The highest backup number in the directory: the next backup is numbered one more. */
    private long highest;
    /** The newest usable backup (restored or written by this run), kept as the previous one; 0 if none. */
    private long good;
    private Position resume;
    private boolean allowChanges;
    /** The optimizer description taken when this training run began. */
    private ObjectNode optimizerAtStart;

    /** Backs up at the end of every epoch and deletes the backups after a successful run. */
    public BackupAndRestore(String backupDir) {
        this(backupDir, "epoch", true);
    }

    /**
     * @param backupDir the directory of the backups (any {@link FileStore} path)
     * @param saveFreq {@code "epoch"} or a positive number of training batches between backups
     * @param deleteCheckpoint whether the backups are deleted when training ends normally
     */
    public BackupAndRestore(String backupDir, Object saveFreq, boolean deleteCheckpoint) {
        if (backupDir == null || backupDir.isEmpty()) {
            throw new IllegalArgumentException("BackupAndRestore: backup_dir must be a non-empty path, received "
                    + (backupDir == null ? "null" : "\"\""));
        }
        if ("epoch".equals(saveFreq)) {
            this.saveFreq = 0;
        } else if (saveFreq instanceof Integer n && n > 0) {
            this.saveFreq = n;
        } else {
            throw new IllegalArgumentException("BackupAndRestore: save_freq must be \"epoch\" or a positive integer, received "
                    + saveFreq);
        }
        this.backupDir = backupDir;
        this.deleteCheckpoint = deleteCheckpoint;
    }

    /**
     * Whether a backup written for a different model or optimizer may be resumed (with a warning
     * listing the differences; see the class comment for what is then restored). False by
     * default: such a resume is refused.
     */
    public BackupAndRestore allowChanges(boolean allow) {
        this.allowChanges = allow;
        return this;
    }

    /** The backup directory. */
    public String backupDir() {
        return backupDir;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        resume = null;
        batchesSinceSave = 0;
        highest = 0;
        good = 0;
        optimizerAtStart = model != null && model.isCompiled() ? describeOptimizer(model.compiled().optimizer()) : null;
        try {
            Listing listing = list();
            for (String tmp : listing.temporaries) {
                LOG.info("Deleting the leftover temporary file {}", tmp);
                delete(tmp);
            }
            if (!listing.numbers.isEmpty()) {
                highest = listing.numbers.last();
            }
            resume = restore(listing);
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore: cannot read the backup directory " + backupDir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Position resumePosition() {
        return resume;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        this.epoch = epoch;
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        if (saveFreq > 0 && ++batchesSinceSave >= saveFreq) {
            batchesSinceSave = 0;
            save(epoch, batch + 1);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveFreq == 0) {
            save(epoch + 1, 0);
        }
    }

    @Override
    public void onTrainEnd(Map<String, Double> logs) {
        resume = null;
        if (!deleteCheckpoint) {
            return;
        }
        try {
            Listing listing = list();
            for (long n : listing.numbers) {
                deleteCheckpoint(n);
            }
            for (String tmp : listing.temporaries) {
                delete(tmp);
            }
            delete(file(POINTER));
            Path dir = new Path(backupDir);
            FileContext fc = context(dir);
            if (fc.util().exists(dir) && !fc.listStatus(dir).hasNext()) {
                fc.delete(dir, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore: cannot delete the backups in " + backupDir + ": "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- saving

    private void save(int resumeEpoch, int resumeBatch) {
        long n = highest + 1;
        String weightsName = "ckpt-" + n + ".safetensors";
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        List<Variable> vars = model.weights();
        for (int i = 0; i < vars.size(); i++) {
            tensors.put(MODEL + String.format("%05d", i) + "/" + vars.get(i).name(), vars.get(i).value().dup());
        }
        model.compiled().optimizer().stateDict().forEach((k, v) -> tensors.put(OPTIMIZER + k, v));
        Map<String, String> meta = Map.of("epoch", Integer.toString(resumeEpoch), "batch", Integer.toString(resumeBatch));
        byte[] bytes = SafeTensors.write(tensors, meta);
        ObjectNode info = JSON.createObjectNode();
        info.put("format", 1);
        info.put("checkpoint", n);
        info.put("epoch", resumeEpoch);
        info.put("batch", resumeBatch);
        info.put("weights", weightsName);
        info.put("bytes", bytes.length);
        info.put("sha256", sha256(bytes));
        info.set("model", describeWeights(vars));
        info.set("optimizer", optimizerAtStart != null ? optimizerAtStart
                : describeOptimizer(model.compiled().optimizer()));
        ObjectNode pointer = JSON.createObjectNode();
        pointer.put("latest", n);
        if (good > 0) {
            pointer.put("previous", good);
        }
        try {
            FileStore.write(file(weightsName), bytes, true);
            FileStore.write(file("ckpt-" + n + ".json"), JSON.writeValueAsBytes(info), true);
            FileStore.write(file(POINTER), JSON.writeValueAsBytes(pointer), true);
            long keep = good;
            highest = n;
            good = n;
            for (long old : list().numbers) {
                if (old != n && old != keep) {
                    deleteCheckpoint(old);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore: cannot write backup " + n + " to " + backupDir + ": "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- restoring

    /** Restores the newest usable backup and returns its position, or null when there is none. */
    private Position restore(Listing listing) throws IOException {
        List<Long> candidates = new ArrayList<>();
        String pointerPath = file(POINTER);
        if (FileStore.exists(pointerPath)) {
            try {
                JsonNode p = JSON.readTree(FileStore.read(pointerPath, MAX_JSON));
                for (String key : new String[] {"latest", "previous"}) {
                    JsonNode v = p == null ? null : p.get(key);
                    if (v != null && v.canConvertToLong() && v.isIntegralNumber() && v.asLong() > 0) {
                        candidates.add(v.asLong());
                    }
                }
                if (candidates.isEmpty()) {
                    LOG.warn("Backup pointer {} names no backup; trying the backups found in {}", pointerPath, backupDir);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Backup pointer {} is unreadable ({}); trying the backups found in {}", pointerPath,
                        firstLine(e), backupDir);
            }
        }
        for (long n : listing.numbers.descendingSet()) {
            if (!candidates.contains(n)) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        for (long n : candidates) {
            Unusable problem;
            try {
                Position p = load(n);
                if (p == null) {
                    return null;
                }
                good = n;
                LOG.info("Restored backup {} of {}: resuming at epoch {}, batch {}", n, backupDir, p.epoch() + 1, p.batch());
                return p;
            } catch (Unusable u) {
                problem = u;
            }
            failures.add(problem.file + ": " + problem.getMessage());
            LOG.warn("Backup {} is unusable: {}: {}{}", n, problem.file, problem.getMessage(),
                    failures.size() < candidates.size() ? "; falling back to the previous backup" : "");
        }
        throw new IllegalStateException("BackupAndRestore: no usable backup in " + backupDir + ": "
                + String.join("; ", failures));
    }

    /** Checks backup {@code n} and loads it into the model and its optimizer. */
    private Position load(long n) throws Unusable {
        String infoPath = file("ckpt-" + n + ".json");
        JsonNode info;
        try {
            info = JSON.readTree(FileStore.read(infoPath, MAX_JSON));
        } catch (IOException | RuntimeException e) {
            throw new Unusable(infoPath, "unreadable: " + firstLine(e));
        }
        if (info == null || !info.isObject()) {
            throw new Unusable(infoPath, "not a JSON object");
        }
        int epoch = nonNegativeInt(info, "epoch", infoPath);
        int batch = nonNegativeInt(info, "batch", infoPath);
        String sha = info.path("sha256").asText("");
        String name = info.path("weights").asText("");
        if (sha.length() != 64 || !name.equals("ckpt-" + n + ".safetensors")) {
            throw new Unusable(infoPath, "needs \"sha256\" (64 hex digits) and \"weights\": \"ckpt-" + n
                    + ".safetensors\", has " + info);
        }
        String weightsPath = file(name);
        byte[] bytes;
        try {
            bytes = FileStore.read(weightsPath, Integer.MAX_VALUE);
        } catch (FileNotFoundException e) {
            throw new Unusable(weightsPath, "missing");
        } catch (IOException | RuntimeException e) {
            throw new Unusable(weightsPath, "unreadable: " + firstLine(e));
        }
        String actual = sha256(bytes);
        if (!actual.equalsIgnoreCase(sha)) {
            throw new Unusable(weightsPath, "checksum mismatch: SHA-256 is " + actual + " (" + bytes.length
                    + " bytes), expected " + sha + " (" + info.path("bytes").asText("?") + " bytes)");
        }
        SafeTensors.Content content;
        try {
            content = SafeTensors.read(bytes, weightsPath);
        } catch (RuntimeException e) {
            throw new Unusable(weightsPath, firstLine(e));
        }
        if (!Integer.toString(epoch).equals(content.metadata().get("epoch"))
                || !Integer.toString(batch).equals(content.metadata().get("batch"))) {
            throw new Unusable(weightsPath, "its position (epoch " + content.metadata().get("epoch") + ", batch "
                    + content.metadata().get("batch") + ") differs from that of " + infoPath + " (epoch " + epoch + ", batch "
                    + batch + ")");
        }
        TreeMap<Integer, INDArray> weights = new TreeMap<>();
        Map<String, INDArray> optimizer = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : content.tensors().entrySet()) {
            String key = e.getKey();
            if (key.startsWith(OPTIMIZER)) {
                optimizer.put(key.substring(OPTIMIZER.length()), e.getValue());
            } else if (key.startsWith(MODEL) && key.indexOf('/', MODEL.length()) > MODEL.length()) {
                String index = key.substring(MODEL.length(), key.indexOf('/', MODEL.length()));
                if (!index.matches("\\d{1,9}")) {
                    throw new Unusable(weightsPath, "tensor \"" + key + "\" has no weight index");
                }
                weights.put(Integer.parseInt(index), e.getValue());
            } else {
                throw new Unusable(weightsPath, "unexpected tensor \"" + key + "\"");
            }
        }
        if (!model.isModelBuilt()) {
            throw new IllegalStateException("BackupAndRestore: model \"" + model.name()
                    + "\" must be built before training to restore the backup " + weightsPath);
        }
        boolean loadOptimizer = true;
        if (info.has("model") || info.has("optimizer")) {
            List<String> weightChanges = compareWeights(info.get("model"), model.weights());
            List<String> optimizerChanges = compareOptimizer(info.get("optimizer"),
                    describeOptimizer(model.compiled().optimizer()));
            if (!weightChanges.isEmpty() || !optimizerChanges.isEmpty()) {
                List<String> all = new ArrayList<>(weightChanges);
                all.addAll(optimizerChanges);
                String what = "the backup " + infoPath + " was written for a different "
                        + (weightChanges.isEmpty() ? "optimizer" : optimizerChanges.isEmpty() ? "model" : "model and optimizer")
                        + " than model \"" + model.name() + "\" has now: " + String.join("; ", all);
                if (!allowChanges) {
                    throw new IllegalStateException("BackupAndRestore: refusing to resume: " + what
                            + ". Resume with the model and optimizer the backup was written for, delete the backups in "
                            + backupDir + " to start over, or create the callback with allowChanges(true)");
                }
                if (!weightChanges.isEmpty()) {
                    LOG.warn("BackupAndRestore: {}. allowChanges(true): the weights do not fit, so nothing is restored "
                            + "and training starts from the beginning", what);
                    return null;
                }
                String checkpointName = info.path("optimizer").path("name").asText("");
                loadOptimizer = checkpointName.equals(model.compiled().optimizer().name());
                LOG.warn("BackupAndRestore: {}. allowChanges(true): restoring the weights and the position{}", what,
                        loadOptimizer ? " and the optimizer state; the current hyperparameters are kept"
                                : "; the optimizer state is not restored, the current optimizer starts afresh");
            }
        }
        int count = model.weights().size();
        if (weights.size() != count || (count > 0 && weights.lastKey() != count - 1)) {
            throw new Unusable(weightsPath, "holds " + weights.size() + " weight arrays, model \"" + model.name()
                    + "\" has " + count);
        }
        try {
            model.setWeights(new ArrayList<>(weights.values()));
            if (loadOptimizer) {
                model.compiled().optimizer().loadStateDict(optimizer, model.parameters().length());
            }
        } catch (IllegalArgumentException e) {
            throw new Unusable(weightsPath, "does not fit the model: " + firstLine(e));
        }
        return new Position(epoch, batch);
    }

    // ---------------------------------------------------------------- what a backup was written for

    /** Per weight, by index: the variable's short name (after the last "/") and its shape. */
    private static ObjectNode describeWeights(List<Variable> vars) {
        ObjectNode m = JSON.createObjectNode();
        ArrayNode list = m.putArray("weights");
        for (Variable v : vars) {
            ObjectNode w = list.addObject();
            w.put("name", shortName(v.name()));
            ArrayNode shape = w.putArray("shape");
            for (long d : v.shape()) {
                shape.add(d);
            }
        }
        return m;
    }

    /** The optimizer's name and config, through a JSON round trip so that it compares equal to one read back. */
    private static ObjectNode describeOptimizer(Optimizer o) {
        if (o == null) {
            return null;
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("name", o.name());
        m.set("config", JSON.valueToTree(o.getConfig()));
        try {
            return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shortName(String name) {
        return name == null ? "" : name.substring(name.lastIndexOf('/') + 1);
    }

    private static String shape(JsonNode shape) {
        List<String> dims = new ArrayList<>();
        shape.forEach(d -> dims.add(d.asText()));
        return "(" + String.join(", ", dims) + (dims.size() == 1 ? ",)" : ")");
    }

    /** Every difference between the checkpoint's weight list and the model's, in order. */
    private static List<String> compareWeights(JsonNode saved, List<Variable> vars) {
        List<String> diffs = new ArrayList<>();
        if (saved == null || !saved.path("weights").isArray()) {
            return diffs;
        }
        JsonNode then = saved.get("weights");
        JsonNode now = describeWeights(vars).get("weights");
        if (then.size() != now.size()) {
            diffs.add("weights: " + then.size() + " in the checkpoint, " + now.size() + " now");
        }
        for (int i = 0; i < Math.min(then.size(), now.size()); i++) {
            JsonNode a = then.get(i), b = now.get(i);
            String an = a.path("name").asText(""), bn = b.path("name").asText("");
            if (!an.equals(bn)) {
                diffs.add("weight " + i + ": " + an + " in the checkpoint, " + bn + " now");
            }
            if (!shape(a.path("shape")).equals(shape(b.path("shape")))) {
                diffs.add("weight " + i + " (" + bn + "): shape " + shape(a.path("shape")) + " in the checkpoint, "
                        + shape(b.path("shape")) + " now");
            }
        }
        return diffs;
    }

    /**
     * Every difference between the checkpoint's optimizer and the current one: the name, then each
     * config key whose value differs (for two different optimizers, each key they share).
     */
    private static List<String> compareOptimizer(JsonNode saved, JsonNode now) {
        List<String> diffs = new ArrayList<>();
        if (saved == null || !saved.isObject() || now == null) {
            return diffs;
        }
        String a = saved.path("name").asText(""), b = now.path("name").asText("");
        if (!a.equals(b)) {
            diffs.add("optimizer: " + a + " in the checkpoint, " + b + " now");
        }
        JsonNode ca = saved.path("config"), cb = now.path("config");
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        ca.fieldNames().forEachRemaining(keys::add);
        cb.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode va = ca.get(k), vb = cb.get(k);
            if (!a.equals(b) && (va == null || vb == null)) {
                continue; // a hyperparameter of only one of two different optimizers: the name difference says it
            }
            if (va == null || vb == null || !va.equals(vb)) {
                diffs.add("optimizer " + k + ": " + (va == null ? "absent" : va.toString()) + " in the checkpoint, "
                        + (vb == null ? "absent" : vb.toString()) + " now");
            }
        }
        return diffs;
    }

    private static int nonNegativeInt(JsonNode info, String key, String path) throws Unusable {
        JsonNode v = info.get(key);
        if (v == null || !v.isInt() || v.asInt() < 0) {
            throw new Unusable(path, "needs a non-negative integer \"" + key + "\", has " + v);
        }
        return v.asInt();
    }

    /** A backup file that cannot be used, and why. */
    private static final class Unusable extends Exception {
        final String file;

        Unusable(String file, String reason) {
            super(reason, null, false, false);
            this.file = file;
        }
    }

    // ---------------------------------------------------------------- files

    private record Listing(TreeSet<Long> numbers, List<String> temporaries) {}

    /** The backup numbers and the leftover temporary files of {@link FileStore#write} in the directory. */
    private Listing list() throws IOException {
        TreeSet<Long> numbers = new TreeSet<>();
        List<String> temporaries = new ArrayList<>();
        Path dir = new Path(backupDir);
        FileContext fc = context(dir);
        if (!fc.util().exists(dir)) {
            return new Listing(numbers, temporaries);
        }
        RemoteIterator<FileStatus> it = fc.listStatus(dir);
        while (it.hasNext()) {
            FileStatus st = it.next();
            String name = st.getPath().getName();
            Matcher m = CKPT.matcher(name);
            if (m.matches()) {
                numbers.add(Long.parseLong(m.group(1)));
            } else if (name.startsWith(".") && name.contains(".tmp-")
                    && (CKPT.matcher(name.substring(1, name.indexOf(".tmp-"))).matches()
                            || name.startsWith("." + POINTER + ".tmp-"))) {
                temporaries.add(st.getPath().toString());
            }
        }
        return new Listing(numbers, temporaries);
    }

    private void deleteCheckpoint(long n) throws IOException {
        delete(file("ckpt-" + n + ".safetensors"));
        delete(file("ckpt-" + n + ".json"));
    }

    private static void delete(String path) throws IOException {
        Path p = new Path(path);
        FileContext fc = context(p);
        if (fc.util().exists(p)) {
            fc.delete(p, false);
        }
    }

    private String file(String name) {
        return new Path(new Path(backupDir), name).toString();
    }

    /** The same file system setup as {@link FileStore}: the raw local file system, no .crc files. */
    private static FileContext context(Path p) throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
        return FileContext.getFileContext(p.getFileSystem(conf).getUri(), conf);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
    }

    @Override
    public String toString() {
        return "BackupAndRestore(" + backupDir + ", save_freq=" + (saveFreq == 0 ? "epoch" : saveFreq)
                + ", delete_checkpoint=" + deleteCheckpoint + ")";
    }

    /**
     * The configuration, with Keras 3's argument names; {@code Registry.create(Kind.CALLBACK, "BackupAndRestore", ...)}
     * reads it back. {@code save_freq} is "epoch" or a number of training batches.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("backup_dir", backupDir);
        c.put("save_freq", saveFreq == 0 ? "epoch" : (Object) saveFreq);
        c.put("delete_checkpoint", deleteCheckpoint);
        return c;
    }
}
