package org.sparkeras.spark;

import java.io.Serializable;

/**
 * Code shipped to executors and run once per executor JVM, e.g. registering custom layers and
 * losses with the {@link org.sparkeras.saving.Registry} so replicas can be built there.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
