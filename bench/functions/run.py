#!/usr/bin/env python3
"""Warm invocation overhead and invocations/s of the three kinds of functions (issue 8's
benchmark), all answering each event with itself:

- built-in:  test.echo, a C++ handler inside eddy (the baseline);
- bootstrap: build/functions/echo/bootstrap, C++ on eddy::lambda::run, a Runtime API process;
- node:      bench/functions/node/index.mjs under AWS's aws-lambda-ric 4.0.2 (from
             tests/compat/node_modules), a Runtime API process.

    python3 bench/functions/run.py [--seconds 5] [--connections 1,8]

Starts `eddy serve --in-memory` with the three functions (reservedConcurrentExecutions = the
largest connection count, so every connection has a warm environment), warms each up, checks
that each answers with its event, then runs wrk on Lambda's Invoke API, one function at a time,
with each connection count: 1 connection gives the per-invocation latency (the overhead over
the built-in is the cost of the process hop), more give invocations/s. Ratios are against the
built-in measured in the same run.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from wrk_bench import run_wrk  # noqa: E402

RIC = REPO / "tests" / "compat" / "node_modules" / "aws-lambda-ric" / "index.mjs"


def start(binary, stack):
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--in-memory",
                             "--stack", str(stack)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = None
    for line in proc.stdout:
        m = re.search(r"endpoint: (http://\S+)", line)
        if m:
            url = m.group(1)
        if line.strip() == "ready":
            break
    if url is None:
        raise RuntimeError("eddy serve did not start")
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, url


def invoke(url, function, event):
    request = urllib.request.Request("%s/2015-03-31/functions/%s/invocations" % (url, function),
                                     data=json.dumps(event).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as r:
        return r.headers.get("X-Amz-Function-Error"), json.loads(r.read())


def wrk(url, function, connections, seconds):
    return run_wrk(HERE / "invoke.lua", url, connections, seconds, env={"FUNCTION": function})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", default="1,8")
    parser.add_argument("--eddy", default=str(REPO / "build" / "eddy"))
    parser.add_argument("--bootstrap", default=str(REPO / "build" / "functions" / "echo" / "bootstrap"))
    args = parser.parse_args()
    counts = [int(c) for c in args.connections.split(",")]
    reserved = max(counts)
    functions = [("built-in", "builtin-echo"), ("C++ bootstrap", "bootstrap-echo"),
                 ("Node, aws-lambda-ric", "node-echo")]
    with tempfile.TemporaryDirectory() as tmp:
        stack = Path(tmp) / "stack.yaml"
        bootstrap = Path(args.bootstrap).resolve()
        stack.write_text(
            "functions:\n"
            "  builtin-echo: {handler: builtin:test.echo, reservedConcurrentExecutions: %d}\n"
            "  bootstrap-echo: {handler: echo, code: %s, runtime: {command: [./bootstrap]}, "
            "reservedConcurrentExecutions: %d}\n"
            "  node-echo: {handler: index.echo, code: %s, runtime: {command: [node, %s]}, "
            "reservedConcurrentExecutions: %d}\n"
            % (reserved, bootstrap.parent, reserved, HERE / "node", RIC, reserved))
        proc, url = start(args.eddy, stack)
        try:
            for _, name in functions:
                event = {"check": name}
                error, answer = invoke(url, name, event)
                if error or answer != event:
                    raise RuntimeError("%s answered %s %s" % (name, error, answer))
                # Warm as many environments as connections will use.
                threads = [threading.Thread(target=invoke, args=(url, name, {"warm": i}))
                           for i in range(reserved)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            results = {}
            for connections in counts:
                for label, name in functions:
                    results[(connections, name)] = wrk(url, name, connections, args.seconds)
        finally:
            proc.terminate()
            proc.wait(30)

    print("## Warm invocations through Lambda's Invoke API (%d s each)\n" % args.seconds)
    print("| connections | function | invocations/s | p50 | p99 | vs built-in (inv/s) | "
          "p50 overhead over built-in |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for connections in counts:
        base = results[(connections, "builtin-echo")]
        for label, name in functions:
            r = results[(connections, name)]
            print("| %d | %s | %.0f | %d µs | %d µs | %.2f | %+d µs |" % (
                connections, label, r["rps"], r["p50_us"], r["p99_us"], r["rps"] / base["rps"],
                r["p50_us"] - base["p50_us"]))


if __name__ == "__main__":
    sys.exit(main())
