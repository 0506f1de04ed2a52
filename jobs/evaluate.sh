#!/usr/bin/env bash
# Evaluates a saved model on the test split of the data a job config describes (loaded and mapped to
# the model's inputs as the train job does) and prints the loss and metrics as name=value lines.
#   jobs/evaluate.sh --model runs/mnist (model.zip | run dir | registry dir) --config conf/mnist-mlp.yaml \
#     [--output <dir>] [--master 'local[*]' [--conf spark.key=value ...]] [--help]
# --output also writes <dir>/evaluation.json. --master evaluates on Spark; without it the model is
# evaluated in this JVM. Launched as train.sh is (lib/common.sh: spark-submit when $SPARK_HOME has it).
# Exit codes: 0 evaluated, 2 bad input or config, 3 infrastructure failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Relative paths (configs, data, models, outputs) are relative to the project directory.
cd "$SPARKERAS_HOME"
sparkeras_launch org.sparkeras.jobs.EvaluateJob "$@"
