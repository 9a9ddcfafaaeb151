#!/usr/bin/env python3
"""DynamoDB Streams benchmark: GetRecords throughput over a stream of N records (default 1M), and
the latency from PutItem acknowledged to the record readable through GetRecords.

    python3 bench/streams/run.py [--eddy build/eddy] [--records 1000000]

Starts `eddy serve` (sync durability, a data dir in a temp folder) on a free loopback port,
talks to it over one keep-alive HTTP connection per client with the standard library only, and
prints a markdown report. Each figure comes with a baseline measured in the same run, on the
same server and connection, because these machines are noisy:

- GetRecords records/s (Limit 1000) against Scan items/s over the same items (1 MB pages):
  both read the same data through the same HTTP and JSON path.
- PutItem-acknowledged -> record-readable latency (a consumer polls GetRecords with
  NextShardIterator, as a Lambda poller would) against PutItem-acknowledged -> GetItem-visible
  latency (the same loop reading the table instead of the stream).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Client:
    """One keep-alive connection speaking AWS JSON 1.0 (signatures are not checked by default)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, target, body):
        payload = json.dumps(body).encode()
        self.conn.request("POST", "/", payload, {
            "X-Amz-Target": target,
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=x/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        })
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target} -> {response.status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    def db(self, operation, body):
        return self.call("DynamoDB_20120810." + operation, body)

    def streams(self, operation, body):
        return self.call("DynamoDBStreams_20120810." + operation, body)


def start(eddy, data_dir):
    proc = subprocess.Popen([eddy, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--no-stack"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        match = re.search(r"endpoint: http://127\.0\.0\.1:(\d+)", line)
        if match:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc, int(match.group(1))
    raise RuntimeError("eddy serve did not start")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eddy", default=str(REPO / "build" / "eddy"))
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--latency-samples", type=int, default=1000)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="eddy-streams-bench-")
    eddy = os.path.join(tmp, "eddy")
    shutil.copy(args.eddy, eddy)
    proc, port = start(eddy, os.path.join(tmp, "data"))
    try:
        c = Client(port)
        arn = c.db("CreateTable", {
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        })["TableDescription"]["LatestStreamArn"]

        # Load: N items of ~100 bytes through BatchWriteItem (one record each).
        started = time.perf_counter()
        pad = "x" * 64
        for first in range(0, args.records, 25):
            c.db("BatchWriteItem", {"RequestItems": {"bench": [
                {"PutRequest": {"Item": {"id": {"S": f"item-{i:08d}"}, "pad": {"S": pad}}}}
                for i in range(first, min(first + 25, args.records))]}})
        load_seconds = time.perf_counter() - started

        shard = c.streams("DescribeStream", {"StreamArn": arn})["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = c.streams("GetShardIterator", {"StreamArn": arn, "ShardId": shard,
                                                  "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
        read = 0
        started = time.perf_counter()
        while read < args.records:
            page = c.streams("GetRecords", {"ShardIterator": iterator, "Limit": 1000})
            read += len(page["Records"])
            iterator = page["NextShardIterator"]
            if not page["Records"]:
                break
        records_seconds = time.perf_counter() - started
        assert read == args.records, f"read {read} records of {args.records}"

        scanned = 0
        started = time.perf_counter()
        start_key = None
        while True:
            body = {"TableName": "bench"}
            if start_key:
                body["ExclusiveStartKey"] = start_key
            page = c.db("Scan", body)
            scanned += page["Count"]
            start_key = page.get("LastEvaluatedKey")
            if not start_key:
                break
        scan_seconds = time.perf_counter() - started
        assert scanned == args.records, f"scanned {scanned} of {args.records}"

        # Latency: a writer and a polling reader on their own connections.
        writer, reader = Client(port), Client(port)
        latest = reader.streams("GetShardIterator", {"StreamArn": arn, "ShardId": shard,
                                                     "ShardIteratorType": "LATEST"})["ShardIterator"]
        stream_latency, table_latency = [], []
        for n in range(args.latency_samples):
            key = {"id": {"S": f"latency-{n:06d}"}}
            writer.db("PutItem", {"TableName": "bench", "Item": key})
            acknowledged = time.perf_counter()
            while True:
                page = reader.streams("GetRecords", {"ShardIterator": latest})
                latest = page["NextShardIterator"]
                if page["Records"]:
                    break
            stream_latency.append(time.perf_counter() - acknowledged)
            key = {"id": {"S": f"latency-get-{n:06d}"}}
            writer.db("PutItem", {"TableName": "bench", "Item": key})
            acknowledged = time.perf_counter()
            while "Item" not in reader.db("GetItem", {"TableName": "bench", "Key": key}):
                pass
            table_latency.append(time.perf_counter() - acknowledged)
            # Skip the GetItem test's own record in the stream.
            while True:
                page = reader.streams("GetRecords", {"ShardIterator": latest})
                latest = page["NextShardIterator"]
                if page["Records"]:
                    break

        us = lambda seconds: f"{seconds * 1e6:,.0f} µs"
        print(f"## DynamoDB Streams: `python3 bench/streams/run.py --records {args.records}`\n")
        print(f"{time.strftime('%Y-%m-%d')}; eddy serve --durability sync; one client connection "
              f"(Python http.client), on the same machine.\n")
        print(f"Loaded {args.records:,} items (one stream record each) with BatchWriteItem in "
              f"{load_seconds:.1f} s ({args.records / load_seconds:,.0f} items/s).\n")
        print("| read | items/s | ratio |")
        print("|---|---:|---:|")
        print(f"| Scan, 1 MB pages (baseline) | {scanned / scan_seconds:,.0f} | 1.00 |")
        print(f"| GetRecords, Limit 1000 | {read / records_seconds:,.0f} | "
              f"{(read / records_seconds) / (scanned / scan_seconds):.2f} |\n")
        print(f"| from PutItem acknowledged to ... ({args.latency_samples} samples) | p50 | p99 |")
        print("|---|---:|---:|")
        print(f"| ... the item readable by GetItem (baseline) | {us(statistics.median(table_latency))} | "
              f"{us(percentile(table_latency, 99))} |")
        print(f"| ... the record readable by GetRecords | {us(statistics.median(stream_latency))} | "
              f"{us(percentile(stream_latency, 99))} |")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
