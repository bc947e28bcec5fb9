#!/usr/bin/env python3
"""Turns JMH JSON results (and the C baseline's RESULT lines) into the tables of bench/RESULTS.md.

  jmh_table.py onesocket [--interleaved FILE] ROUND_PREFIX...   (each: PREFIX.json and PREFIX-c.txt)
  jmh_table.py clocks    JMH.json C_OUTPUT...
  jmh_table.py nsockets  JMH.json DUMP_STATUS
  jmh_table.py kist      RUN.json RUN.log REFRESH.json [PARTIAL.json [INTERLEAVED.txt]]

Medians are over every measured iteration of every fork; "mean ± err" is JMH's own score and
99.9% error. With several C outputs, the C figure is the median of their medians.
"""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def iterations(entry):
    return [x for fork in entry["primaryMetric"]["rawData"] for x in fork]


def row_stats(entry):
    it = iterations(entry)
    pm = entry["primaryMetric"]
    return {
        "median": statistics.median(it),
        "mean": pm["score"],
        "err": pm["scoreError"],
        "n": len(it),
        "unit": pm["scoreUnit"],
        "alloc": entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score"),
    }


def c_results(paths):
    by_key = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                if line.startswith("RESULT "):
                    _, key, value = line.split()
                    by_key.setdefault(key, []).append(float(value))
    return {k: statistics.median(v) for k, v in by_key.items()}, by_key


def short(name):
    return name.rsplit(".", 1)[-1]


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    if x != x:  # NaN
        return "n/a"
    return f"{x:,.{digits}f}"


ONESOCKET_LABELS = [
    ("ffmSluice", "FFM, Sluice bindings (`TcpInfo.fetch` + `SockIoctl.outqNotSent`)"),
    ("ffmSampler", "FFM, Sluice `TcpSampler` (owns its buffers, no per-thread lookup)"),
    ("ffmRaw", "FFM, bare critical handles (no errno capture)"),
    ("jnrIdiomatic", "JNR-FFI, direct `Pointer`, errno saved (default)"),
    ("jnrFast", "JNR-FFI, raw addresses, `@IgnoreError`"),
]


def interleaved_results(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("RESULT interleaved_"):
                _, key, value = line.split()
                out[key[len("interleaved_"):]] = float(value)
    return out


def onesocket(prefixes, interleaved_path=None):
    """Each prefix is one round: PREFIX.json (JMH) and PREFIX-c.txt (the C run just before it).
    A variant's figure is the median over rounds of its median in the round; its ratio is the
    median over rounds of (its median / that round's C median), so slow drift of the machine's
    load cancels within a round."""
    rounds = []
    for p in prefixes:
        data = {short(e["benchmark"]): row_stats(e) for e in load(p + ".json")}
        c, _ = c_results([p + "-c.txt"])
        rounds.append((data, c["sockcalls_ns_per_op"]))
    floors = [c for _, c in rounds]
    print(f"JMH ({len(rounds)} round(s); per round: the C program, then every JVM variant in one JMH run):")
    print()
    print("| variant | median ns/op | ratio to C | per-round ratios | alloc B/op (max) |")
    print("|---|---:|---:|---|---:|")
    print(f"| C program (`bench/c/sockcalls.c`, `cc -O2`) | {fmt(statistics.median(floors))} | 1.00 | "
          f"C per round: {', '.join(fmt(c) for c in floors)} ns | 0 |")
    summary = {}
    for key, label in ONESOCKET_LABELS:
        meds = [d[key]["median"] for d, _ in rounds if key in d]
        if not meds:
            continue
        ratios = [d[key]["median"] / c for d, c in rounds if key in d]
        allocs = [d[key]["alloc"] for d, _ in rounds if key in d and d[key]["alloc"] is not None]
        summary[key] = (statistics.median(meds), statistics.median(ratios), max(allocs) if allocs else None)
        print(f"| {label} | {fmt(summary[key][0])} | {summary[key][1]:.2f} | "
              f"{', '.join(f'{r:.2f}' for r in ratios)} | {fmt(summary[key][2], 3)} |")
    print()

    inter = interleaved_results(interleaved_path) if interleaved_path else {}
    if inter:
        print("Interleaved (one JVM, one socket; C loop via libsockcalls.so; blocks of every variant in random "
              "order each cycle; paired ratios, median over cycles):")
        print()
        print("| variant | median ns/op | median paired ratio to C |")
        print("|---|---:|---:|")
        labels = [("c", "C loop (`sockcalls_loop`, same code as the C program)")] + ONESOCKET_LABELS + [
            ("ffmRawErrno", "FFM, bare critical handles + errno capture (diagnostic)")]
        for key, label in labels:
            if f"{key}_ns_per_op" in inter:
                print(f"| {label} | {fmt(inter[key + '_ns_per_op'])} | {inter[key + '_ratio_to_c']:.3f} |")
        print()

    print("Goals:")
    for skey, sname, ikey in (("ffmSluice", "FFM (Sluice)", "sluice"), ("ffmSampler", "FFM (TcpSampler)", "ffmSampler")):
        if skey not in summary:
            continue
        med, ratio, alloc = summary[skey]
        line = f"- {sname} <= 1.15x C: JMH {ratio:.2f}x"
        ok = ratio <= 1.15
        if f"{skey}_ratio_to_c" in inter:
            r2 = inter[f"{skey}_ratio_to_c"]
            line += f", interleaved {r2:.3f}x"
            ok = ok and r2 <= 1.15
        print(f"{line}: {'MET' if ok else 'NOT MET'}")
        for jkey in ("jnrIdiomatic", "jnrFast"):
            if jkey not in summary:
                continue
            jr = summary[jkey][1]
            line = f"- {sname} faster than JNR-FFI {jkey}: JMH ratios to C {ratio:.2f} vs {jr:.2f}"
            verdict = "MET" if ratio < jr else "NOT MET"
            if f"{ikey}_over_{jkey}" in inter:
                pr = inter[f"{ikey}_over_{jkey}"]
                share = inter[f"{ikey}_faster_than_{jkey}_share"]
                line += (f"; interleaved paired {sname}/JNR {pr:.3f}, faster in {100 * share:.0f}% of cycles")
                verdict = "MET" if pr < 1 and share > 0.5 else "NOT MET"
                if verdict == "MET" and pr > 0.98:
                    verdict = "MET, narrowly (under 2%)"
            print(f"{line}: {verdict}")
        if alloc is not None:
            print(f"- {sname} allocation (-prof gc, gc.alloc.rate.norm): {alloc:.3f} B/op = 0 (under 1 B/op is JMH's "
                  f"own bookkeeping spread over ~10^6 ops; one allocated object would be >= 16 B/op)")
    for other in ("ffmSluice", "ffmRaw"):
        if f"ffmSampler_over_{other}" in inter:
            print(f"- paired TcpSampler / {other}: {inter[f'ffmSampler_over_{other}']:.3f}, sampler faster in "
                  f"{100 * inter[f'ffmSampler_faster_than_{other}_share']:.0f}% of cycles")


def clocks(jmh_path, c_paths):
    data = {short(e["benchmark"]): row_stats(e) for e in load(jmh_path)}
    c, _ = c_results(c_paths)
    base = data["systemNanoTime"]["median"] if "systemNanoTime" in data else None
    print("| clock read | median ns/op | JMH mean ± 99.9% err | ratio to System.nanoTime() |")
    print("|---|---:|---:|---:|")
    rows = [
        ("systemNanoTime", "`System.nanoTime()` (CLOCK_MONOTONIC, JVM intrinsic)"),
        ("ffmMonotonicRaw", "`Clocks.nanos(MONOTONIC_RAW)` (FFM, Sluice)"),
        ("ffmMonotonic", "`Clocks.nanos(MONOTONIC)` (FFM, Sluice)"),
        ("ffmRawHandleMonotonicRaw", "bare critical FFM handle, MONOTONIC_RAW"),
        ("jnrIdiomaticMonotonicRaw", "JNR-FFI, direct Pointer, errno saved, MONOTONIC_RAW"),
        ("jnrFastMonotonicRaw", "JNR-FFI, raw address, @IgnoreError, MONOTONIC_RAW"),
    ]
    for key, label in rows:
        if key in data:
            r = data[key]
            ratio = f"{r['median'] / base:.2f}" if base else "n/a"
            print(f"| {label} | {fmt(r['median'])} | {fmt(r['mean'])} ± {fmt(r['err'])} | {ratio} |")
    for key, label in (("clock_monotonic_raw_ns_per_op", "C `clock_gettime(CLOCK_MONOTONIC_RAW)`"),
                       ("clock_monotonic_ns_per_op", "C `clock_gettime(CLOCK_MONOTONIC)`")):
        if key in c:
            ratio = f"{c[key] / base:.2f}" if base else "n/a"
            print(f"| {label} | {fmt(c[key])} | | {ratio} |")


def nsockets(jmh_path, dump_status):
    rows = {}
    for e in load(jmh_path):
        n = int(e["params"]["sockets"])
        rows.setdefault(n, {})[short(e["benchmark"])] = row_stats(e)
    pending = dump_status != "available"
    print("| sockets | per-socket syscalls (FFM): median µs/op | ns per socket | sock_diag dump: median µs/op "
          "| `ss -tin 'dport = :P'`: median µs/op | spawn `true` from the same JVM: median µs/op "
          "| ss minus spawn | ss / per-socket |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted(rows):
        r = rows[n]
        per = r.get("perSocketSyscalls")
        dump = r.get("sockDiagDump")
        ss = r.get("ssCommand")
        spawn = r.get("spawnBaseline")
        per_s = fmt(per["median"]) if per else "n/a"
        per_sock = fmt(per["median"] * 1000 / n) if per else "n/a"
        if dump:
            dump_s = fmt(dump["median"])
        else:
            dump_s = "pending: sock_diag dump not merged yet" if pending else "n/a (failed)"
        ss_s = fmt(ss["median"]) if ss else "n/a"
        spawn_s = fmt(spawn["median"]) if spawn else "n/a"
        diff = fmt(ss["median"] - spawn["median"]) if ss and spawn else "n/a"
        ratio = f"{ss['median'] / per['median']:.1f}" if ss and per else "n/a"
        print(f"| {n:,} | {per_s} | {per_sock} | {dump_s} | {ss_s} | {spawn_s} | {diff} | {ratio} |")
    print()
    big = rows.get(10000, {})
    if "sockDiagDump" in big and "perSocketSyscalls" in big:
        d = big["sockDiagDump"]["median"]
        sp = big["perSocketSyscalls"]["median"] / d
        print(f"goal dump >= 5x faster than per-socket at 10,000: {'MET' if sp >= 5 else 'NOT MET'} ({sp:.1f}x)")
        if "ssCommand" in big:
            ss = big["ssCommand"]["median"]
            print(f"goal dump faster than ss at 10,000: {'MET' if d < ss else 'NOT MET'} ({ss / d:.1f}x)")
    elif pending:
        print("goals for the dump (>= 5x per-socket at 10,000, faster than ss): PENDING, sock_diag dump not merged yet")
    else:
        print("goals for the dump: not evaluated (needs both the dump and per-socket results at 10,000 sockets)")


def kist_cpu_lines(log_path):
    """The [kist-cpu] lines KistRunBench prints: {(channels, facts): {key: value}}."""
    out = {}
    with open(log_path) as f:
        for line in f:
            if line.startswith("[kist-cpu] "):
                kv = dict(x.split("=", 1) for x in line.split()[1:])
                out[(int(kv["channels"]), kv["facts"])] = kv
    return out


def kist_interleaved(path):
    """The [kist-interleaved] lines of RefreshInterleaved as a table."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("[kist-interleaved] "):
                rows.append(dict(x.split("=", 1) for x in line.split()[1:]))
    if not rows:
        return
    print("### Refresh alone, paired within each cycle (RefreshInterleaved: every socket pending)")
    print()
    print("| peers | sockets | per-socket syscalls: median µs | sock_diag dump: median µs "
          "| dump / syscalls (wall, paired) | dump / syscalls (CPU, paired) | load |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['peers']} | {int(r['sockets']):,} | {fmt(float(r['per_socket_us']))} | {fmt(float(r['dump_us']))} "
              f"| {float(r['dump_over_per_socket_wall']):.2f} | {float(r['dump_over_per_socket_cpu']):.2f} | {r['load']} |")
    print()
    wins = [r for r in rows if float(r["dump_over_per_socket_wall"]) < 1]
    if wins:
        print("dump faster (paired) at: " + ", ".join(f"{int(r['sockets']):,} ({r['peers']})" for r in wins))
    else:
        print("dump faster (paired): at no measured size")
    print()


def kist(run_path, log_path, refresh_path, partial_path=None, interleaved_path=None):
    cpu = kist_cpu_lines(log_path)
    rows = {}
    for e in load(run_path):
        rows[(int(e["params"]["channels"]), e["params"]["facts"])] = row_stats(e)
    cells_per_channel = 4  # KistRig: 2 streams x 2 cells
    print("### One run in steady state (KistRunBench: refill + refresh + loop + outbuf writes to a sink)")
    print()
    print("| channels | kernel facts | wall: median µs/run | CPU: median µs/run | CPU / wall | ns per cell (wall) "
          "| allocated B/run (thread counter) | JMH gc.alloc.rate.norm B/op |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    order = {"fake": 0, "syscalls": 1, "dump": 2}
    for (n, facts) in sorted(rows, key=lambda k: (k[0], order.get(k[1], 9))):
        r = rows[(n, facts)]
        c = cpu.get((n, facts), {})
        cpu_us = float(c["cpu_us_per_run"]) if c else None
        ratio = float(c["cpu_over_wall"]) if c else None
        alloc = float(c["alloc_bytes_per_run"]) if c else None
        print(f"| {n:,} | {facts} | {fmt(r['median'])} | {fmt(cpu_us)} | {fmt(ratio, 2)} "
              f"| {fmt(r['median'] * 1000 / (n * cells_per_channel))} | {fmt(alloc, 2)} | {fmt(r['alloc'], 1)} |")
    print()
    for n in sorted({k[0] for k in rows}):
        fake = rows.get((n, "fake"))
        parts = []
        for facts in ("syscalls", "dump"):
            r = rows.get((n, facts))
            if fake and r:
                parts.append(f"refresh by {facts} ≈ {fmt(r['median'] - fake['median'])} µs "
                             f"({fmt((r['median'] - fake['median']) * 1000 / n, 0)} ns per channel)")
        if parts:
            print(f"* {n:,} channels: " + "; ".join(parts) + " (run minus the fake-facts run)")
    print()
    big = [(facts, cpu.get((10000, facts))) for facts in ("syscalls", "dump")]
    big = [(f, float(c["cpu_us_per_run"])) for f, c in big if c]
    if big:
        best_facts, best = min(big, key=lambda x: x[1])
        verdict = "MET" if best <= 10_000 else "NOT MET"
        print(f"goal 10,000 channels refreshed and scheduled in <= 10 ms CPU per run: {verdict} "
              f"(best: {best_facts}, {best / 1000:.1f} ms CPU per run)")
    if cpu:
        # Per cell: what the largest run allocates, divided over its cells. Per run: any at all.
        largest = max(k[0] for k in cpu)
        at_largest = {k[1]: float(c["alloc_bytes_per_run"]) for k, c in cpu.items() if k[0] == largest}
        worst_facts = max(at_largest, key=at_largest.get)
        per_cell = at_largest[worst_facts] / (largest * cells_per_channel)
        print(f"goal no allocation per cell in steady state: {'MET' if per_cell < 0.01 else 'NOT MET'} "
              f"(at {largest:,} channels, worst {worst_facts}: {at_largest[worst_facts]:.1f} B per run = "
              f"{per_cell:.5f} B per cell)")
        per_run = sorted((k, float(c["alloc_bytes_per_run"])) for k, c in cpu.items()
                         if float(c["alloc_bytes_per_run"]) > 0)
        if per_run:
            print("allocation per run (thread counter, median): "
                  + ", ".join(f"{f} at {n:,} channels {b:.0f} B" for (n, f), b in per_run) + "; none elsewhere")
        else:
            print("allocation per run (thread counter, median): none")
    print()
    for path, title in ((refresh_path, "Refresh alone, every attached socket pending"),
                        (partial_path, "Refresh alone, some of the attached sockets pending")):
        if not path:
            continue
        ref = {}
        for e in load(path):
            p = e["params"]
            fleet = int(p["fleet"])
            n = fleet if p["pending"] == "all" else int(p["pending"])
            ref.setdefault((p.get("peers", "?"), fleet, n), {})[short(e["benchmark"])] = row_stats(e)
        print(f"### {title} (KistRefreshBench)")
        print()
        print("| peers | attached sockets | pending | per-socket syscalls: median µs | ns per pending socket "
              "| sock_diag dump: median µs | ns per pending socket | dump / syscalls |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        crossover = {}
        for key in sorted(ref, key=lambda k: (k[0] != "half-closed", k[1], k[2])):
            peers, fleet, n = key
            per = ref[key].get("perSocket")
            dump = ref[key].get("dump")
            ratio = dump["median"] / per["median"] if per and dump else None
            if ratio is not None and ratio < 1:
                crossover.setdefault(peers, n)
            print(f"| {peers} | {fleet:,} | {n:,} | {fmt(per['median']) if per else 'n/a'} "
                  f"| {fmt(per['median'] * 1000 / n, 0) if per else 'n/a'} | {fmt(dump['median']) if dump else 'n/a'} "
                  f"| {fmt(dump['median'] * 1000 / n, 0) if dump else 'n/a'} | {fmt(ratio, 2)} |")
        print()
        for peers in sorted({k[0] for k in ref}):
            if peers in crossover:
                print(f"peers {peers}: dump faster than per-socket syscalls from {crossover[peers]:,} pending sockets on")
            else:
                print(f"peers {peers}: dump faster than per-socket syscalls at no measured size")
        print()
    if interleaved_path:
        kist_interleaved(interleaved_path)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    mode = argv[1]
    if mode == "onesocket":
        rest = argv[2:]
        inter = None
        if rest and rest[0] == "--interleaved":
            inter, rest = rest[1], rest[2:]
        onesocket(rest, inter)
    elif mode == "clocks":
        clocks(argv[2], argv[3:])
    elif mode == "nsockets":
        nsockets(argv[2], argv[3] if len(argv) > 3 else "pending")
    elif mode == "kist":
        if len(argv) < 5:
            print(__doc__, file=sys.stderr)
            return 2
        kist(argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else None, argv[6] if len(argv) > 6 else None)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
