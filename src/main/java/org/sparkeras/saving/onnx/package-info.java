/**
 * Export to ONNX: {@link org.sparkeras.saving.onnx.OnnxExport} turns a built model (Sequential,
 * Functional, or a subclass whose call can be traced) into an ONNX ModelProto (opset 17, IR 8)
 * with float32 weights and a dynamic batch dimension, encoded field by field from onnx.proto, and
 * writes it through {@link org.sparkeras.saving.FileStore}. Nothing here depends on ONNX Runtime.
 */
package org.sparkeras.saving.onnx;
