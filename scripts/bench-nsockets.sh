#!/usr/bin/env bash
# N sockets on loopback (100, 1,000, 10,000): TCP_INFO + SIOCOUTQNSD per socket (FFM) vs one
# sock_diag dump (when wired: dev.sluice.bench.nsockets.SockDiagDumpHook) vs `ss -tin` filtered
# on the sockets' destination port, plus the cost of spawning any process from that JVM.
# About 2.5 minutes. The benchmark JVM holds the N client ends; a child JVM (Acceptor) holds the
# N accepted ends, so each needs N + ~200 descriptors: the soft limit is raised to the hard one.
#   SOCKETS   default "100,1000,10000"
#   JMH_ARGS  default "-f 2 -wi 2 -i 4 -w 1s -r 1s" (each fork builds its own fleet of sockets)
. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
command -v ss >/dev/null || { echo "ss (iproute2) is not installed" >&2; exit 1; }
bench_build_jar
out="$RESULTS/nsockets-$STAMP"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
limit=$(ulimit -n)
sockets=""
for n in $(echo "${SOCKETS:-100,1000,10000}" | tr ',' ' '); do
  if [ "$limit" != unlimited ] && [ $((n + 200)) -gt "$limit" ]; then
    echo "skipping N=$n: open-file limit is $limit (hard limit; needs about $((n + 200)))" >&2
  else
    sockets="${sockets:+$sockets,}$n"
  fi
done
[ -n "$sockets" ] || { echo "no N fits the open-file limit $limit" >&2; exit 1; }

{ bench_machine; echo "open-file limit: $limit"; } | tee "$out-machine.txt"
dump=$(java --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.sluice.bench.nsockets.SockDiagDumpHook || true)
benches='perSocketSyscalls|ssCommand|spawnBaseline'
if [ "$dump" = available ]; then
  benches="$benches|sockDiagDump"
else
  echo "sock_diag dump: $dump (not merged yet); its column stays pending" >&2
fi
# shellcheck disable=SC2086
bench_jmh "$out.json" "dev.sluice.bench.NSocketsBench.($benches)\$" -p sockets="$sockets" \
  ${JMH_ARGS:--f 2 -wi 2 -i 4 -w 1s -r 1s}
echo
python3 "$BENCH_ROOT/bench/tools/jmh_table.py" nsockets "$out.json" "$dump" | tee "$out-table.md"
echo
echo "raw results: ${out#"$BENCH_ROOT"/}*"
