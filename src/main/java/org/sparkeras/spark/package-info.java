/**
 * Data-parallel training on Apache Spark: the only package besides {@code jobs} that imports
 * Spark.
 *
 * <p>{@link org.sparkeras.spark.SparkTrainer} runs the same {@code fit}/{@code evaluate}/{@code
 * predict} contract as {@link org.sparkeras.training.LocalTrainer}. Each averaging round is one
 * Spark job: the driver broadcasts the flat parameter vector (and the optimizer state), every
 * partition trains a pooled replica of the model ({@link org.sparkeras.spark.Replicas}) for K
 * steps on its own batches with the very same {@code LocalTrainer.trainStep}, and the results
 * come back in partition order, are summed in double precision weighted by the samples each
 * partition trained on, and averaged on the driver, which then runs the callbacks.
 *
 * <p>Data enters as a {@code Dataset<Row>} whose columns are mapped to the model's inputs and
 * outputs by {@link org.sparkeras.spark.Columns}, or as a {@code JavaRDD} of
 * {@link org.sparkeras.spark.Sample}s; {@link org.sparkeras.spark.SparkDataset} rebalances it
 * deterministically and converts each partition once to dense float {@link
 * org.sparkeras.spark.Block}s.
 */
package org.sparkeras.spark;
