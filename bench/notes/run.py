#!/usr/bin/env python3
"""The notes stack under load (issue 7's benchmark).

    python3 bench/notes/run.py [--seconds 10] [--connections 64] [--rate 1000] [--notes 5000]

Starts `eddy serve` with its default (notes) stack, sync durability, on a free port, then:

1. Throughput: wrk with N connections for S seconds on POST /prod/notes (the seed's request:
   the gateway, the put-note function, a conditional PutItem; each note also triggers the
   word-count mapping's UpdateItem), against a baseline measured in the same run: PutItem of the
   same note straight into the DynamoDB API (bench/notes/put.lua).
2. Latency: notes posted at a fixed rate; for each, the time from its 201 to its wordCount being
   readable. A consumer thread reads the table's stream with GetRecords in a loop and notes
   when each note's MODIFY carrying wordCount appears; baseline in the same run: from the same
   201 to the note's INSERT record appearing to the same consumer (what the consumer itself
   adds).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from eddy_bench import EddyServe, aws  # noqa: E402


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def wrk(script, url, connections, seconds):
    run = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "30s",
                          "-s", str(script), url, "--", str(int(time.time()))],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError("wrk failed (%d): %s %s" % (run.returncode, run.stdout, run.stderr))
    out = run.stdout
    line = next(l for l in out.splitlines() if l.startswith("BENCH "))
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def throughput(server, args):
    c = server.conn()
    aws(c, "DynamoDB_20120810.CreateTable", {
        "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    base = wrk(HERE / "put.lua", server.url, args.connections, args.seconds)
    notes = wrk(HERE / "post.lua", server.url, args.connections, args.seconds)
    print("## Throughput, %d connections, %d s each\n" % (args.connections, args.seconds))
    print("| request | requests/s | p50 | p99 | errors | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in (("PutItem of the same note (baseline)", base), ("POST /prod/notes", notes)):
        print("| %s | %.0f | %.2f ms | %.2f ms | %d | %.2f |" % (
            name, r["rps"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["status_errors"],
            r["rps"] / base["rps"]))
    print()


def latency(server, args):
    c = server.conn()
    arn = aws(c, "DynamoDB_20120810.DescribeTable", {"TableName": "notes"})["Table"]["LatestStreamArn"]
    shards = aws(c, "DynamoDBStreams_20120810.DescribeStream", {"StreamArn": arn})["StreamDescription"]["Shards"]
    inserted, counted, acked = {}, {}, {}
    stop = threading.Event()

    def consume():
        sc = server.conn()
        it = aws(sc, "DynamoDBStreams_20120810.GetShardIterator", {
            "StreamArn": arn, "ShardId": shards[-1]["ShardId"], "ShardIteratorType": "LATEST"})["ShardIterator"]
        while not stop.is_set():
            page = aws(sc, "DynamoDBStreams_20120810.GetRecords", {"ShardIterator": it})
            now = time.perf_counter()
            for r in page["Records"]:
                image = r["dynamodb"].get("NewImage", {})
                note = image.get("id", {}).get("S")
                if r["eventName"] == "INSERT":
                    inserted.setdefault(note, now)
                elif "wordCount" in image:
                    counted.setdefault(note, now)
            it = page["NextShardIterator"]

    consumer = threading.Thread(target=consume)
    consumer.start()
    time.sleep(0.2)
    body = json.dumps({"title": "latency", "content": " ".join(["word"] * 57)})
    pc = server.conn()
    interval = 1.0 / args.rate
    start = time.perf_counter()
    for i in range(args.notes):
        target = start + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        pc.request("POST", "/prod/notes", body=body, headers={"Content-Type": "application/json"})
        r = pc.getresponse()
        payload = r.read()
        t = time.perf_counter()
        if r.status != 201:
            raise RuntimeError(payload)
        acked[json.loads(payload)["id"]] = t
    achieved = args.notes / (time.perf_counter() - start)
    deadline = time.time() + 30
    while len(counted) < len(acked) and time.time() < deadline:
        time.sleep(0.05)
    stop.set()
    consumer.join()
    to_count = [(counted[k] - t) * 1e3 for k, t in acked.items() if k in counted]
    to_insert = [max(0.0, inserted[k] - t) * 1e3 for k, t in acked.items() if k in inserted]
    print("## 201 -> wordCount readable, %d notes at %.0f notes/s (asked %d/s)\n" % (
        len(acked), achieved, args.rate))
    print("| from the 201 to ... | notes | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (("the INSERT record read by the consumer (baseline)", to_insert),
                         ("**the wordCount read by the consumer**", to_count)):
        print("| %s | %d | %.2f ms | %.2f ms | %.2f ms |" % (
            name, len(values), percentile(values, 0.5), percentile(values, 0.99), max(values)))
    if len(to_count) < len(acked):
        print("\n%d notes never got their wordCount within 30 s" % (len(acked) - len(to_count)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--eddy", default=os.environ.get("EDDY_BIN", str(REPO / "build" / "eddy")))
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--rate", type=int, default=1000)
    p.add_argument("--notes", type=int, default=5000)
    args = p.parse_args()
    data = Path(tempfile.mkdtemp(prefix="eddy-bench-notes-"))
    server = EddyServe(args.eddy, data_dir=data / "db")
    try:
        latency(server, args)  # first, on an empty table
        print()
        throughput(server, args)
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
