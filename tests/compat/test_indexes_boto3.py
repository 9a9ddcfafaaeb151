"""Secondary indexes with boto3: CreateTable with global and local indexes of every projection,
their descriptions, Query and Scan on them (projections, Select, paging, order, parallel scan,
ConsistentRead), sparse indexes, index key checks on every write operation, per-index consumed
capacity, UpdateTable creating an index over 100,000 items while writes go on, deleting one,
their errors, and kill -9 in the middle of a backfill.

Every index check compares the index with what the table's items say it must hold.

Run with Debian's /usr/bin/python3 (python3-boto3).
"""

import concurrent.futures
import shutil
import tempfile
import threading
import time
import unittest
from pathlib import Path

from eddy_server import EddyServer, error_of, wait_until

INVALID = "One or more parameter values were invalid: "


def scan_all(ddb, table, **kwargs):
    items, start = [], None
    while True:
        page = ddb.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}), **kwargs)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def key_of(item, names):
    return tuple(sorted((n, tuple(item[n].items())) for n in names))


def expected_index(table_items, index_key, table_key, projection, non_key=()):
    """What an index must hold for these table items: entry key -> projected item."""
    entries = {}
    for item in table_items:
        if any(name not in item for name in index_key):
            continue  # sparse
        if projection == "ALL":
            projected = item
        else:
            wanted = set(index_key) | set(table_key) | set(non_key)
            projected = {k: v for k, v in item.items() if k in wanted}
        entries[key_of(item, list(index_key) + list(table_key))] = projected
    return entries


def actual_index(ddb, table, index, index_key, table_key):
    entries = {}
    for item in scan_all(ddb, table, IndexName=index):
        k = key_of(item, list(index_key) + list(table_key))
        assert k not in entries, "an index entry appears twice"
        entries[k] = item
    return entries


def load(ddb_factory, table, items, threads=4):
    """Writes `items` with BatchWriteItem from several threads."""
    chunks = [items[i::threads] for i in range(threads)]

    def write(chunk):
        ddb = ddb_factory()
        for i in range(0, len(chunk), 25):
            requests = [{"PutRequest": {"Item": item}} for item in chunk[i:i + 25]]
            while requests:
                out = ddb.batch_write_item(RequestItems={table: requests})
                requests = out.get("UnprocessedItems", {}).get(table, [])

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, chunks))


def create_forum_table(ddb, name="threads"):
    """Table (forum S, subject S); GSI by-author (author S, posted N) INCLUDE [title];
    GSI by-tag (tag S) KEYS_ONLY; GSI everything (author S) ALL; LSI by-replies (forum,
    replies N) KEYS_ONLY; LSI by-posted (forum, posted N) ALL."""
    return ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "forum", "KeyType": "HASH"},
                   {"AttributeName": "subject", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              [("forum", "S"), ("subject", "S"), ("author", "S"),
                               ("posted", "N"), ("tag", "S"), ("replies", "N")]],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-author",
             "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"},
                           {"AttributeName": "posted", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}},
            {"IndexName": "by-tag",
             "KeySchema": [{"AttributeName": "tag", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "everything",
             "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "ALL"}},
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "by-replies",
             "KeySchema": [{"AttributeName": "forum", "KeyType": "HASH"},
                           {"AttributeName": "replies", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "by-posted",
             "KeySchema": [{"AttributeName": "forum", "KeyType": "HASH"},
                           {"AttributeName": "posted", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
        ])


def post(forum, subject, author=None, posted=None, tag=None, replies=None, title=None,
         body=None):
    item = {"forum": {"S": forum}, "subject": {"S": subject}}
    for name, value in [("author", author), ("tag", tag), ("title", title), ("body", body)]:
        if value is not None:
            item[name] = {"S": value}
    for name, value in [("posted", posted), ("replies", replies)]:
        if value is not None:
            item[name] = {"N": str(value)}
    return item


INDEXES = {
    "by-author": (("author", "posted"), "INCLUDE", ("title",)),
    "by-tag": (("tag",), "KEYS_ONLY", ()),
    "everything": (("author",), "ALL", ()),
    "by-replies": (("forum", "replies"), "KEYS_ONLY", ()),
    "by-posted": (("forum", "posted"), "ALL", ()),
}
TABLE_KEY = ("forum", "subject")


class IndexesOnCreateTable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = EddyServer().start()
        cls.ddb = cls.server.client()
        cls.created = create_forum_table(cls.ddb)["TableDescription"]
        cls.items = []
        for i in range(60):
            cls.items.append(post(
                "f%d" % (i % 3), "s%03d" % i,
                author="a%d" % (i % 4) if i % 5 else None,  # sparse: every fifth has no author
                posted=1000 + i,
                tag="t%d" % (i % 2) if i % 3 == 0 else None,
                replies=i % 7,
                title="title %d" % i, body="body %d" % i))
        for item in cls.items:
            cls.ddb.put_item(TableName="threads", Item=item)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def check_index_matches_table(self, index):
        key, projection, non_key = INDEXES[index]
        expected = expected_index(scan_all(self.ddb, "threads"), key, TABLE_KEY, projection,
                                  non_key)
        self.assertEqual(actual_index(self.ddb, "threads", index, key, TABLE_KEY), expected)
        return expected

    def test_descriptions(self):
        created = self.created
        self.assertEqual(created["TableStatus"], "CREATING")
        self.assertEqual({g["IndexStatus"] for g in created["GlobalSecondaryIndexes"]},
                         {"CREATING"})
        table = self.ddb.describe_table(TableName="threads")["Table"]
        gsis = {g["IndexName"]: g for g in table["GlobalSecondaryIndexes"]}
        lsis = {l["IndexName"]: l for l in table["LocalSecondaryIndexes"]}
        self.assertEqual(list(gsis), ["by-author", "by-tag", "everything"])
        self.assertEqual(list(lsis), ["by-replies", "by-posted"])
        author = gsis["by-author"]
        self.assertEqual(author["IndexStatus"], "ACTIVE")
        self.assertNotIn("Backfilling", author)
        self.assertEqual(author["KeySchema"], [{"AttributeName": "author", "KeyType": "HASH"},
                                               {"AttributeName": "posted", "KeyType": "RANGE"}])
        self.assertEqual(author["Projection"],
                         {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]})
        self.assertEqual(gsis["by-tag"]["Projection"], {"ProjectionType": "KEYS_ONLY"})
        self.assertEqual(author["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        self.assertEqual(author["IndexArn"], table["TableArn"] + "/index/by-author")
        # Items with an author and a posted time; every fifth has none.
        self.assertEqual(author["ItemCount"], 48)
        self.assertGreater(author["IndexSizeBytes"], 0)
        replies = lsis["by-replies"]
        self.assertNotIn("IndexStatus", replies)  # a local index has no status of its own
        self.assertNotIn("ProvisionedThroughput", replies)
        self.assertEqual(replies["ItemCount"], 60)
        self.assertEqual(replies["IndexArn"], table["TableArn"] + "/index/by-replies")
        self.assertEqual({d["AttributeName"] for d in table["AttributeDefinitions"]},
                         {"forum", "subject", "author", "posted", "tag", "replies"})

    def test_every_index_holds_what_the_items_say(self):
        sizes = {index: len(self.check_index_matches_table(index)) for index in INDEXES}
        self.assertEqual(sizes, {"by-author": 48, "by-tag": 20, "everything": 48,
                                 "by-replies": 60, "by-posted": 60})

    def test_query_projections_and_select(self):
        # INCLUDE: keys, index keys and title; no body.
        items = self.ddb.query(TableName="threads", IndexName="by-author",
                               KeyConditionExpression="author = :a AND posted BETWEEN :x AND :y",
                               ExpressionAttributeValues={":a": {"S": "a1"}, ":x": {"N": "1000"},
                                                          ":y": {"N": "1030"}})["Items"]
        self.assertEqual([i["subject"]["S"] for i in items], ["s001", "s009", "s013", "s017",
                                                              "s021", "s029"])
        self.assertEqual(set(items[0]), {"forum", "subject", "author", "posted", "title"})
        # KEYS_ONLY.
        items = self.ddb.query(TableName="threads", IndexName="by-tag",
                               KeyConditionExpression="tag = :t",
                               ExpressionAttributeValues={":t": {"S": "t0"}})["Items"]
        self.assertEqual(len(items), 10)
        self.assertEqual(set(items[0]), {"forum", "subject", "tag"})
        # ALL_PROJECTED_ATTRIBUTES is allowed, and is what an index gives by default.
        explicit = self.ddb.query(TableName="threads", IndexName="by-tag",
                                  Select="ALL_PROJECTED_ATTRIBUTES",
                                  KeyConditionExpression="tag = :t",
                                  ExpressionAttributeValues={":t": {"S": "t0"}})["Items"]
        self.assertEqual(explicit, items)
        # A global index refuses attributes it does not project.
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="by-author", ProjectionExpression="body, title",
            KeyConditionExpression="author = :a", ExpressionAttributeValues={":a": {"S": "a1"}}))
        self.assertEqual((code, message), (
            "ValidationException", INVALID + "Global secondary index by-author does not project [body]"))
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="by-tag", Select="ALL_ATTRIBUTES",
            KeyConditionExpression="tag = :t", ExpressionAttributeValues={":t": {"S": "t0"}}))
        self.assertEqual(message, INVALID + "Select type ALL_ATTRIBUTES is not supported for "
                         "global secondary index by-tag because its projection type is not ALL")
        # A local index fetches what it does not project from the table.
        items = self.ddb.query(TableName="threads", IndexName="by-replies",
                               KeyConditionExpression="forum = :f AND replies = :r",
                               ProjectionExpression="subject, body",
                               ExpressionAttributeValues={":f": {"S": "f0"},
                                                          ":r": {"N": "3"}})["Items"]
        self.assertEqual(items, [{"subject": {"S": "s003"}, "body": {"S": "body 3"}},
                                 {"subject": {"S": "s024"}, "body": {"S": "body 24"}},
                                 {"subject": {"S": "s045"}, "body": {"S": "body 45"}}])
        whole = self.ddb.query(TableName="threads", IndexName="by-replies", Select="ALL_ATTRIBUTES",
                               ConsistentRead=True,
                               KeyConditionExpression="forum = :f AND replies = :r",
                               ExpressionAttributeValues={":f": {"S": "f0"},
                                                          ":r": {"N": "3"}})["Items"]
        self.assertEqual(whole[0], self.items[3])
        # COUNT.
        out = self.ddb.query(TableName="threads", IndexName="everything", Select="COUNT",
                             KeyConditionExpression="author = :a",
                             ExpressionAttributeValues={":a": {"S": "a2"}})
        self.assertEqual(out["Count"], 12)
        self.assertNotIn("Items", out)

    def test_order_and_paging(self):
        forward = self.ddb.query(TableName="threads", IndexName="by-posted",
                                 KeyConditionExpression="forum = :f",
                                 ExpressionAttributeValues={":f": {"S": "f1"}})["Items"]
        self.assertEqual([int(i["posted"]["N"]) for i in forward], list(range(1001, 1060, 3)))
        # Backwards, two at a time, over entries with equal index keys (replies repeats).
        pages, start, seen = 0, None, []
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            page = self.ddb.query(TableName="threads", IndexName="by-replies", Limit=2,
                                  ScanIndexForward=False, KeyConditionExpression="forum = :f",
                                  ExpressionAttributeValues={":f": {"S": "f2"}}, **kwargs)
            seen += page["Items"]
            pages += 1
            start = page.get("LastEvaluatedKey")
            if not start:
                break
            self.assertEqual(set(start), {"forum", "subject", "replies"})
        self.assertEqual(len(seen), 20)
        self.assertEqual(len({i["subject"]["S"] for i in seen}), 20)
        replies = [int(i["replies"]["N"]) for i in seen]
        self.assertEqual(replies, sorted(replies, reverse=True))
        self.assertGreaterEqual(pages, 10)
        # A start key without the index key is refused.
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="by-replies", KeyConditionExpression="forum = :f",
            ExpressionAttributeValues={":f": {"S": "f2"}},
            ExclusiveStartKey={"forum": {"S": "f2"}, "subject": {"S": "s002"}}))
        self.assertEqual((code, message), ("ValidationException",
                                           "The provided starting key is invalid"))

    def test_parallel_scan_of_an_index(self):
        whole = scan_all(self.ddb, "threads", IndexName="by-author")
        parts = []
        for segment in range(3):
            parts += scan_all(self.ddb, "threads", IndexName="by-author", Segment=segment,
                              TotalSegments=3, Limit=5)
        key = lambda item: (item["forum"]["S"], item["subject"]["S"])
        self.assertEqual(sorted(parts, key=key), sorted(whole, key=key))
        self.assertEqual(len(whole), 48)

    def test_read_errors(self):
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="nope", KeyConditionExpression="forum = :f",
            ExpressionAttributeValues={":f": {"S": "f0"}}))
        self.assertEqual((code, message), ("ValidationException",
                                           "The table does not have the specified index: nope"))
        code, message = error_of(lambda: self.ddb.scan(TableName="threads", IndexName="nope"))
        self.assertEqual(message, "The table does not have the specified index: nope")
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="everything", ConsistentRead=True,
            KeyConditionExpression="author = :a", ExpressionAttributeValues={":a": {"S": "a1"}}))
        self.assertEqual((code, message), (
            "ValidationException", "Consistent reads are not supported on global secondary indexes"))
        code, message = error_of(lambda: self.ddb.query(
            TableName="threads", IndexName="everything", KeyConditionExpression="forum = :f",
            ExpressionAttributeValues={":f": {"S": "f0"}}))
        self.assertEqual(code, "ValidationException")
        code, message = error_of(lambda: self.ddb.scan(TableName="threads",
                                                       Select="ALL_PROJECTED_ATTRIBUTES"))
        self.assertEqual(message,
                         "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
        code, _ = error_of(lambda: self.ddb.query(
            TableName="missing", IndexName="everything", KeyConditionExpression="author = :a",
            ExpressionAttributeValues={":a": {"S": "a1"}}))
        self.assertEqual(code, "ResourceNotFoundException")


class IndexMaintenance(unittest.TestCase):
    def setUp(self):
        self.server = EddyServer().start()
        self.ddb = self.server.client()
        create_forum_table(self.ddb)

    def tearDown(self):
        self.server.stop()

    def index(self, name):
        return actual_index(self.ddb, "threads", name, INDEXES[name][0], TABLE_KEY)

    def test_moves_removals_and_sparse_entries(self):
        self.ddb.put_item(TableName="threads", Item=post("f", "s", author="ann", posted=1))
        self.assertEqual(len(self.index("by-author")), 1)
        # The key moves: the old entry goes.
        self.ddb.update_item(TableName="threads", Key={"forum": {"S": "f"}, "subject": {"S": "s"}},
                             UpdateExpression="SET author = :b",
                             ExpressionAttributeValues={":b": {"S": "bob"}})
        entries = list(self.index("by-author").values())
        self.assertEqual([e["author"]["S"] for e in entries], ["bob"])
        # Removing a key attribute takes the item out of the index; the table keeps it.
        self.ddb.update_item(TableName="threads", Key={"forum": {"S": "f"}, "subject": {"S": "s"}},
                             UpdateExpression="REMOVE posted")
        self.assertEqual(self.index("by-author"), {})
        self.assertEqual(len(self.index("everything")), 1)
        # A put without the attribute removes the entry too; a delete removes every entry.
        self.ddb.put_item(TableName="threads", Item=post("f", "s", tag="x", replies=2))
        self.assertEqual(self.index("everything"), {})
        self.assertEqual(len(self.index("by-tag")), 1)
        self.ddb.delete_item(TableName="threads", Key={"forum": {"S": "f"}, "subject": {"S": "s"}})
        for name in INDEXES:
            self.assertEqual(self.index(name), {}, name)
        table = self.ddb.describe_table(TableName="threads")["Table"]
        self.assertEqual([g["ItemCount"] for g in table["GlobalSecondaryIndexes"]], [0, 0, 0])

    def test_a_wrong_typed_index_key_is_refused_by_every_write_and_nothing_is_written(self):
        expected = INVALID + "Type mismatch for Index Key author Expected: S Actual: N IndexName: "
        bad = post("f", "s")
        bad["author"] = {"N": "5"}
        code, message = error_of(lambda: self.ddb.put_item(TableName="threads", Item=bad))
        self.assertEqual(code, "ValidationException")
        self.assertTrue(message.startswith(expected), message)
        code, message = error_of(lambda: self.ddb.update_item(
            TableName="threads", Key={"forum": {"S": "f"}, "subject": {"S": "s"}},
            UpdateExpression="SET author = :n", ExpressionAttributeValues={":n": {"N": "1"}}))
        self.assertTrue(message.startswith(expected), message)
        # BatchWriteItem: none of the batch is written.
        code, message = error_of(lambda: self.ddb.batch_write_item(RequestItems={"threads": [
            {"PutRequest": {"Item": post("f", "good", author="ann", posted=1)}},
            {"PutRequest": {"Item": bad}}]}))
        self.assertTrue(message.startswith(expected), message)
        code, _ = error_of(lambda: self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "threads", "Item": post("f", "good", author="ann", posted=1)}},
            {"Put": {"TableName": "threads", "Item": bad}}]))
        self.assertIn(code, ("TransactionCanceledException", "ValidationException"))
        empty = post("f", "s", posted=1)
        empty["author"] = {"S": ""}
        code, message = error_of(lambda: self.ddb.put_item(TableName="threads", Item=empty))
        self.assertEqual(message, "One or more parameter values are not valid. A value specified "
                         "for a secondary index key is not supported. The AttributeValue for a "
                         "key attribute cannot contain an empty string value. IndexName: "
                         "by-author, IndexKey: author")
        self.assertEqual(scan_all(self.ddb, "threads"), [])
        for name in INDEXES:
            self.assertEqual(self.index(name), {}, name)

    def test_consumed_capacity_per_index(self):
        out = self.ddb.put_item(TableName="threads", ReturnConsumedCapacity="INDEXES",
                                Item=post("f", "s", author="ann", posted=1, tag="t", title="x"))
        consumed = out["ConsumedCapacity"]
        self.assertEqual(consumed["Table"]["CapacityUnits"], 1.0)
        self.assertEqual(consumed["GlobalSecondaryIndexes"],
                         {"by-author": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0},
                          "by-tag": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0},
                          "everything": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}})
        self.assertEqual(consumed["LocalSecondaryIndexes"],
                         {"by-posted": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}})
        self.assertEqual(consumed["CapacityUnits"], 5.0)
        # A change to `body`, which only the ALL indexes project; the author moves in by-author
        # and everything (a delete and a put: 2 units each).
        out = self.ddb.update_item(TableName="threads", ReturnConsumedCapacity="INDEXES",
                                   Key={"forum": {"S": "f"}, "subject": {"S": "s"}},
                                   UpdateExpression="SET body = :b, author = :a",
                                   ExpressionAttributeValues={":b": {"S": "text"},
                                                              ":a": {"S": "bob"}})
        consumed = out["ConsumedCapacity"]
        self.assertEqual(set(consumed["GlobalSecondaryIndexes"]), {"by-author", "everything"})
        self.assertEqual(consumed["GlobalSecondaryIndexes"]["by-author"]["CapacityUnits"], 2.0)
        self.assertEqual(consumed["LocalSecondaryIndexes"]["by-posted"]["CapacityUnits"], 1.0)
        # A Query on an index charges the index, not the table.
        out = self.ddb.query(TableName="threads", IndexName="by-author",
                             ReturnConsumedCapacity="INDEXES",
                             KeyConditionExpression="author = :a",
                             ExpressionAttributeValues={":a": {"S": "bob"}})
        self.assertEqual(out["ConsumedCapacity"]["Table"], {"CapacityUnits": 0.0})
        self.assertEqual(out["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by-author"],
                         {"CapacityUnits": 0.5, "ReadCapacityUnits": 0.5})


class ItemCollections(unittest.TestCase):
    def setUp(self):
        # A 2 KB limit instead of DynamoDB's 10 GB, to reach it.
        self.server = EddyServer(extra_args=["--item-collection-limit", "2048"]).start()
        self.ddb = self.server.client()
        create_forum_table(self.ddb)

    def tearDown(self):
        self.server.stop()

    def test_metrics_and_the_limit(self):
        out = self.ddb.put_item(TableName="threads", ReturnItemCollectionMetrics="SIZE",
                                Item=post("f", "s1", replies=1, body="x" * 500))
        self.assertEqual(out["ItemCollectionMetrics"], {"ItemCollectionKey": {"forum": {"S": "f"}},
                                                        "SizeEstimateRangeGB": [0.0, 1.0]})
        out = self.ddb.batch_write_item(ReturnItemCollectionMetrics="SIZE", RequestItems={
            "threads": [{"PutRequest": {"Item": post("f", "s2", body="x" * 500)}},
                        {"PutRequest": {"Item": post("g", "s1")}}]})
        self.assertEqual(out["ItemCollectionMetrics"]["threads"], [
            {"ItemCollectionKey": {"forum": {"S": "f"}}, "SizeEstimateRangeGB": [0.0, 1.0]},
            {"ItemCollectionKey": {"forum": {"S": "g"}}, "SizeEstimateRangeGB": [0.0, 1.0]}])
        code, message = error_of(lambda: self.ddb.put_item(
            TableName="threads", Item=post("f", "s3", body="x" * 1200)))
        self.assertEqual((code, message),
                         ("ItemCollectionSizeLimitExceededException", "Collection size exceeded."))
        self.assertEqual(len(scan_all(self.ddb, "threads")), 3)
        # Shrinking a full collection, and other collections, go on.
        self.ddb.put_item(TableName="threads", Item=post("f", "s2"))
        self.ddb.put_item(TableName="threads", Item=post("h", "s3", body="x" * 1200))
        # A table without local indexes has no item collections to report.
        self.ddb.create_table(TableName="plain", BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        out = self.ddb.put_item(TableName="plain", ReturnItemCollectionMetrics="SIZE",
                                Item={"id": {"S": "x" * 10}, "body": {"S": "y" * 3000}})
        self.assertNotIn("ItemCollectionMetrics", out)


class CreateTableValidation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = EddyServer().start()
        cls.ddb = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def create(self, definitions, gsis=None, lsis=None, key=(("pk", "HASH"), ("sk", "RANGE"))):
        request = {
            "TableName": "bad-table", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in key],
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t}
                                     for n, t in definitions],
        }
        if gsis is not None:
            request["GlobalSecondaryIndexes"] = gsis
        if lsis is not None:
            request["LocalSecondaryIndexes"] = lsis
        return error_of(lambda: self.ddb.create_table(**request))

    @staticmethod
    def index(name, *key, projection=None):
        elements = [{"AttributeName": key[0], "KeyType": "HASH"}]
        if len(key) > 1:
            elements.append({"AttributeName": key[1], "KeyType": "RANGE"})
        return {"IndexName": name, "KeySchema": elements,
                "Projection": {"ProjectionType": "ALL"} if projection is None else projection}

    def test_errors(self):
        defs = [("pk", "S"), ("sk", "S"), ("g", "S")]
        cases = [
            (self.create(defs + [("x", "S")], gsis=[self.index("gsi", "g")]),
             INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g, "
             "x], keys used: [pk, sk, g]"),
            (self.create(defs, gsis=[self.index("gsi", "q")]),
             INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, g], "
             "keys used: [pk, sk, q]"),
            (self.create([("pk", "S"), ("sk", "S")], gsis=[]),
             INVALID + "List of GlobalSecondaryIndexes is empty"),
            (self.create(defs, lsis=[self.index("lsi", "g")]),
             INVALID + "Index KeySchema does not have a range key for index: lsi"),
            (self.create(defs, lsis=[self.index("lsi", "g", "sk")]),
             INVALID + "Index KeySchema does not have the same leading hash key as table "
             "KeySchema for index: lsi. index hash key: g, table hash key: pk"),
            (self.create([("pk", "S"), ("g", "S")], lsis=[self.index("lsi", "pk", "g")],
                         key=(("pk", "HASH"),)),
             INVALID + "Table KeySchema does not have a range key, which is required when "
             "specifying a LocalSecondaryIndex"),
            (self.create(defs, gsis=[self.index("gsi", "g", projection={})]),
             INVALID + "Unknown ProjectionType: null"),
            (self.create(defs, gsis=[self.index("gsi", "g", projection={
                "ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]})]),
             INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
            (self.create(defs, gsis=[self.index("gsi", "g", projection={
                "ProjectionType": "INCLUDE"})]),
             INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
            (self.create(defs, gsis=[self.index("gsi", "g", projection={
                "ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "a"]})]),
             INVALID + "Duplicate element in NonKeyAttributes: a"),
            (self.create(defs, gsis=[self.index("dup", "g"), self.index("dup", "g")]),
             INVALID + "Duplicate index name: dup"),
            (self.create(defs, gsis=[self.index("g%02d" % i, "g") for i in range(21)]),
             INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20"),
            (self.create(defs + [("l", "S")], lsis=[self.index("lsi%d" % i, "pk", "l")
                                                    for i in range(6)],
                         gsis=[self.index("gsi", "g")]),
             INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"),
            (self.create(defs, gsis=[self.index("gsi", "g", projection={
                "ProjectionType": "INCLUDE",
                "NonKeyAttributes": ["a%d" % i for i in range(20)]})] * 1 + [
                self.index("gsi%d" % j, "g", projection={
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": ["b%d" % i for i in range(20)]}) for j in range(5)]),
             INVALID + "Number of projected attributes in all indexes exceeds limit of 100"),
        ]
        for (code, message), expected in cases:
            self.assertEqual(code, "ValidationException", message)
            self.assertEqual(message, expected)
        self.assertEqual(self.ddb.list_tables()["TableNames"], [])


class IndexesOnUpdateTable(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="eddy-indexes-"))
        # Paced, so that a kill -9 lands in the middle of a backfill of 30,000 items.
        self.server = EddyServer(data_dir=self.dir / "data",
                                 extra_args=["--backfill-items-per-second", "20000"]).start()
        self.ddb = self.server.client()
        self.ddb.create_table(
            TableName="notes", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_index(self, name="by-owner", key="owner", sort=None):
        elements = [{"AttributeName": key, "KeyType": "HASH"}]
        definitions = [{"AttributeName": key, "AttributeType": "S"}]
        if sort:
            elements.append({"AttributeName": sort, "KeyType": "RANGE"})
            definitions.append({"AttributeName": sort, "AttributeType": "N"})
        return self.ddb.update_table(
            TableName="notes", AttributeDefinitions=definitions,
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": name, "KeySchema": elements,
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}}}])

    def index_of(self, name="by-owner"):
        for index in self.ddb.describe_table(TableName="notes")["Table"].get(
                "GlobalSecondaryIndexes", []):
            if index["IndexName"] == name:
                return index
        return None

    def wait_active(self, name="by-owner", timeout=120):
        wait_until(lambda: self.index_of(name)["IndexStatus"] == "ACTIVE", timeout=timeout,
                   what="%s ACTIVE" % name)

    def note(self, i):
        item = {"id": {"S": "n%06d" % i}, "title": {"S": "t%d" % i}, "body": {"S": "b%d" % i}}
        if i % 4:
            item["owner"] = {"S": "o%d" % (i % 50)}
        if i % 1000 == 7:
            item["owner"] = {"N": "7"}  # skipped by the backfill, as DynamoDB's skips it
        return item

    def check(self, name="by-owner"):
        expected = expected_index(
            [i for i in scan_all(self.ddb, "notes") if "S" in i.get("owner", {"N": 0})],
            ("owner",), ("id",), "INCLUDE", ("title",))
        actual = actual_index(self.ddb, "notes", name, ("owner",), ("id",))
        self.assertEqual(len(actual), len(expected))
        self.assertEqual(actual, expected)
        self.assertEqual(self.index_of(name)["ItemCount"], len(expected))
        return len(expected)

    def test_backfill_of_100k_items_while_writes_go_on(self):
        load(self.server.client, "notes", [self.note(i) for i in range(100_000)])
        started = self.create_index()["TableDescription"]
        created = [g for g in started["GlobalSecondaryIndexes"] if g["IndexName"] == "by-owner"]
        self.assertEqual(created[0]["IndexStatus"], "CREATING")
        self.assertEqual({d["AttributeName"] for d in started["AttributeDefinitions"]},
                         {"id", "owner"})
        during = self.index_of()
        # Writes go on during the backfill: new items, moved owners, removed owners, deletes.
        stop = threading.Event()
        written = []

        def writer():
            ddb = self.server.client()
            i = 0
            while not stop.is_set() or i < 500:
                n = (i * 7919) % 110_000
                if i % 4 == 0:
                    ddb.delete_item(TableName="notes", Key={"id": {"S": "n%06d" % n}})
                else:
                    item = self.note(n)
                    item["owner"] = {"S": "w%d" % (i % 9)}
                    if i % 4 == 1:
                        del item["owner"]
                    ddb.put_item(TableName="notes", Item=item)
                i += 1
            written.append(i)

        thread = threading.Thread(target=writer)
        thread.start()
        # The table stays usable: reads and writes of the table go on while it fills.
        self.assertEqual(during["IndexStatus"], "CREATING")
        self.assertTrue(during.get("Backfilling"), during)
        code, _ = error_of(lambda: self.create_index("second", "title"))
        self.assertEqual(code, "LimitExceededException")
        code, message = error_of(lambda: self.ddb.delete_table(TableName="notes"))
        self.assertEqual(code, "ResourceInUseException")
        self.wait_active()
        stop.set()
        thread.join()
        self.assertNotIn("Backfilling", self.index_of())
        self.assertGreaterEqual(written[0], 500)
        count = self.check()
        self.assertGreater(count, 70_000)
        # Queries on the new index page through it.
        owner_items = self.ddb.query(TableName="notes", IndexName="by-owner",
                                     KeyConditionExpression="#o = :o",
                                     ExpressionAttributeNames={"#o": "owner"},
                                     ExpressionAttributeValues={":o": {"S": "o1"}})["Items"]
        self.assertGreater(len(owner_items), 1000)
        # Everything survives a restart.
        self.server.stop()
        self.server.start()
        self.ddb = self.server.client()
        self.check()

    def test_kill_9_during_a_backfill_then_restart(self):
        load(self.server.client, "notes", [self.note(i) for i in range(30_000)])
        self.create_index()
        time.sleep(0.3)
        self.assertEqual(self.index_of()["IndexStatus"], "CREATING")
        self.server.kill9()
        self.server.start()
        self.ddb = self.server.client()
        self.wait_active()
        self.check()

    def test_kill_9_during_a_time_to_live_sweep_then_restart(self):
        self.server.stop()
        self.server = EddyServer(data_dir=self.dir / "data", extra_args=[
            "--ttl-interval", "100ms", "--ttl-deletes-per-second", "2000"]).start()
        self.ddb = self.server.client()
        self.create_index()
        self.wait_active()
        expired = str(int(time.time()) - 60)
        items = []
        for i in range(10_000):
            item = self.note(i)
            if "N" in item.get("owner", {}):
                del item["owner"]  # the index is ACTIVE: a Number owner would be refused
            if i % 2:
                item["expires"] = {"N": expired}
            items.append(item)
        load(self.server.client, "notes", items)
        self.ddb.update_time_to_live(TableName="notes", TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})
        wait_until(lambda: self.ddb.describe_table(TableName="notes")["Table"]["ItemCount"] < 8_000,
                   what="the sweep under way")
        self.server.kill9()
        self.server.start()
        self.ddb = self.server.client()
        # (No check while the sweep goes on: the table and the index are scanned at different
        # moments. An entry a crash left behind would stay, and fail the check below.)
        wait_until(lambda: self.ddb.describe_table(TableName="notes")["Table"]["ItemCount"] == 5_000,
                   timeout=60, what="the sweep finished")
        self.assertEqual(self.check(), len([i for i in items if "expires" not in i and
                                            "S" in i.get("owner", {"N": 0})]))

    def test_delete_and_the_errors_of_index_updates(self):
        for i in range(20):
            self.ddb.put_item(TableName="notes", Item=self.note(i))
        self.create_index()
        self.wait_active()
        self.check()
        cases = [
            (lambda: self.create_index(), ("ValidationException",
                                           "Attempting to create an index which already exists")),
            (lambda: self.ddb.update_table(TableName="notes", GlobalSecondaryIndexUpdates=[
                {"Create": {"IndexName": "idx1", "KeySchema": [
                    {"AttributeName": "a", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}]),
             ("ValidationException", INVALID + "AttributeDefinitions is not specified for index: idx1")),
            (lambda: self.ddb.update_table(
                TableName="notes", AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"},
                                                         {"AttributeName": "b", "AttributeType": "S"}],
                GlobalSecondaryIndexUpdates=[
                    {"Create": {"IndexName": "idx1", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "ALL"}}},
                    {"Create": {"IndexName": "idx2", "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
                                "Projection": {"ProjectionType": "ALL"}}}]),
             ("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be "
              "created or deleted simultaneously per table")),
            (lambda: self.ddb.update_table(TableName="notes", GlobalSecondaryIndexUpdates=[
                {"Delete": {"IndexName": "nope"}}]),
             ("ResourceNotFoundException", "Requested resource not found: Index nope for table notes")),
            (lambda: self.ddb.update_table(TableName="notes", GlobalSecondaryIndexUpdates=[{}]),
             ("ValidationException", INVALID + "One of GlobalSecondaryIndexUpdate.Update, "
              "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be "
              "null")),
            (lambda: self.ddb.update_table(
                TableName="notes", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
                GlobalSecondaryIndexUpdates=[{"Create": {
                    "IndexName": "by-id", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}]),
             ("ValidationException", INVALID + "Attributes cannot be redefined. Please check that "
              "your attribute has the same type as previously defined. Existing schema: "
              "Schema:[SchemaElement: key{id:S:HASH}] New schema: Schema:[SchemaElement: "
              "key{id:N:HASH}]")),
        ]
        for call, expected in cases:
            self.assertEqual(error_of(call), expected)

        deleted = self.ddb.update_table(TableName="notes", GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "by-owner"}}])["TableDescription"]
        self.assertEqual(deleted["GlobalSecondaryIndexes"][0]["IndexStatus"], "DELETING")
        table = self.ddb.describe_table(TableName="notes")["Table"]
        self.assertNotIn("GlobalSecondaryIndexes", table)
        self.assertEqual(table["AttributeDefinitions"], [{"AttributeName": "id",
                                                          "AttributeType": "S"}])
        code, message = error_of(lambda: self.ddb.scan(TableName="notes", IndexName="by-owner"))
        self.assertEqual(message, "The table does not have the specified index: by-owner")
        # The attribute is free again, and the name can be used again.
        self.ddb.put_item(TableName="notes", Item={"id": {"S": "x"}, "owner": {"N": "1"}})
        self.create_index(sort="rank")
        self.wait_active()
        self.assertIn("rank", {d["AttributeName"] for d in self.ddb.describe_table(
            TableName="notes")["Table"]["AttributeDefinitions"]})


if __name__ == "__main__":
    unittest.main()
