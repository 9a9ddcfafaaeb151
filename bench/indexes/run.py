#!/usr/bin/env python3
"""The cost of secondary indexes (issue 9's benchmark).

    python3 bench/indexes/run.py [--seconds 5] [--connections 8] [--gsis 0,1,5] [--repeat 3]
                                 [--groups 1000] [--query-connections 1]

Sections 1 and 2 run each measurement --repeat times, interleaved (0, 1, 5, 0, 1, 5, ...), and
report the medians: the machine is noisy, and interleaving spreads its drift over all of them.

1. Write throughput with 0, 1 and 5 global secondary indexes: for each count, `eddy serve`
   (sync durability, a fresh data dir) gets a table `bench` with that many GSIs (ALL
   projection, keyed on g0..g4, 1000 values each), and wrk runs bench/indexes/put.lua (new
   ~400-byte items). Ratios are against 0 GSIs, measured in the same run.
2. Query latency on a GSI against the same Query on the table: table `benchq` holds --groups
   groups of 20 items (~350 bytes each); a group is one partition of the table (pk = p<n>) and
   one partition of the GSI `by-group` (grp = g<n>, ALL projection), so both Queries return
   the same 20 items. wrk runs bench/indexes/query.lua with and without INDEX=1.
3. Foreground writes while a new GSI is backfilled ("without blocking the table"): for each
   pace in --backfill-rates (--backfill-items-per-second; 0 is unlimited, the default), a table
   `bench` with --backfill-items items gets put.lua's load twice for the same time: without an
   index change (baseline), then just after UpdateTable creates a GSI on g0 over those items.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from eddy_bench import EddyServe, aws  # noqa: E402
from wrk_bench import run_wrk  # noqa: E402


def gsi(name, attribute):
    return {"IndexName": name, "KeySchema": [{"AttributeName": attribute, "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}


def writes(args, count):
    server = EddyServe(args.eddy, ["--no-stack"])
    conn = server.conn()
    try:
        request = {"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}] + [
                       {"AttributeName": "g%d" % i, "AttributeType": "S"} for i in range(count)]}
        if count:
            request["GlobalSecondaryIndexes"] = [gsi("by-g%d" % i, "g%d" % i)
                                                 for i in range(count)]
        aws(conn, "CreateTable", request)
        result = run_wrk(HERE / "put.lua", server.url, args.connections, args.seconds,
                         script_args=[time.time_ns()])
        table = aws(conn, "DescribeTable", {"TableName": "bench"})["Table"]
        for index in table.get("GlobalSecondaryIndexes", []):
            # Every item written is in every index: the figure measured what it claims.
            assert index["ItemCount"] == table["ItemCount"], (index, table["ItemCount"])
        return result
    finally:
        server.stop()


def median(runs, key):
    values = sorted(r[key] for r in runs)
    return values[len(values) // 2]


def medians(runs):
    return {key: median(runs, key) for key in ("rps", "p50_us", "p99_us")}


def queries(args):
    server = EddyServe(args.eddy, ["--no-stack"])
    conn = server.conn()
    try:
        aws(conn, "CreateTable", {
            "TableName": "benchq", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "N"},
                                     {"AttributeName": "grp", "AttributeType": "S"}],
            "GlobalSecondaryIndexes": [gsi("by-group", "grp")]})
        items = [{"pk": {"S": "p%d" % g}, "sk": {"N": str(s)}, "grp": {"S": "g%d" % g},
                  "content": {"S": "x" * 320}} for g in range(args.groups) for s in range(20)]
        for start in range(0, len(items), 25):
            aws(conn, "BatchWriteItem", {"RequestItems": {"benchq": [
                {"PutRequest": {"Item": item}} for item in items[start:start + 25]]}})
        for index in (False, True):  # both answer the same 20 items
            body = {"TableName": "benchq", "KeyConditionExpression": "%s = :v" %
                    ("grp" if index else "pk"),
                    "ExpressionAttributeValues": {":v": {"S": "%s7" % ("g" if index else "p")}}}
            if index:
                body["IndexName"] = "by-group"
            assert aws(conn, "Query", body)["Count"] == 20
        runs = {"table": [], "GSI": []}
        for _ in range(args.repeat):
            for name, env in (("table", {}), ("GSI", {"INDEX": "1"})):
                runs[name].append(run_wrk(HERE / "query.lua", server.url, args.query_connections,
                                          args.seconds, script_args=[0, 0, args.groups], env=env))
        return {name: medians(r) for name, r in runs.items()}
    finally:
        server.stop()


def backfill(args, rate):
    server = EddyServe(args.eddy, ["--no-stack", "--backfill-items-per-second", str(rate)])
    conn = server.conn()
    try:
        aws(conn, "CreateTable", {
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
        for start in range(0, args.backfill_items, 25):
            aws(conn, "BatchWriteItem", {"RequestItems": {"bench": [
                {"PutRequest": {"Item": {"pk": {"S": "old-%07d" % i}, "g0": {"S": "v%d" % (i % 1000)},
                                         "content": {"S": "x" * 300}}}}
                for i in range(start, min(start + 25, args.backfill_items))]}})
        baseline = run_wrk(HERE / "put.lua", server.url, args.connections, args.seconds,
                           script_args=[time.time_ns()])
        aws(conn, "UpdateTable", {
            "TableName": "bench", "AttributeDefinitions": [{"AttributeName": "g0", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [{"Create": gsi("by-g0", "g0")}]})
        started = time.monotonic()
        took = []

        def watch():  # when the index turns ACTIVE, on a connection of its own
            conn = server.conn()
            while True:
                index = aws(conn, "DescribeTable", {"TableName": "bench"})["Table"][
                    "GlobalSecondaryIndexes"][0]
                if index["IndexStatus"] == "ACTIVE":
                    took.append(time.monotonic() - started)
                    return
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        during = run_wrk(HERE / "put.lua", server.url, args.connections, args.seconds,
                         script_args=[time.time_ns()])
        watcher.join()
        return baseline, during, took[0]
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--query-connections", type=int, default=1)
    parser.add_argument("--gsis", default="0,1,5")
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backfill-items", type=int, default=100000)
    parser.add_argument("--backfill-rates", default="0,20000")
    parser.add_argument("--eddy", default=str(REPO / "build" / "eddy"))
    args = parser.parse_args()

    print("## PutItem with global secondary indexes (%d connections, %d s each, sync, median "
          "of %d)\n" % (args.connections, args.seconds, args.repeat))
    print("| GSIs | PutItem/s | p50 | p99 | throughput ratio | p50 ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    counts = [int(c) for c in args.gsis.split(",")]
    runs = {count: [] for count in counts}
    for _ in range(args.repeat):
        for count in counts:
            runs[count].append(writes(args, count))
    baseline = medians(runs[counts[0]])
    for count in counts:
        r = medians(runs[count])
        print("| %d | %.0f | %d µs | %d µs | %.2f | %.2f |" % (
            count, r["rps"], r["p50_us"], r["p99_us"], r["rps"] / baseline["rps"],
            r["p50_us"] / baseline["p50_us"]))

    print("\n## Query of 20 items: on the table vs on a GSI (%d connection(s), %d s each, "
          "median of %d)\n" % (args.query_connections, args.seconds, args.repeat))
    print("| Query on | queries/s | p50 | p99 | p50 ratio | p99 ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    results = queries(args)
    for name in ("table", "GSI"):
        r = results[name]
        print("| %s | %.0f | %d µs | %d µs | %.2f | %.2f |" % (
            name, r["rps"], r["p50_us"], r["p99_us"], r["p50_us"] / results["table"]["p50_us"],
            r["p99_us"] / results["table"]["p99_us"]))

    print("\n## PutItem while a new GSI is backfilled over %d items (%d connections, %d s each)\n"
          % (args.backfill_items, args.connections, args.seconds))
    print("| --backfill-items-per-second | run | PutItem/s | p50 | p99 | throughput ratio "
          "| p99 ratio | backfill took |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for rate in [int(r) for r in args.backfill_rates.split(",")]:
        baseline, during, took = backfill(args, rate)
        for name, r, t in (("no index change (baseline)", baseline, ""),
                           ("backfilling", during, "%.1f s" % took)):
            print("| %s | %s | %.0f | %d µs | %d µs | %.2f | %.2f | %s |" % (
                rate or "unlimited", name, r["rps"], r["p50_us"], r["p99_us"],
                r["rps"] / baseline["rps"], r["p99_us"] / baseline["p99_us"], t))


if __name__ == "__main__":
    sys.exit(main())
