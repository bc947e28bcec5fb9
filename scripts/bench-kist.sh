#!/usr/bin/env bash
# What a KIST run costs (bench/RESULTS-kist-cost.md), in three JMH runs, about 6 minutes:
#  1. KistRunBench: one scheduler run (refill + refresh + loop + outbuf writes) over N pending
#     channels in steady state, with fake kernel facts (the loop alone), per-socket syscalls, or
#     one sock_diag dump; -prof gc, and the thread's own CPU time and allocation per run.
#  2. KistRefreshBench: the refresh alone, per-socket syscalls vs dump, every socket pending; the
#     peers half-closed (a dump reports our sockets only, as with peers on other hosts) and
#     established (it reports both ends of each loopback connection).
#  3. KistRefreshBench: 10,000 sockets attached, only some of them pending (the dump's cost
#     follows the attached sockets, the syscalls' the pending ones).
#  4. RefreshInterleaved: both refresh paths in turn on one fleet, ratios paired within each
#     cycle (drift-resistant): where the threshold lies.
# The benchmark JVM holds the N client channels; the accepted ends live in a child JVM
# (nsockets/Acceptor), so the soft open-file limit is raised to the hard one.
#   CHANNELS       run-bench channel counts, default "100,1000,10000"
#   FLEETS         refresh-bench socket counts (all pending), default "16,64,256,1000,10000"
#   PARTIAL        pending counts out of PARTIAL_FLEET attached sockets, default "16,64,256,1000"
#   PARTIAL_FLEET  default 10000
#   INTERLEAVED    sizes for step 4 (half-closed peers), default "1000,3000,5000,10000"
#   JMH_ARGS       default "-f 1" (each fork builds its own sockets), e.g. "-f 2" for less noise
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
bench_build_jar
out="$RESULTS/kist-$STAMP"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
limit=$(ulimit -n)
fits() { # fits LIST: the counts of LIST that fit the open-file limit
  local kept="" n
  for n in $(echo "$1" | tr ',' ' '); do
    if [ "$limit" != unlimited ] && [ $((n + 200)) -gt "$limit" ]; then
      echo "skipping N=$n: open-file limit is $limit (hard limit; needs about $((n + 200)))" >&2
    else
      kept="${kept:+$kept,}$n"
    fi
  done
  [ -n "$kept" ] || { echo "no N of $1 fits the open-file limit $limit" >&2; exit 1; }
  echo "$kept"
}
channels=$(fits "${CHANNELS:-100,1000,10000}")
fleets=$(fits "${FLEETS:-16,64,256,1000,10000}")
partial_fleet=$(fits "${PARTIAL_FLEET:-10000}")

{ bench_machine; echo "open-file limit: $limit"; echo "tcp sockets in this namespace: $(ss -tanH | wc -l)"; } \
  | tee "$out-machine.txt"
# shellcheck disable=SC2086
bench_jmh "$out-run.json" 'dev.sluice.bench.kist.KistRunBench.run$' -p channels="$channels" -prof gc \
  ${JMH_ARGS:--f 1}
echo "load average after the run benchmark: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out-machine.txt"
# shellcheck disable=SC2086
bench_jmh "$out-refresh.json" 'dev.sluice.bench.kist.KistRefreshBench' -p fleet="$fleets" -p pending=all \
  ${JMH_ARGS:--f 1}
echo "load average after the refresh benchmark: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out-machine.txt"
# shellcheck disable=SC2086
bench_jmh "$out-partial.json" 'dev.sluice.bench.kist.KistRefreshBench' -p fleet="$partial_fleet" \
  -p pending="${PARTIAL:-16,64,256,1000}" -p peers=half-closed ${JMH_ARGS:--f 1}
echo "load average after the partial benchmark: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out-machine.txt"
interleaved=$(fits "${INTERLEAVED:-1000,3000,5000,10000}")
java --enable-native-access=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp "$JAR" \
  dev.sluice.bench.kist.RefreshInterleaved "$interleaved" half-closed 200 3 > "$out-interleaved.txt" 2>&1 \
  || { cat "$out-interleaved.txt" >&2; exit 1; }
grep '^\[kist-interleaved\]' "$out-interleaved.txt" >&2
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out-machine.txt"
echo
python3 "$BENCH_ROOT/bench/tools/jmh_table.py" kist "$out-run.json" "$out-run.log" "$out-refresh.json" \
  "$out-partial.json" "$out-interleaved.txt" | tee "$out-table.md"
echo
echo "raw results: ${out#"$BENCH_ROOT"/}*"
