package org.sparkeras.jobs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a job config file strictly: unknown keys, missing keys and wrong types are errors. */
public final class ConfigReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigReader() {}

    /** The parsed config; a {@link BadInputException} names the file, the key and what is wrong. */
    public static JobConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("Config file not found: " + file);
        }
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException("Cannot read config " + file + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        return parse(yaml, file.toString());
    }

    /**
     * A config from its bytes (a run directory's {@code config.yaml} read through {@code FileStore},
     * on any file system), checked as {@link #read(Path)} does; {@code file} names it in messages.
     */
    static JobConfig parse(byte[] yaml, String file) {
        try {
            JobConfig c = YAML.readValue(yaml, JobConfig.class);
            if (c == null) {
                throw new BadInputException("Config file " + file + " is empty");
            }
            checkRequired(c, file);
            return c;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted().collect(Collectors.joining(", "));
            throw new BadInputException("Unknown config key \"" + e.getPropertyName() + "\" at " + path(e) + " in " + file
                    + "; known keys there: " + known);
        } catch (MismatchedInputException e) {
            throw new BadInputException("Bad config value at " + path(e) + " in " + file + ": "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (JsonMappingException e) {
            throw new BadInputException("Bad config at " + path(e) + " in " + file + ": " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new BadInputException("Cannot read config " + file + ": " + e.getMessage().split("\n")[0]);
        }
    }

    private static void checkRequired(JobConfig c, String file) {
        require(c.model(), "model", file);
        require(c.model().type(), "model.type", file);
        require(c.data(), "data", file);
        require(c.data().source(), "data.source", file);
        require(c.data().path(), "data.path", file);
        require(c.training(), "training", file);
        require(c.training().optimizer(), "training.optimizer", file);
        require(c.training().loss(), "training.loss", file);
        require(c.training().epochs(), "training.epochs", file);
        checkSpark(c.training().spark(), file);
    }

    /** The values {@code training.spark} may hold (the storage level is checked against Spark when it is used). */
    static final java.util.List<String> NON_FINITE_POLICIES = java.util.List.of("stop", "fail", "drop");

    private static void checkSpark(JobConfig.SparkSpec s, String file) {
        if (s == null) {
            return;
        }
        atLeastOne(s.batchSize(), "training.spark.batch_size", file);
        atLeastOne(s.averagingFrequency(), "training.spark.averaging_frequency", file);
        atLeastOne(s.partitions(), "training.spark.partitions", file);
        atLeastOne(s.aggregationDepth(), "training.spark.aggregation_depth", file);
        if (s.onNonFinite() != null && !NON_FINITE_POLICIES.contains(s.onNonFinite().toLowerCase(java.util.Locale.ROOT))) {
            throw new BadInputException("Bad config value at training.spark.on_non_finite in " + file + ": \""
                    + s.onNonFinite() + "\"; known values: " + String.join(", ", NON_FINITE_POLICIES));
        }
        if (s.storageLevel() != null && s.storageLevel().isBlank()) {
            throw new BadInputException("Bad config value at training.spark.storage_level in " + file + ": empty");
        }
    }

    private static void atLeastOne(Integer v, String key, String file) {
        if (v != null && v < 1) {
            throw new BadInputException("Bad config value at " + key + " in " + file + ": must be >= 1, received " + v);
        }
    }

    private static void require(Object value, String key, String file) {
        if (value == null) {
            throw new BadInputException("Missing config key \"" + key + "\" in " + file);
        }
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return p.isEmpty() ? "the top level" : p.replace(".[", "[");
    }
}
