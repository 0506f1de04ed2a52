#!/usr/bin/env bash
# Export to ONNX: writes a saved model (an archive, a run directory, or a registry's latest run) as
# an ONNX file (opset 17, float32 weights, dynamic batch dimension "batch", inputs and outputs named
# as the model names them) for ONNX Runtime and other ONNX engines.
#   jobs/export.sh --model runs/mnist/model.zip --output runs/mnist/model.onnx [--overwrite] [--help]
# Paths are local, hdfs: or s3a:; the file is written atomically. No Spark: runs in this JVM.
# Exit codes: 0 written, 2 bad input (missing or invalid model, a layer that cannot be exported,
# an existing output without --overwrite), 3 I/O failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Relative paths are relative to the project directory, as for the other jobs.
cd "$SPARKERAS_HOME"
cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.ExportJob "$@"
