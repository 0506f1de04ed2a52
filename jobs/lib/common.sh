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
# runtime classpath.
sparkeras_classpath() {
  local target="$SPARKERAS_HOME/target"
  local stamp="$target/classpath.txt"
  if [ ! -f "$stamp" ] || [ ! -d "$target/classes" ] \
     || [ -n "$(find "$SPARKERAS_HOME/src/main" "$SPARKERAS_HOME/pom.xml" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "Building Sparkeras (first run or sources changed)..." >&2
    (cd "$SPARKERAS_HOME" && mvn -q -Dmaven.test.skip=true package dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) >&2 || return 1
  fi
  echo "$target/classes:$(cat "$stamp")"
}

JAVA_OPTS_DEFAULT="-Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Djava.awt.headless=true"
