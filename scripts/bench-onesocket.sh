#!/usr/bin/env bash
# One socket: getsockopt(TCP_INFO) + ioctl(SIOCOUTQNSD) through Sluice's FFM bindings, bare FFM,
# JNR-FFI (two ways) and C, on a loopback pair with unsent data queued; prints the tables of
# bench/RESULTS.md. About 3 minutes with the defaults.
#
# The machine is shared and its load drifts over minutes, so:
#  1. ROUNDS rounds, each: the C program (bench/c/sockcalls.c, its own loopback pair, median of
#     C_RUNS runs), then all JVM variants in one JMH run (-prof gc). Ratios to C are taken within
#     a round; the median over rounds is reported.
#  2. dev.sluice.bench.Interleaved: C (the same loop, as libsockcalls.so) and the JVM variants on
#     one socket in one JVM, in short blocks in random order, paired per cycle.
#   ROUNDS       default 2
#   JMH_ARGS     per round, default "-f 1 -wi 3 -i 5 -w 1s -r 1s"
#   C_ITERS / C_RUNS  default 1000000 / 7
#   INTERLEAVED  "MEASURE_S WARMUP_S BLOCK", default "40 6 4000"; "0" skips it
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
bench_build_jar
bench_build_c
out="$RESULTS/onesocket-$STAMP"
bench_machine | tee "$out-machine.txt"
prefixes=()
for r in $(seq 1 "${ROUNDS:-2}"); do
  p="$out-r$r"
  echo "== round $r: C program, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "$BENCH_ROOT/bench/target/sockcalls" "${C_ITERS:-1000000}" "${C_RUNS:-7}" | tee "$p-c.txt" \
    | grep -E '^(sockcalls|RESULT sockcalls)' >&2
  echo "== round $r: JMH" >&2
  # shellcheck disable=SC2086
  bench_jmh "$p.json" 'dev.sluice.bench.OneSocketBench' ${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s} -prof gc
  prefixes+=("$p")
done
inter_args=()
if [ "${INTERLEAVED:-40 6 4000}" != 0 ]; then
  echo "== interleaved, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  # Every variant's calls inlined into its timing loop, whatever C2 compiled first (see Interleaved).
  # shellcheck disable=SC2086
  java --enable-native-access=ALL-UNNAMED -XX:CompileCommand=quiet \
    -XX:CompileCommand=inline,dev.sluice.bench.support.OneSocketCalls::* -cp "$JAR" dev.sluice.bench.Interleaved \
    "$BENCH_ROOT/bench/target/libsockcalls.so" ${INTERLEAVED:-40 6 4000} 2>"$out-interleaved.err" \
    | tee "$out-interleaved.txt" | grep -v '^RESULT' >&2
  inter_args=(--interleaved "$out-interleaved.txt")
fi
echo
python3 "$BENCH_ROOT/bench/tools/jmh_table.py" onesocket "${inter_args[@]}" "${prefixes[@]}" | tee "$out-table.md"
echo
echo "raw results: ${out#"$BENCH_ROOT"/}*"
