package org.sparkeras.data;

import java.util.Iterator;

/**
 * A source of batches for {@code fit}, {@code evaluate} and {@code predict}. In-memory arrays are
 * an {@link ArrayDataset}; data larger than memory implements this interface and reads its batches
 * as they are asked for. The iterator's arrays may be reused by the next call to {@code next()}.
 */
public interface Dataset {
    /** The batches of one epoch (0-based), in the order they are to be used. */
    Iterator<Batch> batches(int epoch);

    /** The number of batches per epoch, or -1 when unknown. */
    long steps();
}
