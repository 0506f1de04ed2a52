package org.sparkeras.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkeras.data.ArrayDataset;

/** The executor-side cache of partitions in native memory. */
class ReplicasTest {
    @Test
    void partitionsAreCachedPerDatasetAndOnlyTheMostRecentDatasetsAreKept() {
        FitPlan plan = new FitPlan("plan", new byte[0], "d0", List.of(new long[] {2}), 2, true, 5L, null, 4, null, true,
                null, 1, null);
        Block block = new Block(3, new float[][] {{1, 2, 3, 4, 5, 6}}, new float[][] {{0, 1, 0}}, null);
        ArrayDataset first = Replicas.data(plan, "ds-0", 0, block, true);
        assertSame(first, Replicas.data(plan, "ds-0", 0, block, true), "cached");
        assertEquals(3, first.samples());
        for (int i = 1; i <= 5; i++) {
            Replicas.data(plan, "ds-" + i, 0, block, true);
        }
        List<String> kept = Replicas.cachedDatasets();
        assertEquals(List.of("ds-2", "ds-3", "ds-4", "ds-5"), kept.subList(kept.size() - 4, kept.size()));
        assertEquals(4, kept.size());
    }
}
