"""Time to Live with boto3: UpdateTimeToLive and DescribeTimeToLive with DynamoDB's states and
validation; the sweeper deleting exactly the expired items (a Number of epoch seconds in the
past, not more than five years back); REMOVE stream records carrying
userIdentity {type: Service, principalId: dynamodb.amazonaws.com}; a mapping filtered on
userIdentity that sees only Time to Live's deletes; kill -9 in the middle of a sweep.

Run with Debian's /usr/bin/python3 (python3-boto3).
"""

import json
import shutil
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

from eddy_server import EddyServer, error_of, stream_records, wait_until

INTERVAL = "200ms"

STACK = """
tables:
  sessions:
    partitionKey: {name: id, type: S}
    stream: NEW_AND_OLD_IMAGES
  deliveries:
    partitionKey: {name: id, type: S}
functions:
  recorder: {handler: builtin:test.record, environment: {RECORD_TABLE: deliveries}}
eventSources:
  # The filter of AWS's documentation for Time to Live's deletes.
  - function: recorder
    table: sessions
    startingPosition: TRIM_HORIZON
    filters:
      - {userIdentity: {type: [Service], principalId: [dynamodb.amazonaws.com]}}
"""


class TimeToLiveApi(unittest.TestCase):
    def setUp(self):
        self.server = EddyServer(extra_args=["--ttl-interval", "1s"]).start()
        self.ddb = self.server.client()
        self.ddb.create_table(TableName="ttl-table", BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])

    def tearDown(self):
        self.server.stop()

    def describe(self):
        return self.ddb.describe_time_to_live(TableName="ttl-table")["TimeToLiveDescription"]

    def test_states_and_validation(self):
        self.assertEqual(self.describe(), {"TimeToLiveStatus": "DISABLED"})
        answer = self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(answer["TimeToLiveSpecification"],
                         {"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(self.describe(),
                         {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"})
        wait_until(lambda: self.describe()["TimeToLiveStatus"] == "ENABLED", what="ENABLED")
        self.assertEqual(self.describe()["AttributeName"], "expires")

        self.assertEqual(error_of(lambda: self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})),
            ("ValidationException", "TimeToLive is already enabled"))
        self.assertEqual(error_of(lambda: self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": True, "AttributeName": "other"})),
            ("ValidationException",
             "TimeToLive is active on a different AttributeName: current value is expires"))
        self.assertEqual(error_of(lambda: self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": False, "AttributeName": "other"})),
            ("ValidationException",
             "TimeToLive is active on a different AttributeName: current value is expires"))

        self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})
        self.assertEqual(self.describe(),
                         {"TimeToLiveStatus": "DISABLING", "AttributeName": "expires"})
        wait_until(lambda: self.describe() == {"TimeToLiveStatus": "DISABLED"}, what="DISABLED")
        self.assertEqual(error_of(lambda: self.ddb.update_time_to_live(
            TableName="ttl-table", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})),
            ("ValidationException", "TimeToLive is already disabled"))

        self.assertEqual(error_of(lambda: self.ddb.describe_time_to_live(TableName="nope"))[0],
                         "ResourceNotFoundException")
        # What boto3 would refuse before sending, sent raw.
        status, _, body = self.server.raw_post("UpdateTimeToLive", b'{"TableName": "ttl-table"}')
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["message"],
                         "1 validation error detected: Value null at 'timeToLiveSpecification' "
                         "failed to satisfy constraint: Member must not be null")
        status, _, body = self.server.raw_post(
            "UpdateTimeToLive",
            b'{"TableName": "ttl-table", "TimeToLiveSpecification": {"AttributeName": ""}}')
        self.assertEqual(status, 400)
        self.assertIn("Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy "
                      "constraint: Member must have length greater than or equal to 1",
                      json.loads(body)["message"])
        self.assertIn("Value null at 'timeToLiveSpecification.enabled'",
                      json.loads(body)["message"])


class Expiry(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="eddy-ttl-"))
        (self.dir / "stack.yaml").write_text(STACK)
        self.server = EddyServer(stack=self.dir / "stack.yaml", data_dir=self.dir / "data",
                                 extra_args=["--ttl-interval", INTERVAL])
        self.server.start()
        self.ddb = self.server.client()
        self.streams = self.server.client(service="dynamodbstreams")

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ids(self):
        return {i["id"]["S"] for i in self.ddb.scan(TableName="sessions")["Items"]}

    def test_exactly_the_expired_items_go_with_service_records_and_a_filtered_mapping(self):
        now = int(time.time())
        items = {
            "past": {"N": str(now - 100)},
            "past-decimal": {"N": "%d.75" % (now - 10)},
            "future": {"N": str(now + 3600)},
            "a-string": {"S": str(now - 100)},
            "six-years-ago": {"N": str(now - 6 * 365 * 86400)},
            "in-milliseconds": {"N": str((now - 100) * 1000)},
        }
        for key, expires in items.items():
            self.ddb.put_item(TableName="sessions", Item={"id": {"S": key}, "expires": expires})
        self.ddb.put_item(TableName="sessions", Item={"id": {"S": "no-attribute"}})
        self.ddb.put_item(TableName="sessions",
                          Item={"id": {"S": "deleted-by-hand"}, "expires": {"N": str(now + 3600)}})
        self.ddb.delete_item(TableName="sessions", Key={"id": {"S": "deleted-by-hand"}})
        time.sleep(0.5)
        self.assertIn("past", self.ids(), "nothing expires while Time to Live is off")

        self.ddb.update_time_to_live(
            TableName="sessions",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        wait_until(lambda: not ({"past", "past-decimal"} & self.ids()), what="the expired items")
        time.sleep(0.6)  # more passes: nothing else goes
        self.assertEqual(self.ids(), {"future", "a-string", "six-years-ago", "in-milliseconds",
                                      "no-attribute"})

        removes = [r for r in stream_records(self.ddb, self.streams, "sessions")
                   if r["eventName"] == "REMOVE"]
        by_ttl = sorted(r["dynamodb"]["Keys"]["id"]["S"] for r in removes if "userIdentity" in r)
        self.assertEqual(by_ttl, ["past", "past-decimal"])
        for r in removes:
            if "userIdentity" in r:
                self.assertEqual(r["userIdentity"],
                                 {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
                self.assertIn("OldImage", r["dynamodb"])
        by_hand = [r for r in removes if "userIdentity" not in r]
        self.assertEqual([r["dynamodb"]["Keys"]["id"]["S"] for r in by_hand], ["deleted-by-hand"])

        def delivered():
            items = self.ddb.scan(TableName="deliveries")["Items"]
            return sorted((i["id"]["S"], i["eventName"]["S"]) for i in items)

        wait_until(lambda: len(delivered()) >= 2, what="the mapping's deliveries")
        time.sleep(0.3)
        self.assertEqual(delivered(), [("past#-", "REMOVE"), ("past-decimal#-", "REMOVE")])

        with urllib.request.urlopen(self.server.endpoint + "/metrics", timeout=10) as r:
            self.assertIn("\neddy_ttl_deleted_total 2\n", r.read().decode())

    def test_an_item_whose_expiry_moved_is_kept(self):
        now = int(time.time())
        self.ddb.update_time_to_live(
            TableName="sessions",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        self.ddb.put_item(TableName="sessions",
                          Item={"id": {"S": "renewed"}, "expires": {"N": str(now + 3600)}})
        self.ddb.put_item(TableName="sessions",
                          Item={"id": {"S": "lapsed"}, "expires": {"N": str(now - 1)}})
        wait_until(lambda: "lapsed" not in self.ids(), what="the lapsed item")
        self.assertIn("renewed", self.ids())


class KillNineDuringASweep(unittest.TestCase):
    EXPIRED = 10000
    LIVE = 300

    def test_after_a_crash_mid_sweep_every_expired_item_is_deleted_once(self):
        d = Path(tempfile.mkdtemp(prefix="eddy-ttl-kill-"))
        server = EddyServer(data_dir=d / "data", extra_args=["--ttl-interval", "100ms"])
        try:
            server.start()
            ddb = server.client()
            ddb.create_table(TableName="sessions", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             StreamSpecification={"StreamEnabled": True,
                                                  "StreamViewType": "KEYS_ONLY"})
            now = int(time.time())
            requests = [{"PutRequest": {"Item": {"id": {"S": "x%05d" % i},
                                                  "expires": {"N": str(now - 60)}}}}
                        for i in range(self.EXPIRED)]
            requests += [{"PutRequest": {"Item": {"id": {"S": "live%03d" % i},
                                                   "expires": {"N": str(now + 3600)}}}}
                         for i in range(self.LIVE)]
            for i in range(0, len(requests), 25):
                ddb.batch_write_item(RequestItems={"sessions": requests[i:i + 25]})
            total = self.EXPIRED + self.LIVE
            ddb.update_time_to_live(
                TableName="sessions",
                TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
            count = wait_until(
                lambda: (lambda c: c if c < total else None)(
                    ddb.describe_table(TableName="sessions")["Table"]["ItemCount"]),
                timeout=60, what="the sweep to begin")
            server.kill9()
            self.assertGreater(count, self.LIVE, "killed in the middle of the sweep")

            server.start()
            ddb = server.client()
            streams = server.client(service="dynamodbstreams")
            wait_until(lambda: ddb.scan(TableName="sessions", Select="COUNT")["Count"] == self.LIVE,
                       timeout=60, what="the rest of the sweep")
            left = {i["id"]["S"] for i in ddb.scan(TableName="sessions")["Items"]}
            self.assertEqual(left, {"live%03d" % i for i in range(self.LIVE)})
            removes = [r["dynamodb"]["Keys"]["id"]["S"]
                       for r in stream_records(ddb, streams, "sessions")
                       if r["eventName"] == "REMOVE" and "userIdentity" in r]
            self.assertEqual(len(removes), self.EXPIRED, "one REMOVE per expired item")
            self.assertEqual(set(removes), {"x%05d" % i for i in range(self.EXPIRED)})
        finally:
            server.stop()
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:])
