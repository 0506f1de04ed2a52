#!/usr/bin/env bash
# Trains a model from a config file and writes the run directory.
#   jobs/train.sh --config conf/mnist-mlp.yaml --output runs/mnist [--master 'local[*]'] \
#     [--conf spark.key=value] [--publish <registry> --run-id <id> [--warm-start]] [--help]
# With $SPARK_HOME/bin/spark-submit present the job is submitted with the application jar (--master
# and --conf go to spark-submit, whose master applies when --master is left out); otherwise it runs
# in this JVM: data-parallel on the embedded Spark with --master, single-JVM training without it.
# Writes history.json, history.csv, metrics.json, summary.txt, learning_curves.png, config.yaml,
# tensorboard/ and the model into --output; backup/ holds the checkpoints of an unfinished run, which
# the same command run again resumes from.
# Exit codes: 0 trained (and published), 2 bad input or config, 3 infrastructure failure, 4 divergence.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Relative paths (configs, data, outputs) are relative to the project directory.
cd "$SPARKERAS_HOME"
sparkeras_launch org.sparkeras.jobs.TrainJob "$@"
