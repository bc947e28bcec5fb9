#!/usr/bin/env bash
# Clock reads: System.nanoTime() vs CLOCK_MONOTONIC_RAW and CLOCK_MONOTONIC through FFM, with the
# C clock_gettime figures beside them. Reported, not asserted. About 1.5 minutes.
#   JMH_ARGS  default "-f 2 -wi 3 -i 5 -w 1s -r 1s"
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
bench_build_jar
bench_build_c
out="$RESULTS/clocks-$STAMP"
bench_machine | tee "$out-machine.txt"
"$BENCH_ROOT/bench/target/sockcalls" --clocks-only 1000000 9 | tee "$out-c1.txt" >&2
# shellcheck disable=SC2086
bench_jmh "$out.json" 'dev.sluice.bench.ClockBench' ${JMH_ARGS:--f 2 -wi 3 -i 5 -w 1s -r 1s}
echo
python3 "$BENCH_ROOT/bench/tools/jmh_table.py" clocks "$out.json" "$out-c1.txt" | tee "$out-table.md"
echo
echo "raw results: ${out#"$BENCH_ROOT"/}*"
