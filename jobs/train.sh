#!/usr/bin/env bash
# Trains a model from a config file and writes the run directory.
#   jobs/train.sh --config conf/mnist-mlp.yaml --output runs/mnist [--master 'local[*]']
# --master trains data-parallel on Spark (Spark local mode in this JVM for local[*]); without it the
# model trains in this JVM. The classpath holds Spark (provided scope) and the JVM gets the Java 17
# --add-opens flags Spark needs (lib/common.sh).
# Writes history.json, metrics.json, summary.txt, learning_curves.png, config.yaml into --output.
# Exit codes: 0 trained, 2 bad input or config, 3 infrastructure failure, 4 divergence.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SPARKERAS_HOME"
cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
# Spark local mode runs on the loopback interface (TrainJob binds the driver to 127.0.0.1 too); this
# also spares Spark's warning about a host name that resolves to a loopback address.
prev=
for a in "$@"; do
  case "$prev|$a" in
    "--master|local"*|*"|--master=local"*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
  esac
  prev=$a
done
exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.TrainJob "$@"
