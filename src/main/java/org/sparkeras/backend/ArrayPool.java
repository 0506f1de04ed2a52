package org.sparkeras.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reuses the intermediate arrays of a training step. A step asks for the same shapes in the same
 * order every time, so after the first step no native memory is allocated: {@link #reset()} at the
 * start of a step makes every array free again. Arrays handed out hold arbitrary values until
 * written. Nothing handed out may be kept past the next {@code reset()}. Not thread-safe: one pool
 * per training loop.
 */
public final class ArrayPool {
    private static final ThreadLocal<ArrayPool> CURRENT = new ThreadLocal<>();

    private final Map<Key, Slot> slots = new HashMap<>();
    private final List<Slot> used = new ArrayList<>();

    private record Key(DataType type, long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(shape);
        }
    }

    private static final class Slot {
        final List<INDArray> arrays = new ArrayList<>();
        int next;
    }

    /** An array of this type and shape: from the pool of this thread when one is active, else new. */
    public static INDArray alloc(DataType type, long... shape) {
        ArrayPool pool = CURRENT.get();
        return pool == null ? Nd4j.createUninitialized(type, shape) : pool.take(type, shape);
    }

    /** Makes this pool the one {@link #alloc} uses on this thread until {@link #deactivate()}. */
    public ArrayPool activate() {
        CURRENT.set(this);
        return this;
    }

    /** Stops using any pool on this thread. */
    public static void deactivate() {
        CURRENT.remove();
    }

    /** Makes every array handed out so far available again. */
    public void reset() {
        for (Slot s : used) {
            s.next = 0;
        }
        used.clear();
    }

    /** The number of arrays the pool holds (for tests and logging). */
    public int size() {
        int n = 0;
        for (Slot s : slots.values()) {
            n += s.arrays.size();
        }
        return n;
    }

    INDArray take(DataType type, long[] shape) {
        Key key = new Key(type, shape);
        Slot slot = slots.get(key);
        if (slot == null) {
            slot = new Slot();
            slots.put(new Key(type, shape.clone()), slot);
        }
        if (slot.next == 0) {
            used.add(slot);
        }
        if (slot.next == slot.arrays.size()) {
            slot.arrays.add(Nd4j.createUninitialized(type, shape));
        }
        return slot.arrays.get(slot.next++);
    }
}
