package org.sparkeras.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ArrayPoolTest {

    @AfterEach
    void deactivate() {
        ArrayPool.deactivate();
    }

    @Test
    void reusesTheSameArraysInTheSameOrderAfterReset() {
        ArrayPool pool = new ArrayPool().activate();
        INDArray a = ArrayPool.alloc(DataType.FLOAT, 2, 3);
        INDArray b = ArrayPool.alloc(DataType.FLOAT, 2, 3);
        INDArray c = ArrayPool.alloc(DataType.DOUBLE, 2, 3);
        INDArray d = ArrayPool.alloc(DataType.FLOAT, 3, 2);
        assertNotSame(a, b, "two live arrays of one shape are distinct");
        assertEquals(4, pool.size());
        for (int step = 0; step < 3; step++) {
            pool.reset();
            assertSame(a, ArrayPool.alloc(DataType.FLOAT, 2, 3));
            assertSame(b, ArrayPool.alloc(DataType.FLOAT, 2, 3));
            assertSame(c, ArrayPool.alloc(DataType.DOUBLE, 2, 3));
            assertSame(d, ArrayPool.alloc(DataType.FLOAT, 3, 2));
            assertEquals(4, pool.size(), "no new arrays after the first step");
        }
    }

    @Test
    void growsWhenAStepNeedsMore() {
        ArrayPool pool = new ArrayPool().activate();
        INDArray a = ArrayPool.alloc(DataType.DOUBLE, 4);
        pool.reset();
        assertSame(a, ArrayPool.alloc(DataType.DOUBLE, 4));
        INDArray extra = ArrayPool.alloc(DataType.DOUBLE, 4);
        assertNotSame(a, extra);
        assertEquals(2, pool.size());
        assertArrayEquals(new long[] {4}, extra.shape());
        assertEquals(DataType.DOUBLE, extra.dataType());
    }

    @Test
    void scalarsArePooledToo() {
        ArrayPool pool = new ArrayPool().activate();
        INDArray s = ArrayPool.alloc(DataType.FLOAT);
        assertEquals(0, s.rank());
        pool.reset();
        assertSame(s, ArrayPool.alloc(DataType.FLOAT));
    }

    @Test
    void withoutAnActivePoolEveryAllocIsNew() {
        ArrayPool pool = new ArrayPool().activate();
        INDArray pooled = ArrayPool.alloc(DataType.FLOAT, 2);
        ArrayPool.deactivate();
        pool.reset();
        INDArray a = ArrayPool.alloc(DataType.FLOAT, 2);
        INDArray b = ArrayPool.alloc(DataType.FLOAT, 2);
        assertNotSame(pooled, a);
        assertNotSame(a, b);
        assertEquals(1, pool.size());
    }

    @Test
    void poolsAreThreadLocal() throws InterruptedException {
        ArrayPool pool = new ArrayPool().activate();
        INDArray[] other = new INDArray[1];
        Thread t = new Thread(() -> other[0] = ArrayPool.alloc(DataType.FLOAT, 2));
        t.start();
        t.join();
        assertEquals(0, pool.size(), "another thread does not use this thread's pool");
        assertArrayEquals(new long[] {2}, other[0].shape());
    }
}
