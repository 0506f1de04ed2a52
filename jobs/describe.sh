#!/usr/bin/env bash
# Describes a model without running it: the Keras summary, inputs and outputs, compile settings, and
# for a run directory or registry the run's headline metrics and the run latest names.
#   jobs/describe.sh --model runs/mnist (model.zip | run dir | registry dir) [--json]
#   jobs/describe.sh --config conf/mnist-mlp.yaml [--json]     the model a config builds, not trained
# Exit codes: 0 described, 2 bad input or config, 3 infrastructure failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# Relative paths are relative to the project directory.
cd "$SPARKERAS_HOME"
sparkeras_launch org.sparkeras.jobs.DescribeJob "$@"
