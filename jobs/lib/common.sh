# Shared set-up of the job scripts: project root, build on first use, classpath, native settings.
# Sourced, not run.

SPARKERAS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SPARKERAS_HOME

# ND4J's OpenMP threads spin while waiting; with 2 cores that costs 3x or more.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

# OpenBLAS 0.3.19 (bundled with ND4J 1.0.0-M2.1) does not know recent x86 cores and falls back to
# its slowest kernels; pick the kernel family from the CPU flags unless the caller chose one.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  has() { case " $flags " in *" $1 "*) return 0;; *) return 1;; esac; }
  if has avx512f && has avx512cd && has avx512bw && has avx512dq && has avx512vl; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif has avx2 && has fma; then
    export OPENBLAS_CORETYPE=Haswell
  fi
  unset flags
fi

# Builds the project once (or again when sources are newer than the build) and prints the
# classpath the jobs run with: the classes, the runtime dependencies (target/classpath.txt) and the
# provided ones (target/classpath-provided.txt: Spark, which spark-submit supplies on a cluster but
# `--master local[*]` outside spark-submit needs here). Two build-classpath runs, because
# includeScope=runtime leaves provided out and the default scope (test) brings the test jars in
# (the user property is includeScope; mdep.includeScope is not read by the plugin).
sparkeras_classpath() {
  local target="$SPARKERAS_HOME/target"
  local stamp="$target/classpath.txt" provided="$target/classpath-provided.txt"
  if [ ! -f "$stamp" ] || [ ! -f "$provided" ] || [ ! -d "$target/classes" ] \
     || [ -n "$(find "$SPARKERAS_HOME/src/main" "$SPARKERAS_HOME/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "Building Sparkeras (first run or sources changed)..." >&2
    local started; started=$(date +%s)
    (cd "$SPARKERAS_HOME" && mvn -q -Dmaven.test.skip=true package dependency:build-classpath \
        -Dmdep.outputFile=target/classpath-provided.txt -DincludeScope=provided \
      && mvn -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime) >&2 \
      || return 1
    # build-classpath leaves an unchanged file as it is: date both with the build's start for the
    # check above (a source edited during the build is newer, so the next run builds again).
    touch -d "@$started" "$stamp" "$provided"
  fi
  echo "$target/classes:$(cat "$stamp"):$(cat "$provided")"
}

# JVM flags every job gets (before JAVA_OPTS, which may override them): the Java 17 module openings
# Spark needs, the same list as pom.xml's spark.add-opens property (read from there), and the SLF4J
# provider: slf4j-simple and Spark's log4j binding are both on the classpath, pick slf4j-simple.
spark_add_opens=$(sed -n 's:.*<spark.add-opens>\(.*\)</spark.add-opens>.*:\1:p' "$SPARKERAS_HOME/pom.xml")
SPARKERAS_JVM_FLAGS="$spark_add_opens -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider -Dslf4j.internal.verbosity=WARN"
unset spark_add_opens

JAVA_OPTS_DEFAULT="-Xmx4g -XX:G1HeapRegionSize=32m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Djava.awt.headless=true"

# The application jar for spark-submit (target/sparkeras-<version>-app.jar, maven-shade-plugin), built
# on first use or again when sources are newer. Prints its path.
sparkeras_app_jar() {
  local jar
  jar=$(ls -t "$SPARKERAS_HOME"/target/sparkeras-*-app.jar 2>/dev/null | head -n1 || true)
  if [ -z "$jar" ] \
     || [ -n "$(find "$SPARKERAS_HOME/src/main" "$SPARKERAS_HOME/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "Building the Sparkeras application jar (first run or sources changed)..." >&2
    (cd "$SPARKERAS_HOME" && mvn -q -Dmaven.test.skip=true package) >&2 || return 1
    jar=$(ls -t "$SPARKERAS_HOME"/target/sparkeras-*-app.jar | head -n1)
  fi
  echo "$jar"
}

# Runs a job's main class: through $SPARK_HOME/bin/spark-submit with the application jar when that
# file exists (unless SPARKERAS_EMBEDDED=1), otherwise in this JVM with the embedded Spark (local
# mode, or any master the job is given). Under spark-submit the job's --master and --conf options go
# to spark-submit (the master then defaults to spark-submit's: spark-defaults.conf, else local[*]);
# the driver gets SPARKERAS_DRIVER_MEMORY (default 4g) unless a --conf spark.driver.memory says
# otherwise; SPARK_SUBMIT_OPTS and spark-submit's own environment apply as usual.
sparkeras_launch() {
  local main=$1; shift
  if [ "${SPARKERAS_EMBEDDED:-0}" != 1 ] && [ -n "${SPARK_HOME:-}" ] && [ -f "$SPARK_HOME/bin/spark-submit" ]; then
    local jar submit=() app=()
    jar=$(sparkeras_app_jar) || { echo "error: build failed" >&2; exit 3; }
    while [ $# -gt 0 ]; do
      case "$1" in
        --master|--conf)
          [ $# -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 2; }
          submit+=("$1" "$2"); shift 2 ;;
        --master=*|--conf=*) submit+=("${1%%=*}" "${1#*=}"); shift ;;
        *) app+=("$1"); shift ;;
      esac
    done
    exec "$SPARK_HOME/bin/spark-submit" --class "$main" \
      --conf "spark.driver.memory=${SPARKERAS_DRIVER_MEMORY:-4g}" \
      ${submit[@]+"${submit[@]}"} "$jar" ${app[@]+"${app[@]}"}
  fi
  local cp
  cp=$(sparkeras_classpath) || { echo "error: build failed" >&2; exit 3; }
  # Spark local mode (the default master of the jobs that always use Spark) runs on the loopback
  # interface; this also spares Spark's warning about a host name that resolves to a loopback
  # address. A cluster master leaves the driver's address to Spark.
  local a prev= remote=0
  for a in "$@"; do
    case "$prev|$a" in
      "--master|local"*|*"|--master=local"*) ;;
      "--master|"*|*"|--master="*) remote=1 ;;
    esac
    prev=$a
  done
  [ $remote = 1 ] || export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  exec java $SPARKERAS_JVM_FLAGS ${JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -cp "$cp" "$main" "$@"
}
