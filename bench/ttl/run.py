#!/usr/bin/env python3
"""Foreground writes while Time to Live sweeps (issue 9: "without hurting foreground latency").

    python3 bench/ttl/run.py [--expired 100000] [--seconds 5] [--connections 8] [--rates 0,1000]

For each sweeper pace in --rates (--ttl-deletes-per-second; 0 is unlimited, 1000 the
default), starts `eddy serve` (sync durability, a temporary data dir, --ttl-interval 100ms),
loads a table `bench` with N expired items (BatchWriteItem), then runs wrk's PutItem load
(bench/http/put.lua: new ~400-byte items into `bench`) twice for the same time:

1. baseline: Time to Live off, nothing to sweep;
2. sweeping: Time to Live turned on just before; the sweeper deletes the expired items while
   wrk writes. The script reports how many were deleted during the run.

Ratios are against the baseline of the same run.
"""

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from eddy_bench import EddyServe, aws  # noqa: E402
from wrk_bench import run_wrk  # noqa: E402


def wrk(url, connections, seconds):
    return run_wrk(REPO / "bench" / "http" / "put.lua", url, connections, seconds,
                   script_args=[time.time_ns()])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expired", type=int, default=100000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--eddy", default=str(REPO / "build" / "eddy"))
    parser.add_argument("--rates", default="0,1000")
    args = parser.parse_args()
    print("## PutItem under load while Time to Live sweeps (%d connections, %d s each, %d expired "
          "items)\n" % (args.connections, args.seconds, args.expired))
    print("| --ttl-deletes-per-second | run | PutItem/s | p50 | p99 | p99.9 | ratio (PutItem/s) "
          "| p99 ratio | deleted/s |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for rate in [int(r) for r in args.rates.split(",")]:
        baseline, sweeping, deleted = measure(args, rate)
        for name, r, d in (("TTL off (baseline)", baseline, ""),
                           ("sweeping", sweeping, "%.0f" % (deleted / args.seconds))):
            print("| %s | %s | %.0f | %d µs | %d µs | %d µs | %.2f | %.2f | %s |" % (
                rate or "unlimited", name, r["rps"], r["p50_us"], r["p99_us"], r["p999_us"],
                r["rps"] / baseline["rps"], r["p99_us"] / baseline["p99_us"], d))


def measure(args, rate):
    server = EddyServe(args.eddy, ["--no-stack", "--ttl-interval", "100ms",
                                   "--ttl-deletes-per-second", str(rate)])
    try:
        url = server.url
        conn = server.conn()
        aws(conn, "CreateTable", {
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
        expires = str(int(time.time()) - 60)
        for start in range(0, args.expired, 25):
            aws(conn, "BatchWriteItem", {"RequestItems": {"bench": [
                {"PutRequest": {"Item": {"pk": {"S": "old-%07d" % i}, "expires": {"N": expires},
                                         "content": {"S": "x" * 300}}}}
                for i in range(start, min(start + 25, args.expired))]}})

        def item_count():
            return aws(conn, "DescribeTable", {"TableName": "bench"})["Table"]["ItemCount"]

        baseline = wrk(url, args.connections, args.seconds)
        before = item_count()
        aws(conn, "UpdateTimeToLive", {"TableName": "bench", "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "expires"}})
        sweeping = wrk(url, args.connections, args.seconds)
        deleted = before + sweeping["requests"] - item_count()
        return baseline, sweeping, deleted
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
