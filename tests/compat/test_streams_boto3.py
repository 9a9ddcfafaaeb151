"""DynamoDB Streams with Debian's boto3 `dynamodbstreams` client against `eddy serve`.

Run by ctest; by hand: EDDY_BIN=build/eddy /usr/bin/python3 tests/compat/test_streams_boto3.py -v
"""

import time
import unittest

import boto3
from botocore.exceptions import ClientError

from eddy_server import EddyServer


def S(value):
    return {"S": value}


class StreamsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = EddyServer(extra_args=["--test-iterator-lifetime", "2s"])
        cls.server.start()
        cls.db = cls.server.client()
        cls.streams = boto3.client(
            "dynamodbstreams",
            endpoint_url=cls.server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="dummy-secret",
            config=cls.server._config(),
        )

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def create(self, name, view_type):
        description = self.db.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
        )["TableDescription"]
        self.assertEqual(description["StreamSpecification"]["StreamViewType"], view_type)
        return description["LatestStreamArn"]

    def read_all(self, arn):
        """Every record of every shard, parents first, following NextShardIterator to the end."""
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        records = []
        for shard in shards:
            iterator = self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=2)
                records += page["Records"]
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        return records

    def test_each_view_type_and_event(self):
        expected_images = {
            "KEYS_ONLY": [set(), set(), set()],
            "NEW_IMAGE": [{"NewImage"}, {"NewImage"}, set()],
            "OLD_IMAGE": [set(), {"OldImage"}, {"OldImage"}],
            "NEW_AND_OLD_IMAGES": [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}],
        }
        for view_type, images in expected_images.items():
            table = "views-" + view_type.lower().replace("_", "-")
            arn = self.create(table, view_type)
            self.db.put_item(TableName=table, Item={"id": S("a"), "v": S("1")})
            self.db.put_item(TableName=table, Item={"id": S("a"), "v": S("1")})  # no change
            self.db.update_item(TableName=table, Key={"id": S("a")},
                                UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": S("2")})
            self.db.delete_item(TableName=table, Key={"id": S("a")})
            self.db.delete_item(TableName=table, Key={"id": S("a")})  # nothing to delete
            records = self.read_all(arn)
            self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "REMOVE"], view_type)
            for record, image_names in zip(records, images):
                present = {k for k in ("NewImage", "OldImage") if k in record["dynamodb"]}
                self.assertEqual(present, image_names, (view_type, record["eventName"]))
                self.assertEqual(record["dynamodb"]["Keys"], {"id": S("a")})
                self.assertEqual(record["dynamodb"]["StreamViewType"], view_type)
                self.assertEqual(record["eventSource"], "aws:dynamodb")
                self.assertEqual(record["eventVersion"], "1.1")
            # boto3 parses ApproximateCreationDateTime into a datetime.
            self.assertLess(abs(records[0]["dynamodb"]["ApproximateCreationDateTime"].timestamp() - time.time()), 60)

    def test_batches_and_transactions_give_one_record_per_changed_item(self):
        arn = self.create("batched", "NEW_IMAGE")
        self.db.batch_write_item(RequestItems={"batched": [
            {"PutRequest": {"Item": {"id": S(f"b{i}")}}} for i in range(5)]})
        self.db.transact_write_items(TransactItems=[
            {"Put": {"TableName": "batched", "Item": {"id": S("t1")}}},
            {"Delete": {"TableName": "batched", "Key": {"id": S("b0")}}},
            {"ConditionCheck": {"TableName": "batched", "Key": {"id": S("b1")},
                                "ConditionExpression": "attribute_exists(id)"}},
        ])
        records = self.read_all(arn)
        self.assertEqual(len(records), 7)
        self.assertEqual(sorted(r["eventName"] for r in records), ["INSERT"] * 6 + ["REMOVE"])
        sequence_numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        self.assertEqual(sequence_numbers, sorted(sequence_numbers))

    def test_list_describe_and_disable(self):
        arn = self.create("listed", "KEYS_ONLY")
        streams = self.streams.list_streams(TableName="listed")["Streams"]
        self.assertEqual([s["StreamArn"] for s in streams], [arn])
        self.assertTrue(arn.startswith("arn:aws:dynamodb:us-east-1:000000000000:table/listed/stream/"))
        description = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(description["StreamStatus"], "ENABLED")
        self.assertEqual(description["KeySchema"], [{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertIn("StartingSequenceNumber", description["Shards"][0]["SequenceNumberRange"])

        self.db.update_table(TableName="listed", StreamSpecification={"StreamEnabled": False})
        description = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(description["StreamStatus"], "DISABLED")
        self.assertIn("EndingSequenceNumber", description["Shards"][0]["SequenceNumberRange"])
        # Still listed after it is disabled.
        self.assertEqual([s["StreamArn"] for s in self.streams.list_streams(TableName="listed")["Streams"]], [arn])
        with self.assertRaises(ClientError) as error:
            self.db.update_table(TableName="listed", StreamSpecification={"StreamEnabled": False})
        self.assertEqual(error.exception.response["Error"]["Code"], "ValidationException")

    def test_errors(self):
        arn = self.create("errors", "NEW_IMAGE")
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

        def code(call, **kw):
            with self.assertRaises(ClientError) as error:
                call(**kw)
            return error.exception.response["Error"]["Code"], error.exception.response["ResponseMetadata"]["HTTPStatusCode"]

        self.assertEqual(code(self.streams.describe_stream,
                              StreamArn=arn.rsplit("/", 1)[0] + "/2000-01-01T00:00:00.000"),
                         ("ResourceNotFoundException", 400))
        self.assertEqual(code(self.streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                              ShardIteratorType="AT_SEQUENCE_NUMBER"), ("ValidationException", 400))
        self.assertEqual(code(self.streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                              ShardIteratorType="LATEST", SequenceNumber="100000000000000000001"),
                         ("ValidationException", 400))
        iterator = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                   ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        forged = iterator[:-6] + ("AAAAAA" if not iterator.endswith("AAAAAA") else "BBBBBB")
        self.assertEqual(code(self.streams.get_records, ShardIterator=forged), ("ValidationException", 400))
        # This server was started with --test-iterator-lifetime 2s.
        time.sleep(2.5)
        self.assertEqual(code(self.streams.get_records, ShardIterator=iterator), ("ExpiredIteratorException", 400))


class ShardLifecycleTest(unittest.TestCase):
    """Rollover and retention, shortened by eddy serve's flags."""

    def start(self, *args):
        server = EddyServer(extra_args=list(args))
        server.start()
        self.addCleanup(server.stop)
        streams = boto3.client("dynamodbstreams", endpoint_url=server.endpoint, region_name="us-east-1",
                               aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="dummy-secret",
                               config=server._config())
        return server.client(), streams

    def create(self, db, name):
        return db.create_table(
            TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]

    def test_a_consumer_following_lineage_across_rollovers_reads_every_record_once_in_order(self):
        db, streams = self.start("--shard-rollover", "1s", "--stream-shards", "2")
        arn = self.create(db, "rolling")
        written = {f"k{k}": [] for k in range(4)}
        deadline = time.monotonic() + 3.5  # at least two rollovers
        version = 0
        while time.monotonic() < deadline:
            version += 1
            for key in written:
                db.put_item(TableName="rolling", Item={"id": S(key), "v": {"N": str(version)}})
                written[key].append(str(version))
            time.sleep(0.05)
        shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.assertGreaterEqual(len(shards), 6, "two shards, rolled over at least twice")
        by_id = {s["ShardId"]: s for s in shards}
        for shard in shards:
            if "ParentShardId" in shard:
                self.assertIn(shard["ParentShardId"], by_id)
        # Read parents before children (ids sort by creation, so id order does that), each
        # shard to its end.
        seen = {key: [] for key in written}
        sequence_numbers = set()
        for shard in sorted(shards, key=lambda s: s["ShardId"]):
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            while iterator:
                page = streams.get_records(ShardIterator=iterator)
                for record in page["Records"]:
                    image = record["dynamodb"]["NewImage"]
                    seen[image["id"]["S"]].append(image["v"]["N"])
                    sequence_numbers.add(record["dynamodb"]["SequenceNumber"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        self.assertEqual(seen, written)  # every record once, each item's in write order
        self.assertEqual(len(sequence_numbers), sum(len(v) for v in written.values()))

        # DescribeStream pages through the shards; the last page has no LastEvaluatedShardId.
        paged, start = [], None
        while True:
            kw = {"StreamArn": arn, "Limit": 2}
            if start:
                kw["ExclusiveStartShardId"] = start
            page = streams.describe_stream(**kw)["StreamDescription"]
            paged += page["Shards"]
            start = page.get("LastEvaluatedShardId")
            if not start:
                break
        self.assertEqual([s["ShardId"] for s in paged], sorted(by_id))

    def test_list_streams_pages(self):
        db, streams = self.start()
        arns = [self.create(db, f"paged-{n}") for n in range(5)]
        paged, start = [], None
        while True:
            kw = {"Limit": 2}
            if start:
                kw["ExclusiveStartStreamArn"] = start
            page = streams.list_streams(**kw)
            paged += [s["StreamArn"] for s in page["Streams"]]
            start = page.get("LastEvaluatedStreamArn")
            if not start:
                break
        self.assertEqual(paged, arns)
        with self.assertRaises(ClientError) as error:
            streams.list_streams(Limit=101)
        self.assertEqual(error.exception.response["Error"]["Code"], "ValidationException")

    def test_records_past_retention_are_trimmed(self):
        db, streams = self.start("--stream-retention", "1s")
        arn = self.create(db, "trimmed")
        db.put_item(TableName="trimmed", Item={"id": S("old")})
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        first = streams.get_records(ShardIterator=streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"])["Records"]
        old_sequence = first[0]["dynamodb"]["SequenceNumber"]
        time.sleep(2.5)  # past retention, and the trimming pass (every 100 ms here) has run
        db.put_item(TableName="trimmed", Item={"id": S("new")})
        with self.assertRaises(ClientError) as error:
            streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                       ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=old_sequence)
        self.assertEqual(error.exception.response["Error"]["Code"], "TrimmedDataAccessException")
        records = streams.get_records(ShardIterator=streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"])["Records"]
        self.assertEqual([r["dynamodb"]["NewImage"]["id"]["S"] for r in records], ["new"])


if __name__ == "__main__":
    unittest.main()
