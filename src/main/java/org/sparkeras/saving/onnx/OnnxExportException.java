package org.sparkeras.saving.onnx;

/**
 * A model that cannot be exported to ONNX, with the reason: a layer without an ONNX equivalent
 * (named with its class), a subclassed model whose graph cannot be traced, a model not built yet.
 * Bad input: jobs exit with code 2.
 */
public final class OnnxExportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String layerName;
    private final String layerClass;

    OnnxExportException(String layerName, String layerClass, String message) {
        super(message);
        this.layerName = layerName;
        this.layerClass = layerClass;
    }

    OnnxExportException(String layerName, String layerClass, String message, Throwable cause) {
        super(message, cause);
        this.layerName = layerName;
        this.layerClass = layerClass;
    }

    /** The name of the layer (or model) that could not be exported. */
    public String layerName() {
        return layerName;
    }

    /** Its class name (the Keras class name for built-in layers, else the simple Java class name). */
    public String layerClass() {
        return layerClass;
    }
}
