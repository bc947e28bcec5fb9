# Sourced by scripts/bench-*.sh: finds the JDK, builds bench/target/benchmarks.jar and the C
# baseline, and sets up bench/results/ (git-ignored) for raw output.
#   SKIP_BUILD=1   reuse an existing benchmarks.jar
#   JMH_EXTRA="…"  extra JMH options appended to each run
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$BENCH_ROOT/scripts/jdk.sh"
JAR="$BENCH_ROOT/bench/target/benchmarks.jar"
RESULTS="$BENCH_ROOT/bench/results"
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS" "$BENCH_ROOT/bench/target"

bench_build_jar() {
  if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$JAR" ]; then
    return
  fi
  echo "== building $JAR" >&2
  # Offline first (fast, no network); online once if a plugin is missing from the local repository.
  (cd "$BENCH_ROOT" && { scripts/mvn -o -q -pl bench -am package -DskipTests \
      || scripts/mvn -q -pl bench -am package -DskipTests; }) >&2
}

bench_build_c() { # the C program, and the same loop as a shared library for Interleaved
  local cc=${CC:-cc} src="$BENCH_ROOT/bench/c/sockcalls.c"
  echo "== building bench/target/sockcalls and libsockcalls.so ($cc -O2)" >&2
  "$cc" -O2 -Wall -Wextra -o "$BENCH_ROOT/bench/target/sockcalls" "$src"
  "$cc" -O2 -Wall -Wextra -shared -fPIC -DSOCKCALLS_LIB -o "$BENCH_ROOT/bench/target/libsockcalls.so" "$src"
}

bench_machine() {
  echo "nproc: $(nproc)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "kernel: $(uname -sr)"
  echo "jdk: $(java -version 2>&1 | head -n2 | tail -n1)"
  echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo '?')"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_jmh() { # bench_jmh JSON_OUT ARGS... ; runs the JMH jar, text log beside the JSON
  local json=$1; shift
  java -jar "$JAR" "$@" ${JMH_EXTRA:-} -rf json -rff "$json" 2>&1 | tee "${json%.json}.log" \
    | grep -E '^([A-Z][A-Za-z]*Bench\.[A-Za-z]+ |# Run complete|<failure>|java\.lang\.[A-Za-z]*(Exception|Error))' >&2 || true
  [ -s "$json" ] || { echo "JMH wrote no results to $json; see ${json%.json}.log" >&2; return 1; }
}
