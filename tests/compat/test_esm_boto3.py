"""Event source mappings end to end, with boto3 against `eddy serve --stack FILE`.

The mapped function is the built-in test.record: it writes one item per delivered record to
a `deliveries` table (id "<key>#<v>", the record's sequence number, a batch stamp that grows
with each invocation, and a delivery count), and fails on records whose NewImage has `poison`.
So every semantic is checked from outside, through DynamoDB: what was delivered, how often,
in which order, and what went to the on-failure destination.

Run with Debian's python3 (python3-boto3): /usr/bin/python3 test_esm_boto3.py -v
"""

import json
import shutil
import tempfile
import threading
import time
import unittest
from pathlib import Path

from botocore.exceptions import ClientError

from eddy_server import EddyServer, wait_until

STACK = """
tables:
  orders:
    partitionKey: {{name: id, type: S}}
    stream: NEW_AND_OLD_IMAGES
  deliveries:
    partitionKey: {{name: id, type: S}}
functions:
  recorder:
    handler: builtin:test.record
    environment: {{RECORD_TABLE: deliveries{partial}}}
  failing: {{handler: builtin:test.fail}}
  windowed: {{handler: builtin:test.window, environment: {{RECORD_TABLE: deliveries}}}}
eventSources:
  - function: {function}
    table: orders
    startingPosition: TRIM_HORIZON
{settings}
"""


class MappingCase(unittest.TestCase):
    """A server with one mapping from `orders` to a function, declared in a stack file."""

    function = "recorder"
    settings = {}
    partial = False
    extra_args = ()

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="eddy-esm-"))
        self.failures = self.dir / "failures.jsonl"
        self.stack = self.dir / "stack.yaml"
        settings = dict(self.settings)
        settings.setdefault("onFailure", "file:" + str(self.failures))
        lines = "".join("    %s: %s\n" % (k, v) for k, v in settings.items())
        self.stack.write_text(STACK.format(
            function=self.function, settings=lines,
            partial=", PARTIAL: '1'" if self.partial else ""))
        self.server = EddyServer(extra_args=self.extra_args, stack=self.stack,
                                 data_dir=self.dir / "data")
        self.server.start()
        self.ddb = self.server.client()
        self.lam = self.server.client(service="lambda")
        self.streams = self.server.client(service="dynamodbstreams")

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------

    def put(self, key, v, poison=False):
        item = {"id": {"S": key}, "v": {"N": str(v)}}
        if poison:
            item["poison"] = {"BOOL": True}
        self.ddb.put_item(TableName="orders", Item=item)

    def put_batch(self, items):
        """One BatchWriteItem: (key, v, poison) tuples, committed together."""
        requests = []
        for key, v, poison in items:
            item = {"id": {"S": key}, "v": {"N": str(v)}}
            if poison:
                item["poison"] = {"BOOL": True}
            requests.append({"PutRequest": {"Item": item}})
        self.ddb.batch_write_item(RequestItems={"orders": requests})

    def deliveries(self):
        items, start = [], None
        while True:
            kwargs = {"TableName": "deliveries"}
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = self.ddb.scan(**kwargs)
            items += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        return {i["id"]["S"]: i for i in items}

    def failure_records(self):
        if not self.failures.exists():
            return []
        return [json.loads(line) for line in self.failures.read_text().splitlines() if line]

    def sequence_of(self, key, v):
        """The stream sequence number of the record that wrote (key, v)."""
        arn = self.ddb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in shards:
            it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                 ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while it:
                page = self.streams.get_records(ShardIterator=it)
                for r in page["Records"]:
                    image = r["dynamodb"].get("NewImage", {})
                    if image.get("id", {}).get("S") == key and image.get("v", {}).get("N") == str(v):
                        return r["dynamodb"]["SequenceNumber"]
                if not page["Records"]:
                    break
                it = page.get("NextShardIterator")
        raise AssertionError("no record for %s#%s" % (key, v))


class PoisonWithoutRetries(MappingCase):
    settings = {"retryAttempts": 0, "batchSize": 1}

    def test_one_failure_record_with_the_poisons_sequence_and_the_shard_goes_on(self):
        self.put("a", 1)
        wait_until(lambda: "a#1" in self.deliveries(), what="a#1")
        self.put("p", 1, poison=True)
        wait_until(self.failure_records, what="the on-failure record")
        self.put("b", 1)
        wait_until(lambda: "b#1" in self.deliveries(), what="b#1 after the poison")
        records = self.failure_records()
        self.assertEqual(len(records), 1)
        info = records[0]["DDBStreamBatchInfo"]
        poison = self.sequence_of("p", 1)
        self.assertEqual((info["startSequenceNumber"], info["endSequenceNumber"]), (poison, poison))
        self.assertEqual(info["batchSize"], 1)
        self.assertEqual(records[0]["requestContext"]["condition"], "RetryAttemptsExhausted")
        self.assertEqual(records[0]["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(records[0]["requestContext"]["functionArn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:recorder")
        self.assertEqual(records[0]["responseContext"]["functionError"], "Unhandled")
        self.assertEqual(records[0]["version"], "1.0")
        self.assertTrue(info["streamArn"].startswith("arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/"))
        self.assertNotIn("p#1", self.deliveries())


class Bisection(MappingCase):
    settings = {"retryAttempts": 0, "bisectBatchOnError": "true", "maxBatchingWindow": "1s"}

    def test_bisection_isolates_the_poison_and_delivers_the_rest(self):
        self.put_batch([("k%02d" % i, i, i == 13) for i in range(20)])
        wait_until(lambda: len(self.deliveries()) == 19, what="19 deliveries")
        wait_until(self.failure_records, what="the on-failure record")
        time.sleep(0.2)
        self.assertNotIn("k13#13", self.deliveries())
        records = self.failure_records()
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["DDBStreamBatchInfo"]["batchSize"], 1)
        self.assertEqual(records[0]["DDBStreamBatchInfo"]["startSequenceNumber"],
                         self.sequence_of("k13", 13))


class PartialBatchResponse(MappingCase):
    partial = True
    settings = {"retryAttempts": 1, "reportBatchItemFailures": "true", "maxBatchingWindow": "1s"}

    def test_redelivers_from_the_lowest_reported_failure(self):
        self.put_batch([("k%d" % i, i, i == 3) for i in range(1, 6)])
        wait_until(self.failure_records, what="the on-failure record")
        got = self.deliveries()
        counts = {k: int(v["deliveries"]["N"]) for k, v in got.items()}
        # k1, k2 succeeded once; k4, k5 came after the lowest failure: delivered again.
        self.assertEqual(counts, {"k1#1": 1, "k2#2": 1, "k4#4": 2, "k5#5": 2})
        info = self.failure_records()[0]["DDBStreamBatchInfo"]
        self.assertEqual(info["startSequenceNumber"], self.sequence_of("k3", 3))
        self.assertEqual(info["endSequenceNumber"], self.sequence_of("k5", 5))
        self.assertEqual(info["batchSize"], 3)


class RecordAge(MappingCase):
    function = "failing"
    extra_args = ("--test-min-record-age", "1s")
    settings = {"maxRecordAge": "1s"}

    def test_records_older_than_the_maximum_age_are_discarded(self):
        self.put("a", 1)
        records = wait_until(self.failure_records, what="the on-failure record")
        self.assertEqual(records[0]["requestContext"]["condition"], "RecordAgeExceeded")
        self.assertGreaterEqual(records[0]["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(records[0]["requestContext"]["functionArn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:failing")


class Filters(MappingCase):
    settings = {"filters": "[{eventName: [INSERT]}, {dynamodb: {NewImage: {v: {N: ['42']}}}}]"}

    def test_filtered_records_are_never_delivered(self):
        self.put("a", 1)       # INSERT: delivered
        self.put("a", 2)       # MODIFY: filtered out
        self.put("a", 42)      # MODIFY with v = 42: matches the second filter
        self.put("b", 1)       # INSERT
        wait_until(lambda: "b#1" in self.deliveries(), what="b#1")
        time.sleep(0.2)
        self.assertEqual(sorted(self.deliveries()), ["a#1", "a#42", "b#1"])
        metrics = self.server_metrics()
        self.assertIn('eddy_esm_records_filtered_total{', metrics)
        filtered = [l for l in metrics.splitlines() if l.startswith("eddy_esm_records_filtered_total{")]
        self.assertTrue(filtered[0].endswith(" 1"), filtered)

    def server_metrics(self):
        import urllib.request
        with urllib.request.urlopen(self.server.endpoint + "/metrics", timeout=5) as r:
            return r.read().decode()


class Parallelization(MappingCase):
    settings = {"parallelizationFactor": 10, "batchSize": 50}

    def test_each_items_records_arrive_in_order(self):
        keys, versions = 25, 20  # 25: BatchWriteItem's limit
        for v in range(versions):
            self.put_batch([("key%02d" % k, v, False) for k in range(keys)])
        wait_until(lambda: len(self.deliveries()) == keys * versions, timeout=60,
                   what="every delivery")
        got = self.deliveries()
        for k in range(keys):
            stamps = [int(got["key%02d#%d" % (k, v)]["batch"]["N"]) for v in range(versions)]
            self.assertEqual(stamps, sorted(stamps), "key%02d delivered out of order" % k)


class ControlPlaneLatest(MappingCase):
    """A mapping made with the Lambda API on a table with history, starting at LATEST."""

    function = "failing"  # the stack's own mapping; the test adds one for recorder
    settings = {"enabled": "false"}

    def test_latest_skips_history_and_the_mapping_is_managed_by_the_api(self):
        self.put("old", 1)
        arn = self.ddb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
        created = self.lam.create_event_source_mapping(
            FunctionName="recorder", EventSourceArn=arn, StartingPosition="LATEST", BatchSize=5)
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 202)
        uuid = created["UUID"]
        wait_until(lambda: self.lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled",
                   what="Enabled")
        self.put("new", 1)
        wait_until(lambda: "new#1" in self.deliveries(), what="new#1")
        time.sleep(0.2)
        self.assertNotIn("old#1", self.deliveries())
        got = self.lam.get_event_source_mapping(UUID=uuid)
        self.assertEqual(got["LastProcessingResult"], "OK")
        self.assertEqual(got["BatchSize"], 5)
        with self.assertRaises(ClientError) as e:
            self.lam.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn,
                                                 StartingPosition="LATEST")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceConflictException")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 409)
        with self.assertRaises(ClientError) as e:
            self.lam.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn,
                                                 StartingPosition="LATEST", BatchSize=20000)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        # The mapping survives a restart, with its position.
        self.server.stop()
        self.server.start()
        self.ddb = self.server.client()
        self.lam = self.server.client(service="lambda")
        self.assertEqual(self.lam.get_event_source_mapping(UUID=uuid)["UUID"], uuid)
        self.put("after", 1)
        wait_until(lambda: "after#1" in self.deliveries(), what="after#1")
        self.assertEqual(int(self.deliveries()["new#1"]["deliveries"]["N"]), 1)
        self.lam.delete_event_source_mapping(UUID=uuid)
        with self.assertRaises(ClientError) as e:
            wait_until(lambda: self.lam.get_event_source_mapping(UUID=uuid) and False, timeout=5)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")


class TumblingWindow(MappingCase):
    function = "windowed"
    settings = {"tumblingWindow": "1s", "batchSize": 3}

    def test_windows_aggregate_with_state_and_end_with_a_final_invocation(self):
        self.put_batch([("k%d" % i, i, False) for i in range(1, 11)])

        def windows():
            return {k: v for k, v in self.deliveries().items() if k.startswith("window#")}

        # The ten writes land in one window or two (they may straddle a second).
        got = wait_until(lambda: (w := windows()) and
                         sum(int(x["count"]["N"]) for x in w.values()) >= 10 and w,
                         what="the windows' final invocations")
        self.assertEqual(sum(int(x["count"]["N"]) for x in got.values()), 10)
        self.assertEqual(sum(int(x["sum"]["N"]) for x in got.values()), 55)
        for key, item in got.items():
            start = key.split("#", 1)[1]
            self.assertRegex(start, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertNotEqual(start, item["end"]["S"])
            self.assertFalse(item["terminatedEarly"]["BOOL"])


class BrokenStackFile(unittest.TestCase):
    def test_eddy_serve_refuses_it_naming_the_file_the_line_and_the_fix(self):
        import subprocess
        from eddy_server import eddy_bin
        with tempfile.TemporaryDirectory() as d:
            stack = Path(d) / "broken.yaml"
            stack.write_text("tables:\n  orders:\n    partitionKey: {name: id, type: S}\n"
                             "    strem: NEW_IMAGE\n")
            run = subprocess.run([eddy_bin(), "serve", "--listen", "127.0.0.1:0", "--in-memory",
                                  "--stack", str(stack)], capture_output=True, text=True,
                                 timeout=30)
        self.assertEqual(run.returncode, 2)
        self.assertIn("broken.yaml:4: unknown key 'strem' in table orders: did you mean 'stream'?",
                      run.stderr)


class KillNine(MappingCase):
    settings = {"batchSize": 20}

    def test_every_acknowledged_write_is_delivered_in_order_across_kill_9(self):
        acked = []
        stop = threading.Event()

        def writer(client, start, count):
            for i in range(start, start + count):
                if stop.is_set():
                    return
                try:
                    client.put_item(TableName="orders",
                                    Item={"id": {"S": "k%d" % (i % 7)}, "v": {"N": str(i)}})
                except Exception:
                    return  # the server died under us: this write was not acknowledged
                acked.append(i)

        thread = threading.Thread(target=writer, args=(self.server.client(), 0, 100000))
        thread.start()
        wait_until(lambda: len(acked) >= 300, what="300 acknowledged writes")
        self.server.kill9()
        stop.set()
        thread.join()
        first = list(acked)
        self.server.start()
        self.ddb = self.server.client()
        second = []
        for i in range(100000, 100200):
            self.ddb.put_item(TableName="orders",
                              Item={"id": {"S": "k%d" % (i % 7)}, "v": {"N": str(i)}})
            second.append(i)
        expected = {"k%d#%d" % (i % 7, i) for i in first + second}
        wait_until(lambda: expected <= set(self.deliveries()), timeout=60,
                   what="every acknowledged write delivered")
        got = self.deliveries()
        for k in range(7):
            versions = sorted(int(key.split("#")[1]) for key in got if key.startswith("k%d#" % k))
            stamps = [int(got["k%d#%d" % (k, v)]["batch"]["N"]) for v in versions]
            self.assertEqual(stamps, sorted(stamps), "k%d delivered out of order" % k)


if __name__ == "__main__":
    unittest.main()
