"""Runs wrk with one of bench/'s Lua scripts and reads the BENCH line that
bench/http/common.lua's done() prints (latencies in microseconds). Shared by the benchmark
scripts under bench/."""

import os
import subprocess


def run_wrk(script, url, connections, seconds, script_args=(), env=None):
    command = ["wrk", "-t%d" % min(2, connections), "-c%d" % connections, "-d%ds" % seconds,
               "--timeout", "30s", "-s", str(script), url]
    if script_args:
        command += ["--", *[str(a) for a in script_args]]
    run = subprocess.run(command, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if run.returncode != 0:
        raise RuntimeError("wrk failed (%d): %s %s" % (run.returncode, run.stdout, run.stderr))
    line = next(l for l in run.stdout.splitlines() if l.startswith("BENCH "))
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
