#!/usr/bin/env bash
# Batch scoring: appends the predictions of a saved model to a CSV or Parquet table, as Parquet.
#   jobs/predict.sh --model runs/housing/model.zip --input table.csv --features MedInc,HouseAge,... \
#     --output runs/scored [--master 'local[*]'] [--conf spark.key=value] [--help]
# Runs on Spark: submitted with spark-submit when $SPARK_HOME/bin/spark-submit exists, otherwise the
# embedded Spark (local mode unless --master says otherwise). Exit codes: 0 written, 2 bad input,
# 3 infrastructure failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Relative paths (configs, data, outputs) are relative to the project directory.
cd "$SPARKERAS_HOME"
sparkeras_launch org.sparkeras.jobs.PredictJob "$@"
