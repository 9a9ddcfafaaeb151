#!/usr/bin/env python3
"""Format run.sh's results (TSV: server op conns rps p50_us p99_us rss_kb errors requests)
as markdown."""
import argparse
import datetime
import os
import platform
import subprocess

OP_NAMES = {"put": "PutItem", "get": "GetItem", "update": "UpdateItem", "query": "Query"}
SERVER_NAMES = {"nginx": "HTTP floor (nginx)", "dynalite": "dynalite (disk)", "eddy": "eddy (sync)"}
# Targets at 64 connections (issue 4): ratio of eddy's req/s to the HTTP floor.
FLOOR_TARGETS = {"put": 0.70, "get": 0.80}


def first_line(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return ((p.stdout or "") + (p.stderr or "")).strip().splitlines()[0]
    except Exception:
        return "?"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    debian = "?"
    try:
        debian = "Debian " + open("/etc/debian_version").read().strip()
    except OSError:
        pass
    return f"{os.cpu_count()} vCPU {cpu}, {debian}, Linux {platform.release()}"


def lat(us):
    us = int(us)
    return f"{us} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def mb(kb):
    return f"{int(kb) / 1024:.0f} MB"


def rate(r):
    return f"{float(r):,.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv")
    ap.add_argument("--command", default="bench/http/run.sh")
    ap.add_argument("--seconds", default="?")
    ap.add_argument("--eddy-version", default="")
    ap.add_argument("--dynalite-version", default="")
    ap.add_argument("--loadavg", default="")
    ap.add_argument("--items", default="?")
    ap.add_argument("--partitions", default="?")
    ap.add_argument("--per-partition", default="?")
    a = ap.parse_args()

    rows = {}
    order_ops, order_conns = [], []
    for line in open(a.tsv):
        server, op, conns, rps, p50, p99, rss, errs, reqs = line.rstrip("\n").split("\t")
        conns = int(conns)
        rows[(server, op, conns)] = dict(rps=float(rps), p50=int(p50), p99=int(p99),
                                         rss=int(rss), errs=int(errs), reqs=int(reqs))
        if server != "nginx" and op not in order_ops:
            order_ops.append(op)
        if conns not in order_conns:
            order_conns.append(conns)
    floor_ops = [op for (s, op, _) in rows if s == "nginx"]
    if not order_ops:
        order_ops = list(dict.fromkeys(floor_ops))

    def floor(op, c):
        """The floor measured with this op's script, else with the first script measured."""
        for fop in [op] + floor_ops:
            r = rows.get(("nginx", fop, c))
            if r:
                return fop, r
        return None, None

    out = []
    w = out.append
    w(f"## HTTP load test: eddy, dynalite and the HTTP floor\n")
    w(f"`{a.command}` on {datetime.date.today().isoformat()}; {machine()}"
      + (f"; load average before the run {a.loadavg}" if a.loadavg else "") + ".  ")
    wrk_version = first_line(["wrk", "-v"]).split(" Copyright")[0]
    w(f"{wrk_version}, {a.seconds} s per cell, 2 threads (1 for 1 connection), "
      f"on the same machine as the server; {first_line(['nginx', '-v'])}; "
      f"node {first_line(['node', '--version'])}, dynalite {a.dynalite_version or '?'} "
      f"(LevelDB on disk); {a.eddy_version or 'eddy'} (`--durability sync`).  ")
    w(f"Preloaded: {a.items} items of ~400 bytes (GetItem, UpdateItem), {a.partitions} partitions "
      f"of {a.per_partition} items (Query, `Limit 20`); PutItem writes new ~400-byte items.  ")
    if floor_ops:
        w("× floor: req/s divided by nginx's fixed `200 {}` at the same connection count "
          "(measured with the " + ", ".join(f"`{o}.lua`" for o in dict.fromkeys(floor_ops))
          + " requests). RSS: the server's, after the cell.\n")
    else:
        w("RSS: the server's, after the cell.\n")

    w("| op | conns | server | req/s | × floor | p50 | p99 | RSS |")
    w("|---|---:|---|---:|---:|---:|---:|---:|")
    for op in order_ops:
        for c in order_conns:
            fop, fr = floor(op, c)
            for server in ["nginx", "dynalite", "eddy"]:
                r = fr if server == "nginx" else rows.get((server, op, c))
                if not r:
                    continue
                name = SERVER_NAMES[server]
                if server == "nginx" and fop != op:
                    name = f"HTTP floor (nginx, {fop}.lua)"
                ratio = f"{r['rps'] / fr['rps']:.2f}" if fr else "–"
                rps = rate(r["rps"]) if not r["errs"] else f"FAILED ({r['errs']} errors)"
                w(f"| {OP_NAMES.get(op, op)} | {c} | {name} | {rps} | {ratio} | {lat(r['p50'])} "
                  f"| {lat(r['p99'])} | {mb(r['rss'])} |")

    pairs = [(op, c) for op in order_ops for c in order_conns
             if ("eddy", op, c) in rows and ("dynalite", op, c) in rows]
    if pairs:
        w("\n### eddy compared with dynalite\n")
        w("| op | conns | req/s eddy ÷ dynalite | p99 eddy / dynalite | RSS eddy / dynalite |")
        w("|---|---:|---:|---:|---:|")
        for op, c in pairs:
            e, d = rows[("eddy", op, c)], rows[("dynalite", op, c)]
            w(f"| {OP_NAMES.get(op, op)} | {c} | {e['rps'] / d['rps']:.1f}× "
              f"| {lat(e['p99'])} / {lat(d['p99'])} | {mb(e['rss'])} / {mb(d['rss'])} |")

    c = 64
    checks = []
    for op, target in FLOOR_TARGETS.items():
        e = rows.get(("eddy", op, c))
        _, fr = floor(op, c)
        if e and fr:
            got = e["rps"] / fr["rps"]
            checks.append((f"{OP_NAMES[op]} ≥ {target:.0%} of the HTTP floor", f"{got:.0%}",
                           got >= target and not e["errs"]))
    for op in order_ops:
        e, d = rows.get(("eddy", op, c)), rows.get(("dynalite", op, c))
        if e and d:
            checks.append((f"{OP_NAMES.get(op, op)} p99 below dynalite's",
                           f"{lat(e['p99'])} vs {lat(d['p99'])}", e["p99"] < d["p99"]))
            checks.append((f"{OP_NAMES.get(op, op)} RSS below dynalite's",
                           f"{mb(e['rss'])} vs {mb(d['rss'])}", e["rss"] < d["rss"]))
    if checks:
        w(f"\n### Targets at {c} connections (issue 4)\n")
        w("| target | measured | met |")
        w("|---|---:|:---:|")
        for what, got, ok in checks:
            w(f"| {what} | {got} | {'yes' if ok else '**no**'} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
