#!/usr/bin/env python3
"""Create and fill the benchmark tables on a DynamoDB endpoint (eddy or dynalite).

Standard library only. Signatures are dummies: eddy does not check SigV4 unless told to, and
dynalite only wants the headers to be present.

  preload.py ENDPOINT [--items N] [--partitions P] [--per-partition K]

Tables (the wrk scripts rely on these names and shapes):
  bench   pk (S) hash key; items "id-000000" .. "id-{N-1}", ~400 bytes each (as put.lua writes)
  benchq  pk (S) hash + sk (N) range; partitions "p0" .. "p{P-1}", K items each, ~330 bytes
"""
import argparse
import http.client
import json
import sys
import time
import urllib.parse

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Date": "20200101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=x/20200101/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=0",
}


class Client:
    def __init__(self, endpoint):
        u = urllib.parse.urlparse(endpoint)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def call(self, op, body):
        data = json.dumps(body).encode()
        headers = dict(HEADERS, **{"X-Amz-Target": "DynamoDB_20120810." + op})
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request("POST", "/", body=data, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode()
                return resp.status, (json.loads(text) if text else {})
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def ok(self, op, body):
        status, out = self.call(op, body)
        if status != 200:
            sys.exit(f"preload: {op} -> HTTP {status}: {json.dumps(out)[:500]}")
        return out


def note(i):
    # The same shape as put.lua's items (and bench_engine's): ~400 bytes.
    return {"pk": {"S": "id-%06d" % i}, "title": {"S": "A note about benchmarks"},
            "content": {"S": "w" * 340}, "wordCount": {"N": "57"}}


def event(p, s):
    return {"pk": {"S": "p%d" % p}, "sk": {"N": str(s)}, "payload": {"S": "p" * 300}}


def create(c, name, keys):
    status, out = c.call("DescribeTable", {"TableName": name})
    if status != 200:
        attrs = [{"AttributeName": n, "AttributeType": t} for n, t, _ in keys]
        schema = [{"AttributeName": n, "KeyType": k} for n, _, k in keys]
        c.ok("CreateTable", {"TableName": name, "AttributeDefinitions": attrs,
                             "KeySchema": schema, "BillingMode": "PAY_PER_REQUEST"})
    deadline = time.time() + 60
    while time.time() < deadline:  # dynalite answers CREATING for a while
        if c.ok("DescribeTable", {"TableName": name})["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    sys.exit(f"preload: table {name} not ACTIVE after 60 s")


def batch_write(c, table, items):
    for start in range(0, len(items), 25):
        pending = {table: [{"PutRequest": {"Item": it}} for it in items[start:start + 25]]}
        for _ in range(100):
            out = c.ok("BatchWriteItem", {"RequestItems": pending})
            pending = out.get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(0.05)
        else:
            sys.exit("preload: BatchWriteItem kept returning UnprocessedItems")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("endpoint")
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--partitions", type=int, default=100)
    ap.add_argument("--per-partition", type=int, default=20)
    a = ap.parse_args()
    c = Client(a.endpoint)
    create(c, "bench", [("pk", "S", "HASH")])
    create(c, "benchq", [("pk", "S", "HASH"), ("sk", "N", "RANGE")])
    batch_write(c, "bench", [note(i) for i in range(a.items)])
    batch_write(c, "benchq", [event(p, s) for p in range(a.partitions)
                              for s in range(a.per_partition)])
    # Sanity: one read of each kind answers what the wrk scripts expect.
    got = c.ok("GetItem", {"TableName": "bench", "Key": {"pk": {"S": "id-%06d" % (a.items - 1)}}})
    if "Item" not in got:
        sys.exit("preload: GetItem found no item after the preload")
    q = c.ok("Query", {"TableName": "benchq", "KeyConditionExpression": "pk = :p",
                       "ExpressionAttributeValues": {":p": {"S": "p%d" % (a.partitions - 1)}},
                       "Limit": 20})
    if q.get("Count") != min(20, a.per_partition):
        sys.exit(f"preload: Query returned {q.get('Count')} items")


if __name__ == "__main__":
    main()
