/**
 * Spark ML integration: {@link org.sparkeras.spark.ml.KerasEstimator} trains a compiled Sparkeras
 * model as a stage of a Spark ML {@code Pipeline} (data-parallel, with
 * {@link org.sparkeras.spark.SparkTrainer}) and gives a {@link org.sparkeras.spark.ml.KerasModel}
 * that appends prediction columns.
 *
 * <pre>{@code
 * Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
 *         new VectorAssembler().setInputCols(numericColumns).setOutputCol("features"),
 *         new KerasEstimator(compiledModel).setLabelCol("label").setEpochs(10).setBatchSize(64)});
 * PipelineModel fitted = pipeline.fit(train);
 * fitted.transform(test);                 // + "prediction" (a double, or a vector of class probabilities)
 * fitted.write().overwrite().save(path);  // PipelineModel.load(path) restores it
 * }</pre>
 *
 * <p>Both stages are {@code MLWritable}: a stage directory holds Spark ML's {@code metadata/}
 * (the params, as {@code DefaultParamsReader} reads them) and {@code data/model.zip}, the model
 * archive of {@link org.sparkeras.saving.ModelArchive} (architecture, weights, compile settings,
 * optimizer state); a fitted model adds {@code data/history.json}.
 */
package org.sparkeras.spark.ml;
