#!/usr/bin/env bash
# MNIST training throughput of the reference MLP in config A (SGD 0.01, batch 32) and config B
# (Adam 1e-3, batch 128), side by side with the DL4J peer, measured in one run on this machine.
#   jobs/benchmark.sh [steps] [Benchmark options: --warmup N --configs A,B --data DIR --seed N]
#   jobs/benchmark.sh --spark [...]   Spark data-parallel throughput (config B), see lib/spark-benchmark.sh
#   jobs/benchmark.sh --inference [--batches 1,256 --seconds S --repeat R --data DIR]   only the inference part
#
# Sparkeras runs single-threaded (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1 from lib/common.sh unless
# set by the caller). Then, when the peer folder exists (default $SPARKERAS_HOME/../shared/bench/dl4j,
# override PEER_BENCH_DIR, skip with PEER_BENCH=0), the DL4J peer is copied to target/peer-dl4j (the
# shared folder may be read-only), built there with Maven (online the first time), and run for each
# measured config with OMP_NUM_THREADS=1 and 2 (OMP_WAIT_POLICY=PASSIVE), once as shipped
# (OPENBLAS_CORETYPE unset) and once with the OPENBLAS_CORETYPE Sparkeras uses; the best thread
# setting of each is kept. PEER_EPOCHS (default 3) epochs per peer run, PEER_TIMEOUT (default 900) s.
#
# Inference (after the Sparkeras training figures; INFERENCE_BENCH=0 skips it): the MNIST model's
# samples/s with Sparkeras's model.predict and with ONNX Runtime on the model exported to ONNX, in one
# JVM, batch 1 and 256 (org.sparkeras.jobs.InferenceBenchmark; ONNX Runtime single-threaded, and with
# its default threads for reference), one line per batch size:
# batch=N predict_samples_per_s= onnxruntime_samples_per_s= onnxruntime_default_threads_samples_per_s=
# predict_vs_onnxruntime=. ONNX Runtime is a provided dependency, on the jobs' classpath
# (target/classpath-provided.txt).
#
# Last lines: samples_per_s_A=, samples_per_s_B=, the batch= lines, and with the peer dl4j_samples_per_s_{A,B}= (as
# shipped), dl4j_tuned_samples_per_s_{A,B}=, ratio_vs_dl4j_tuned_{A,B}=, ratio_vs_dl4j_{A,B}= (ours /
# peer as shipped). Exit 0 when Sparkeras was measured (a peer failure is reported, not fatal),
# 2 bad option, 3 build or data failure, 4 divergence.
# Hold the build lock around it when other heavy work may run: flock /tmp/mvn.lock bash jobs/benchmark.sh
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SPARKERAS_HOME"

# --spark [--epochs N --averaging-frequency K --data DIR --seed N]: Spark local[2] data-parallel
# throughput in config B against one and two concurrent LocalTrainers and the DL4J-on-Spark peer;
# see lib/spark-benchmark.sh (it exits).
if [ "${1:-}" = --spark ]; then
  shift
  . "$SPARKERAS_HOME/jobs/lib/spark-benchmark.sh"
fi

# --inference [InferenceBenchmark options]: only the inference comparison, then exit.
if [ "${1:-}" = --inference ]; then
  shift
  cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
  # shellcheck disable=SC2086
  exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.InferenceBenchmark "$@"
fi

args=()
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  args+=(--steps "$1")
  shift
fi
args+=("$@")

# The MNIST directory (also given to the peer): --data from the arguments, else data/mnist.
mnist_dir="data/mnist"
have_data=0
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --data) mnist_dir="${args[$((i + 1))]:-}"; have_data=1 ;;
    --data=*) mnist_dir="${args[$i]#--data=}"; have_data=1 ;;
  esac
done
[ "$have_data" = 1 ] || args+=(--data "$mnist_dir")
mnist_abs="$(cd "$mnist_dir" 2>/dev/null && pwd)" || mnist_abs="$mnist_dir"

cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
for a in "${args[@]}"; do
  case "$a" in
    -h|--help|-V|--version)
      # shellcheck disable=SC2086
      exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.Benchmark "$a" ;;
  esac
done

work="$SPARKERAS_HOME/target/benchmark"
mkdir -p "$work"
ours_log="$work/sparkeras.log"

echo "== Sparkeras (OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS" \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>} OMP_WAIT_POLICY=$OMP_WAIT_POLICY) =="
# shellcheck disable=SC2086
java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.Benchmark "${args[@]}" | tee "$ours_log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  echo "error: the Sparkeras benchmark failed (exit $rc)" >&2
  exit "$rc"
fi

# Our figures per config, in the order measured.
declare -A ours=()
configs=()
while IFS='=' read -r key value; do
  c="${key#samples_per_s_}"
  ours[$c]="$value"
  configs+=("$c")
done < <(grep -E '^samples_per_s_[A-Za-z0-9]+=' "$ours_log")
if [ ${#configs[@]} -eq 0 ]; then
  echo "error: the Sparkeras benchmark printed no samples_per_s line" >&2
  exit 3
fi
ours_threads="OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"

# ------------------------------------------------------------------ inference: predict vs ONNX Runtime
inference_log="$work/inference.log"
inference_status=""   # empty: measured; else why not
: >"$inference_log"
if [ "${INFERENCE_BENCH:-1}" = 0 ]; then
  inference_status="skipped (INFERENCE_BENCH=0)"
else
  echo "== Inference: Sparkeras predict vs ONNX Runtime on the exported MNIST model =="
  # shellcheck disable=SC2086
  java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.InferenceBenchmark \
    --data "$mnist_dir" | tee "$inference_log"
  irc=${PIPESTATUS[0]}
  [ "$irc" -eq 0 ] || inference_status="failed (exit $irc; log: $inference_log)"
fi

# ------------------------------------------------------------------ DL4J peer
peer_dir="${PEER_BENCH_DIR:-$SPARKERAS_HOME/../shared/bench/dl4j}"
peer_epochs="${PEER_EPOCHS:-3}"
peer_timeout="${PEER_TIMEOUT:-900}"
peer_status=""       # empty: peer ran; else the reason it did not
declare -A shipped=() shipped_threads=() tuned=() tuned_threads=()

if [ "${PEER_BENCH:-1}" = 0 ]; then
  peer_status="skipped (PEER_BENCH=0)"
elif [ ! -d "$peer_dir" ]; then
  peer_status="skipped (no peer folder at $peer_dir; set PEER_BENCH_DIR)"
fi

peer_work="$SPARKERAS_HOME/target/peer-dl4j"
if [ -z "$peer_status" ]; then
  echo "== DL4J peer: building a copy of $peer_dir in $peer_work =="
  mkdir -p "$peer_work"
  rm -rf "$peer_work/src"
  if ! cp -R --preserve=timestamps --no-preserve=mode,ownership "$peer_dir/." "$peer_work/"; then
    peer_status="could not be copied from $peer_dir to $peer_work"
  elif ! (cd "$peer_work" && mvn -q package dependency:build-classpath -Dmdep.outputFile=cp.txt) \
       >"$peer_work/build.log" 2>&1; then
    tail -n 20 "$peer_work/build.log"
    peer_status="could not be built (mvn package failed in $peer_work; log: $peer_work/build.log)"
  fi
fi

# run_peer <config> <threads> <shipped|tuned>: runs the peer once, prints its line and sets peer_sps
# to its samples/s (empty on failure).
run_peer() {
  local cfg=$1 threads=$2 mode=$3
  local log="$peer_work/run-$cfg-omp$threads-$mode.log"
  local -a unset_vars=(-u OPENBLAS_NUM_THREADS)   # ND4J sets the BLAS threads from OMP_NUM_THREADS
  local -a coretype=()
  if [ "$mode" = shipped ]; then
    unset_vars+=(-u OPENBLAS_CORETYPE)
  else
    coretype=("OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  fi
  (cd "$peer_work" && timeout "$peer_timeout" env "${unset_vars[@]}" "${coretype[@]}" \
      OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=PASSIVE \
      java -cp "target/classes:$(cat cp.txt)" bench.Dl4jMlp "$cfg" "$peer_epochs" "$mnist_abs") >"$log" 2>&1
  local rc=$? result ct why
  why=$([ "$rc" -eq 124 ] && echo "timed out after ${peer_timeout}s (PEER_TIMEOUT)" || echo "exit $rc, no RESULT line")
  ct=$([ "$mode" = shipped ] && echo '<unset> (as shipped)' || echo "$OPENBLAS_CORETYPE")
  result=$(grep -m1 '^RESULT' "$log")
  peer_sps=$(grep -oE 'samples_per_s=[0-9.]+' <<<"$result" | cut -d= -f2)
  if [ -z "$peer_sps" ]; then
    echo "dl4j config=$cfg OMP_NUM_THREADS=$threads OPENBLAS_CORETYPE=$ct: FAILED ($why; log: $log)"
    tail -n 5 "$log"
    return 1
  fi
  echo "dl4j config=$cfg OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=$ct" \
       $(grep -oE '(epoch_s|samples_per_s|test_acc)=[^ ]+' <<<"$result")
}

if [ -z "$peer_status" ]; then
  modes=(shipped)
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    modes+=(tuned)
  else
    echo "note: OPENBLAS_CORETYPE is not set on this CPU; the tuned DL4J figures equal the as-shipped ones"
  fi
  echo "== DL4J peer runs: $peer_epochs epochs each, samples/s = median of epochs 2..N; OPENBLAS_NUM_THREADS unset" \
       "(ND4J sets its BLAS threads from OMP_NUM_THREADS) =="
  for cfg in "${configs[@]}"; do
    for mode in "${modes[@]}"; do
      best="" best_t=""
      for threads in 1 2; do
        run_peer "$cfg" "$threads" "$mode"
        if [ -n "$peer_sps" ] && { [ -z "$best" ] || awk -v a="$peer_sps" -v b="$best" 'BEGIN{exit !(a > b)}'; }; then
          best="$peer_sps" best_t="$threads"
        fi
      done
      if [ -n "$best" ]; then
        echo "dl4j best for config $cfg ($([ "$mode" = shipped ] && echo "as shipped" || echo "OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")):" \
             "OMP_NUM_THREADS=$best_t OMP_WAIT_POLICY=PASSIVE -> $best samples/s"
        if [ "$mode" = shipped ]; then shipped[$cfg]=$best shipped_threads[$cfg]=$best_t
        else tuned[$cfg]=$best tuned_threads[$cfg]=$best_t; fi
      fi
    done
    if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -n "${shipped[$cfg]:-}" ]; then
      tuned[$cfg]=${shipped[$cfg]} tuned_threads[$cfg]=${shipped_threads[$cfg]}
    fi
  done
fi

# ------------------------------------------------------------------ summary
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }

echo "== summary =="
echo "Sparkeras threads: $ours_threads"
if [ -z "$peer_status" ]; then
  for cfg in "${configs[@]}"; do
    echo "DL4J config $cfg threads: as shipped OMP_NUM_THREADS=${shipped_threads[$cfg]:-n/a}," \
         "tuned (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}) OMP_NUM_THREADS=${tuned_threads[$cfg]:-n/a}," \
         "both OMP_WAIT_POLICY=PASSIVE"
  done
fi
for cfg in "${configs[@]}"; do echo "samples_per_s_$cfg=${ours[$cfg]}"; done
if [ -z "$inference_status" ]; then
  grep -E '^batch=[0-9]+ ' "$inference_log"
else
  echo "inference: $inference_status"
fi
if [ -n "$peer_status" ]; then
  echo "peer: DL4J $peer_status"
  exit 0
fi
missing=()
for cfg in "${configs[@]}"; do
  [ -n "${shipped[$cfg]:-}" ] && [ -n "${tuned[$cfg]:-}" ] || missing+=("$cfg")
done
for cfg in "${configs[@]}"; do [ -z "${shipped[$cfg]:-}" ] || echo "dl4j_samples_per_s_$cfg=${shipped[$cfg]}"; done
for cfg in "${configs[@]}"; do [ -z "${tuned[$cfg]:-}" ] || echo "dl4j_tuned_samples_per_s_$cfg=${tuned[$cfg]}"; done
for cfg in "${configs[@]}"; do
  [ -z "${tuned[$cfg]:-}" ] || echo "ratio_vs_dl4j_tuned_$cfg=$(ratio "${ours[$cfg]}" "${tuned[$cfg]}")"
done
for cfg in "${configs[@]}"; do
  [ -z "${shipped[$cfg]:-}" ] || echo "ratio_vs_dl4j_$cfg=$(ratio "${ours[$cfg]}" "${shipped[$cfg]}")"
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "peer: DL4J could not be run for config(s) ${missing[*]} (logs: $peer_work/run-*.log)"
fi
exit 0
