/**
 * The TensorBoard event-file format written by hand, without protobuf-java:
 * {@link org.sparkeras.callbacks.tensorboard.Events} (the protobuf bytes of {@code tensorflow.Event}
 * records: the file-version header and scalar summaries) and
 * {@link org.sparkeras.callbacks.tensorboard.EventFileWriter} (one {@code events.out.tfevents.*} file
 * in TFRecord framing with masked CRC32C checksums). Used by
 * {@link org.sparkeras.callbacks.TensorBoard}.
 */
package org.sparkeras.callbacks.tensorboard;
