#!/usr/bin/env bash
# Trains a model from a config file and writes the run directory.
#   jobs/train.sh --config conf/mnist-mlp.yaml --output runs/mnist
# Writes history.json, metrics.json, summary.txt, learning_curves.png, config.yaml into --output.
# Exit codes: 0 trained, 2 bad input or config, 3 infrastructure failure, 4 divergence.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SPARKERAS_HOME"
cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
exec java ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.TrainJob "$@"
