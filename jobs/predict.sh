#!/usr/bin/env bash
# Batch scoring: appends the predictions of a saved model to a CSV or Parquet table, as Parquet.
#   jobs/predict.sh --model runs/housing/model.zip --input table.csv --features MedInc,HouseAge,... \
#     --output runs/scored [--master 'local[*]'] [--conf spark.key=value]
# Runs on Spark (embedded local mode unless --master says otherwise). Exit codes: 0 written,
# 2 bad input, 3 infrastructure failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SPARKERAS_HOME"
cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.PredictJob "$@"
