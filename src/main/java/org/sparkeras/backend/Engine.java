package org.sparkeras.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide set-up of the native engine. Call {@link #init()} before the first ND4J array is
 * created (the jobs do); library code calls it too, but by then ND4J may already be loaded.
 *
 * <p>OpenBLAS 0.3.19, bundled with ND4J 1.0.0-M2.1, falls back to its generic Prescott (SSE3)
 * kernels on CPUs newer than it knows (measured here: a 32x784 by 784x300 product took 1.0 ms
 * instead of 0.28 ms). OpenBLAS reads {@code OPENBLAS_CORETYPE} when the library is loaded, so
 * when the variable is not set, {@code init()} sets it in the process environment from the CPU
 * flags: {@code SkylakeX} for AVX-512 (F, CD, BW, DQ, VL), {@code Haswell} for AVX2 with FMA. A
 * value set by the user always wins. The scripts in {@code jobs/} export the same choice.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static volatile boolean initialized;
    private static String coreType;

    private Engine() {}

    /** Sets up the native environment once; later calls do nothing. */
    public static synchronized void init() {
        if (initialized) {
            return;
        }
        initialized = true;
        setNativeEnvIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        String fromEnv = System.getenv("OPENBLAS_CORETYPE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            coreType = fromEnv;
            return;
        }
        String detected = detectCoreType(readCpuFlags());
        if (detected != null && setNativeEnv("OPENBLAS_CORETYPE", detected)) {
            coreType = detected;
            LOG.debug("OPENBLAS_CORETYPE={} (from CPU flags)", detected);
        }
    }

    /** The OpenBLAS kernel family in use when known, or null. */
    public static String coreType() {
        return coreType;
    }

    /**
     * The OpenBLAS kernel family for a CPU with these /proc/cpuinfo flags, or null to leave
     * OpenBLAS's own detection in charge.
     */
    public static String detectCoreType(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"))) {
            return "SkylakeX";
        }
        if (flags.containsAll(Set.of("avx2", "fma"))) {
            return "Haswell";
        }
        return null;
    }

    static Set<String> readCpuFlags() {
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    for (String f : line.substring(colon + 1).trim().split("\\s+")) {
                        flags.add(f.toLowerCase(Locale.ROOT));
                    }
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux or not readable: leave OpenBLAS's own detection in charge.
        }
        return flags;
    }

    private static void setNativeEnvIfAbsent(String name, String value) {
        if (System.getenv(name) == null) {
            setNativeEnv(name, value);
        }
    }

    /** setenv(3) through JNA, so that native libraries loaded later see the variable. */
    private static boolean setNativeEnv(String name, String value) {
        try {
            CLibrary c = com.sun.jna.Native.loadLibrary("c", CLibrary.class);
            return c.setenv(name, value, 0) == 0;
        } catch (Throwable t) {
            LOG.debug("could not set {} in the native environment: {}", name, t.toString());
            return false;
        }
    }

    /** The one libc call used. */
    public interface CLibrary extends com.sun.jna.Library {
        int setenv(String name, String value, int overwrite);
    }
}
