# jobs/benchmark.sh --spark: Spark data-parallel training throughput of the MNIST MLP in config B
# (Adam 1e-3, batch 128 per worker) on this machine, side by side with the DL4J-on-Spark peer.
# Sourced by jobs/benchmark.sh (after lib/common.sh) with the arguments that follow --spark:
#   jobs/benchmark.sh --spark [--epochs N (5)] [--averaging-frequency K (SparkTrainer's default)]
#                             [--data DIR (data/mnist)] [--seed N (42)] [--conf key=value (Spark setting, repeatable)]
#                             [--repeat R (1): runs 1-3 R times, interleaved; medians are reported]
#
# One JVM per measurement (org.sparkeras.jobs.SparkBenchmark), N epochs each, samples/s = 60,000 /
# median time of epochs 2..N, as the peers measure:
#   1. one LocalTrainer, one thread (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1);
#   2. two independent one-thread LocalTrainers at the same time, twice: in two JVMs and as two
#      threads of one JVM (each with its own model); both start together and keep training until
#      the other has finished its timed epochs; the higher total is "the ideal for 2 cores";
#   3. SparkSession local[2] (127.0.0.1, UI off, SparkTrainer.configure), 2 partitions, averaging
#      every K steps; per-round timings of epochs 2..N from SparkTrainer.roundStats() and a Spark
#      listener (org.sparkeras.jobs.SparkJobTimes);
#   4. the DL4J peer (SparkDl4jMultiLayer + ParameterAveragingTrainingMaster, default
#      $SPARKERAS_HOME/../shared/bench/dl4j-spark, override PEER_SPARK_BENCH_DIR, skip with
#      PEER_BENCH=0), copied to target/peer-dl4j-spark and built there (Maven, online the first
#      time; skipped when up to date), run as `bench.SparkMlp B K N kryo local[2] <mnist>` with
#      `java @jvm.args`, OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE, OPENBLAS_NUM_THREADS unset, once
#      as shipped (OPENBLAS_CORETYPE unset) and once with ours; the SparkJobTimes listener is added
#      through -Dspark.extraListeners (no change to the peer's code) to time its rounds the same way.
# Per-round overhead: ours = broadcast + (job - slowest worker's compute) + aggregate (roundStats);
# both = "all-in": (epoch time - sum over rounds of the slowest task's run time) / rounds.
#
# Last lines: spark_speedup_vs_local_1thread= (Spark / one local trainer), spark_efficiency_vs_2_local=
# (Spark / the two concurrent local trainers' total), ratio_vs_dl4j_spark= (Spark / the better of
# the two DL4J-on-Spark runs). PEER_TIMEOUT (default 900) s per peer run. Exit 0 measured (a peer
# failure is reported, not fatal), 2 bad option, 3 build or data failure, 4 divergence.

sb_epochs=5 sb_k="" sb_data="data/mnist" sb_seed=42 sb_conf=() sb_repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) sb_epochs="${2:-}"; shift 2 ;;
    --epochs=*) sb_epochs="${1#*=}"; shift ;;
    --averaging-frequency) sb_k="${2:-}"; shift 2 ;;
    --averaging-frequency=*) sb_k="${1#*=}"; shift ;;
    --data) sb_data="${2:-}"; shift 2 ;;
    --data=*) sb_data="${1#*=}"; shift ;;
    --seed) sb_seed="${2:-}"; shift 2 ;;
    --seed=*) sb_seed="${1#*=}"; shift ;;
    --conf) sb_conf+=(--conf "${2:-}"); shift 2 ;;
    --repeat) sb_repeat="${2:-}"; shift 2 ;;
    --repeat=*) sb_repeat="${1#*=}"; shift ;;
    --conf=*) sb_conf+=(--conf "${1#*=}"); shift ;;
    -h|--help)
      sed -n '1,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    *) echo "error: unknown option for --spark: $1 (see jobs/benchmark.sh --spark --help)" >&2; exit 2 ;;
  esac
done
[[ $sb_epochs =~ ^[0-9]+$ ]] && [ "$sb_epochs" -ge 2 ] || { echo "error: --epochs must be an integer >= 2" >&2; exit 2; }
[ -z "$sb_k" ] || [[ $sb_k =~ ^[1-9][0-9]*$ ]] || { echo "error: --averaging-frequency must be a positive integer" >&2; exit 2; }
[[ $sb_seed =~ ^-?[0-9]+$ ]] || { echo "error: --seed must be an integer" >&2; exit 2; }
[[ $sb_repeat =~ ^[1-9][0-9]*$ ]] || { echo "error: --repeat must be a positive integer" >&2; exit 2; }
sb_mnist="$(cd "$sb_data" 2>/dev/null && pwd)" || { echo "error: no MNIST directory at $sb_data" >&2; exit 3; }

cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
case "$cp" in
  *spark-core_*) ;;
  *) echo "error: Spark is not on the job classpath (lib/common.sh must add the provided scope)" >&2; exit 3 ;;
esac
# shellcheck disable=SC2206
sb_java=(java ${SPARKERAS_JVM_FLAGS:-} ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" org.sparkeras.jobs.SparkBenchmark)
sb_common=(--epochs "$sb_epochs" --data "$sb_mnist" --seed "$sb_seed")
sb_work="$SPARKERAS_HOME/target/benchmark-spark"
rm -rf "$sb_work"
mkdir -p "$sb_work"

# field <key> <file>: the value of key= on the file's RESULT line.
field() { grep -m1 '^RESULT' "$2" | grep -oE "(^| )$1=[^ ]+" | head -1 | cut -d= -f2-; }
fmt2() { awk -v a="$1" 'BEGIN{printf "%.2f", a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
# run_ours <label> <log> <SparkBenchmark args...>: runs one measurement, exits on failure.
run_ours() {
  local label=$1 log=$2
  shift 2
  echo "== $label =="
  "${sb_java[@]}" "$@" "${sb_common[@]}" 2>"$log.err" | tee "$log" | grep -vE '^(env|data):'
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ] || [ -z "$(field samples_per_s "$log")" ]; then
    tail -n 20 "$log.err" >&2
    echo "error: $label failed (exit $rc; log: $log, $log.err)" >&2
    exit $(( rc == 0 ? 3 : rc ))
  fi
}

echo "== environment: OMP_NUM_THREADS=$OMP_NUM_THREADS OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS" \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>} OMP_WAIT_POLICY=$OMP_WAIT_POLICY cpus=$(getconf _NPROCESSORS_ONLN)" \
     "config B (Adam 1e-3, batch 128 per worker), $sb_epochs epochs per run, samples/s = 60000 / median epoch of 2..$sb_epochs =="

# median <values...>: the middle value (the mean of the two middle ones for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
k_args=()
[ -z "$sb_k" ] || k_args=(--averaging-frequency "$sb_k")
l1s=() l2js=() l2ts=() sps=()
for ((rep = 1; rep <= sb_repeat; rep++)); do
  sfx=""
  if [ "$sb_repeat" -gt 1 ]; then
    sfx="-r$rep"
    echo "== repetition $rep of $sb_repeat =="
  fi

  # 1. One LocalTrainer, one thread.
  run_ours "LocalTrainer, 1 thread (one JVM)" "$sb_work/local1$sfx.log" --mode local --replicas 1
  l1s+=("$(field samples_per_s "$sb_work/local1$sfx.log")")

  # 2a. Two one-thread LocalTrainers in two JVMs at the same time.
  echo "== 2 LocalTrainers at the same time, one thread each, in two JVMs =="
  sync="$sb_work/sync$sfx"
  mkdir -p "$sync"
  pids=()
  for i in 0 1; do
    "${sb_java[@]}" --mode local --replicas 1 --sync-dir "$sync" --instances 2 --instance "$i" "${sb_common[@]}" \
      >"$sb_work/local2jvm$sfx-$i.log" 2>"$sb_work/local2jvm$sfx-$i.log.err" &
    pids+=($!)
  done
  for i in 0 1; do
    if ! wait "${pids[$i]}" || [ -z "$(field samples_per_s "$sb_work/local2jvm$sfx-$i.log")" ]; then
      tail -n 20 "$sb_work/local2jvm$sfx-$i.log.err" >&2
      echo "error: the two-JVM LocalTrainer run failed (log: $sb_work/local2jvm$sfx-$i.log)" >&2
      exit 3
    fi
    grep '^local trainer' "$sb_work/local2jvm$sfx-$i.log" | sed "s/^local trainer/local trainer (JVM $((i + 1)))/"
  done
  l2js+=("$(awk -v a="$(field samples_per_s "$sb_work/local2jvm$sfx-0.log")" \
                -v b="$(field samples_per_s "$sb_work/local2jvm$sfx-1.log")" 'BEGIN{printf "%.0f", a + b}')")
  echo "total: ${l2js[-1]} samples/s"

  # 2b. Two one-thread LocalTrainers as two threads of one JVM.
  run_ours "2 LocalTrainers at the same time, one thread each, as two threads of one JVM" "$sb_work/local2thr$sfx.log" \
    --mode local --replicas 2
  l2ts+=("$(field samples_per_s "$sb_work/local2thr$sfx.log")")

  # 3. Spark local[2], 2 partitions.
  run_ours "Sparkeras SparkTrainer, local[2], 2 partitions" "$sb_work/spark$sfx.log" --mode spark --master 'local[2]' \
    --partitions 2 "${k_args[@]}" "${sb_conf[@]}"
  sps+=("$(field samples_per_s "$sb_work/spark$sfx.log")")
done
local1=$(median "${l1s[@]}") local2jvm=$(median "${l2js[@]}") local2thr=$(median "${l2ts[@]}") spark=$(median "${sps[@]}")
if awk -v a="$local2jvm" -v b="$local2thr" 'BEGIN{exit !(a >= b)}'; then
  local2=$local2jvm local2_how="two JVMs"
else
  local2=$local2thr local2_how="two threads of one JVM"
fi
# The Spark repetition whose samples/s is nearest the median gives the per-round breakdown.
spark_log="$sb_work/spark.log"
if [ "$sb_repeat" -gt 1 ]; then
  best=1
  for ((rep = 2; rep <= sb_repeat; rep++)); do
    if awk -v a="${sps[$((rep - 1))]}" -v b="${sps[$((best - 1))]}" -v m="$spark" \
         'BEGIN{d1 = a - m; d2 = b - m; exit !(d1 * d1 < d2 * d2)}'; then best=$rep; fi
  done
  spark_log="$sb_work/spark-r$best.log"
  echo "== medians of $sb_repeat repetitions: LocalTrainer 1 thread [${l1s[*]}] -> $local1, two JVMs [${l2js[*]}] ->" \
       "$local2jvm, two threads [${l2ts[*]}] -> $local2thr, Spark [${sps[*]}] -> $spark (per-round figures from repetition $best) =="
fi
k=$(field averaging_frequency "$spark_log")

# 4. The DL4J-on-Spark peer at the same batch size (config B: 128 per worker) and averaging frequency.
peer_dir="${PEER_SPARK_BENCH_DIR:-$SPARKERAS_HOME/../shared/bench/dl4j-spark}"
peer_work="$SPARKERAS_HOME/target/peer-dl4j-spark"
peer_timeout="${PEER_TIMEOUT:-900}"
peer_status=""
declare -A dl4j=() dl4j_overhead=() dl4j_rounds=()
if [ "${PEER_BENCH:-1}" = 0 ]; then
  peer_status="skipped (PEER_BENCH=0)"
elif [ ! -d "$peer_dir" ]; then
  peer_status="skipped (no peer folder at $peer_dir; set PEER_SPARK_BENCH_DIR)"
fi
if [ -z "$peer_status" ]; then
  mkdir -p "$peer_work"
  if [ -f "$peer_work/cp.txt" ] && [ -d "$peer_work/target/classes/bench" ] \
     && [ -z "$(find "$peer_dir" -type f -newer "$peer_work/cp.txt" -print -quit)" ]; then
    echo "== DL4J-on-Spark peer: $peer_work is up to date with $peer_dir =="
  else
    echo "== DL4J-on-Spark peer: building a copy of $peer_dir in $peer_work =="
    rm -rf "$peer_work/src"
    if ! cp -R --preserve=timestamps --no-preserve=mode,ownership "$peer_dir/." "$peer_work/"; then
      peer_status="could not be copied from $peer_dir to $peer_work"
    elif ! (cd "$peer_work" && mvn -q -B package dependency:build-classpath -Dmdep.outputFile=cp.txt) \
         >"$peer_work/build.log" 2>&1; then
      tail -n 20 "$peer_work/build.log"
      peer_status="could not be built (mvn package failed in $peer_work; log: $peer_work/build.log)"
    fi
  fi
fi

# run_dl4j <shipped|tuned>: runs the peer once; sets dl4j[mode], dl4j_overhead[mode], dl4j_rounds[mode].
run_dl4j() {
  local mode=$1 log="$sb_work/dl4j-spark-$1.log"
  local -a env_args=(-u OPENBLAS_NUM_THREADS)   # ND4J sets its BLAS threads from OMP_NUM_THREADS
  if [ "$mode" = shipped ]; then env_args+=(-u OPENBLAS_CORETYPE); else env_args+=("OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE"); fi
  (cd "$peer_work" && timeout "$peer_timeout" env "${env_args[@]}" OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
      java @jvm.args -Dspark.extraListeners=org.sparkeras.jobs.SparkJobTimes \
      -cp "target/classes:$(cat cp.txt):$SPARKERAS_HOME/target/classes" \
      bench.SparkMlp B "$k" "$sb_epochs" kryo 'local[2]' "$sb_mnist") >"$log" 2>&1
  local rc=$? result ct
  ct=$([ "$mode" = shipped ] && echo '<unset> (as shipped)' || echo "$OPENBLAS_CORETYPE")
  result=$(grep -m1 '^RESULT' "$log")
  local sps
  sps=$(grep -oE 'samples_per_s=[0-9.]+' <<<"$result" | cut -d= -f2)
  if [ -z "$sps" ]; then
    echo "dl4j-spark OPENBLAS_CORETYPE=$ct: FAILED ($([ "$rc" -eq 124 ] && echo "timed out after ${peer_timeout}s (PEER_TIMEOUT)" \
         || echo "exit $rc, no RESULT line"); log: $log)"
    tail -n 5 "$log"
    return 1
  fi
  dl4j[$mode]=$sps
  # Its rounds: each fit starts with a count job (ParameterAveragingTrainingMaster), then one
  # treeAggregate job per round (train + aggregate). Epochs 2..N: all-in overhead per round =
  # (epoch time - sum of the slowest task's run time per round) / rounds.
  local epochs_list
  epochs_list=$(grep -oE ' epoch_s=\[[^]]*\]' <<<"$result" | sed -E 's/.*\[(.*)\]/\1/')
  read -r dl4j_overhead[$mode] dl4j_rounds[$mode] < <(grep '^SPARKJOB' "$log" | awk -v ep="$epochs_list" '
    BEGIN { n = split(ep, es, ","); e = 0 }
    / name=count_at_ParameterAveragingTrainingMaster/ { e++ }
    / name=treeAggregate_at_ParameterAveragingTrainingMaster/ && e >= 2 {
      match($0, /max_run_ms=[0-9]+/); run += substr($0, RSTART + 11, RLENGTH - 11); r++ }
    END { wall = 0; for (i = 2; i <= n; i++) wall += 1000 * es[i]
          if (r > 0 && e == n) printf "%.2f %.1f\n", (wall - run) / r, r / (n - 1); else print "n/a n/a" }')
  echo "dl4j-spark config=B averagingFrequency=$k OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE OPENBLAS_CORETYPE=$ct" \
       $(grep -oE '(epoch_s|samples_per_s|test_acc)=[^ ]+' <<<"$result") \
       "rounds_per_epoch=${dl4j_rounds[$mode]} allin_overhead_ms_per_round=${dl4j_overhead[$mode]}"
}

if [ -z "$peer_status" ]; then
  echo "== DL4J-on-Spark peer: bench.SparkMlp B $k $sb_epochs kryo local[2] (2 tasks x OMP 1), samples/s = median epoch of 2..$sb_epochs =="
  run_dl4j shipped
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
    run_dl4j tuned
  else
    echo "note: OPENBLAS_CORETYPE is not set on this CPU; only the as-shipped run"
  fi
  [ ${#dl4j[@]} -gt 0 ] || peer_status="failed (logs: $sb_work/dl4j-spark-*.log)"
fi

# ------------------------------------------------------------------ summary
best_mode=""
for m in shipped tuned; do
  if [ -n "${dl4j[$m]:-}" ] && { [ -z "$best_mode" ] || awk -v a="${dl4j[$m]}" -v b="${dl4j[$best_mode]}" 'BEGIN{exit !(a > b)}'; }; then
    best_mode=$m
  fi
done
ov() { field "$1" "$spark_log"; }
echo "== summary: config B, batch 128 per worker, averaging every $k steps, local[2] =="
printf '%-58s %12s %28s\n' "run" "samples/s" "overhead ms/round (all-in)"
printf '%-58s %12s %28s\n' "LocalTrainer, 1 thread" "$local1" "-"
printf '%-58s %12s %28s\n' "2 x LocalTrainer (1 thread each) at once, two JVMs" "$local2jvm" "-"
printf '%-58s %12s %28s\n' "2 x LocalTrainer (1 thread each) at once, one JVM" "$local2thr" "-"
printf '%-58s %12s %28s\n' "Sparkeras SparkTrainer local[2], 2 partitions" "$spark" "$(fmt2 "$(ov overhead_ms)") ($(fmt2 "$(ov allin_overhead_ms)"))"
for m in shipped tuned; do
  [ -n "${dl4j[$m]:-}" ] || continue
  printf '%-58s %12s %28s\n' "DL4J ParameterAveragingTrainingMaster local[2] ($([ "$m" = shipped ] && echo "as shipped" || echo "$OPENBLAS_CORETYPE"))" \
    "${dl4j[$m]}" "- (${dl4j_overhead[$m]})"
done
echo "Sparkeras per round (epochs 2..$sb_epochs, $(ov rounds_per_epoch) rounds per epoch): wall $(ov round_ms) ms = broadcast" \
     "$(ov broadcast_ms) + job $(ov job_ms) + aggregate $(ov aggregate_ms) + driver other $(ov driver_other_ms);" \
     "slowest worker's compute $(ov worker_compute_ms) ms; overhead = broadcast + job - compute + aggregate = $(ov overhead_ms) ms"
echo "ideal for 2 cores: the higher of the two concurrent-LocalTrainer totals ($local2_how)"
echo "local_1thread_samples_per_s=$local1"
echo "local_2x1thread_samples_per_s=$local2"
echo "spark_samples_per_s=$spark"
echo "spark_overhead_ms_per_round=$(ov overhead_ms)"
echo "spark_allin_overhead_ms_per_round=$(ov allin_overhead_ms)"
if [ -n "$best_mode" ]; then
  [ -z "${dl4j[shipped]:-}" ] || echo "dl4j_spark_samples_per_s=${dl4j[shipped]}"
  [ -z "${dl4j[tuned]:-}" ] || echo "dl4j_spark_tuned_samples_per_s=${dl4j[tuned]}"
  echo "dl4j_spark_allin_overhead_ms_per_round=${dl4j_overhead[$best_mode]}"
  [ -z "${dl4j[shipped]:-}" ] || echo "ratio_vs_dl4j_spark_shipped=$(ratio "$spark" "${dl4j[shipped]}")"
fi
[ -z "$peer_status" ] || echo "peer: DL4J-on-Spark $peer_status"
echo "spark_speedup_vs_local_1thread=$(ratio "$spark" "$local1")"
echo "spark_efficiency_vs_2_local=$(ratio "$spark" "$local2")"
if [ -n "$best_mode" ]; then
  echo "ratio_vs_dl4j_spark=$(ratio "$spark" "${dl4j[$best_mode]}")"
else
  echo "ratio_vs_dl4j_spark=n/a"
fi
exit 0
