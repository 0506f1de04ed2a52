package org.sparkeras.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineTest {
    private static final Set<String> AVX512 = Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");

    @Test
    void avx512CoresUseSkylakeX() {
        assertEquals("SkylakeX", Engine.detectCoreType(AVX512));
        assertEquals("SkylakeX", Engine.detectCoreType(union(AVX512, Set.of("avx2", "fma", "sse2"))));
    }

    @Test
    void avx2WithFmaUsesHaswell() {
        assertEquals("Haswell", Engine.detectCoreType(Set.of("sse2", "avx", "avx2", "fma")));
        // An incomplete AVX-512 set (no avx512vl) is not enough for SkylakeX.
        assertEquals("Haswell", Engine.detectCoreType(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx2", "fma")));
    }

    @Test
    void otherCoresAreLeftToOpenBlas() {
        assertNull(Engine.detectCoreType(Set.of()));
        assertNull(Engine.detectCoreType(Set.of("avx2")), "AVX2 without FMA");
        assertNull(Engine.detectCoreType(Set.of("fma", "avx")), "FMA without AVX2");
        assertNull(Engine.detectCoreType(Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq")), "incomplete AVX-512");
    }

    @Test
    void initIsIdempotentAndReportsTheChoice() {
        Engine.init();
        String first = Engine.coreType();
        Engine.init();
        assertEquals(first, Engine.coreType());
        String env = System.getenv("OPENBLAS_CORETYPE");
        if (env != null && !env.isBlank()) {
            assertEquals(env, first, "a value set by the user wins");
        } else {
            String detected = Engine.detectCoreType(Engine.readCpuFlags());
            assertTrue(first == null || first.equals(detected), "coreType " + first + ", detected " + detected);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return s;
    }
}
