#!/usr/bin/env python3
"""Markdown tables from `sluice experiment kist --json` outputs.

    python3 bench/tools/kist_table.py bench/results/kist/default-r*.json

Prints one table per file (every run of that invocation) and, with several files, a table of
medians across files plus the goal ratios. Ratios are taken within each invocation first (KIST
against the vanilla and notsent-lowat runs of the same invocation), then their median is shown,
so load that changes between invocations does not enter a ratio.
"""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def row(r):
    lat = r["latency_ms"]
    return {
        "p50": lat["p50"], "p99": lat["p99"], "max": lat["max"], "msgs": lat["count"],
        "late": r["late_messages"], "goodput": r["goodput_mbps"],
        "ns50": r["notsent_bytes"].get("p50", 0) / 1024, "nsmax": r["notsent_bytes"].get("max", 0) / 1024,
        "tbf50": r["tbf_backlog_bytes"].get("p50", 0) / 1024, "tbf99": r["tbf_backlog_bytes"].get("p99", 0) / 1024,
        "cwnd50": r["cwnd_segments"].get("p50", 0), "cwndmax": r["cwnd_segments"].get("max", 0),
        "runs": r["scheduler_runs"], "ok": r["delivery"]["ok"],
    }


HEAD = ("| mode | p50 ms | p99 ms | max ms | msgs | goodput Mbit/s | notsent p50 KiB | notsent max KiB "
        "| tbf p50 KiB | tbf p99 KiB | cwnd p50 | cwnd max | sched runs | delivery |")
SEP = "|---|" + "---:|" * 13 + "---|"


def fmt(label, v):
    return (f"| {label} | {v['p50']:.1f} | {v['p99']:.1f} | {v['max']:.1f} | {v['msgs']:.0f}"
            f"{'+%d late' % v['late'] if v['late'] else ''} | {v['goodput']:.1f} | {v['ns50']:.1f} | {v['nsmax']:.1f} "
            f"| {v['tbf50']:.1f} | {v['tbf99']:.1f} | {v['cwnd50']:.0f} | {v['cwndmax']:.0f} | {v['runs']:.0f} "
            f"| {'ok' if v['ok'] else 'BROKEN'} |")


def main(paths):
    docs = [(p, load(p)) for p in paths]
    per_label = {}
    ratios = {}
    for p, d in docs:
        print(f"`{p}`: {d['bottleneck'].split('line=')[-1].rstrip(']')}, {d['config']['bulk_streams']} bulk, "
              f"cc {d['runs'][0]['congestion_control']}, wall {d['wall_time_s']:.0f} s\n")
        print(HEAD)
        print(SEP)
        for r in d["runs"]:
            v = row(r)
            per_label.setdefault(r["label"], []).append(v)
            print(fmt(r["label"], v))
        print()
        for v in d["verdicts"]:
            k = ratios.setdefault(v["kist"], {})
            if v["p99_vs_vanilla"] is not None:
                k.setdefault("p99/vanilla", []).append(v["p99_vs_vanilla"])
                k.setdefault("goodput/vanilla", []).append(v["goodput_vs_vanilla"])
            for lc in v["vs_notsent_lowat"]:
                k.setdefault("p99/" + lc["mode"], []).append(lc["p99_ratio"])
    if len(docs) > 1:
        print(f"Medians over {len(docs)} invocations (each column separately):\n")
        print(HEAD)
        print(SEP)
        for label, vs in per_label.items():
            med = {key: statistics.median(v[key] for v in vs) for key in vs[0] if key != "ok"}
            med["ok"] = all(v["ok"] for v in vs)
            print(fmt(label, med))
        print()
    if ratios:
        print("| KIST run | ratio | per invocation | median | goal | verdict |")
        print("|---|---|---|---:|---|---|")
        for kist, rs in ratios.items():
            for name, vals in rs.items():
                med = statistics.median(vals)
                if name == "p99/vanilla":
                    goal, ok = "<= 0.25", med <= 0.25
                elif name == "goodput/vanilla":
                    goal, ok = ">= 0.95", med >= 0.95
                else:
                    goal, ok = "< 1", med < 1
                print(f"| {kist} | {name} | {', '.join('%.2f' % x for x in vals)} | {med:.2f} | {goal} "
                      f"| {'met' if ok else 'NOT met'} |")


if __name__ == "__main__":
    main(sys.argv[1:])
