"""Black-box compatibility tests of `eddy serve` with Debian's python3-boto3.

Run with Debian's interpreter (it has boto3; a pyenv python3 on PATH may not):

    EDDY_BIN=/path/to/eddy /usr/bin/python3 tests/compat/test_dynamodb_boto3.py -v
    EDDY_BIN=... /usr/bin/python3 tests/compat/test_dynamodb_boto3.py -v -k Query

Every test creates its own uniquely named tables, so tests are independent.
Expected behaviour is DynamoDB's, as documented by AWS.
"""

import http.client
import json
import os
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid
import warnings
import zlib
from decimal import Decimal
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402  (Debian's python3-boto3)
from boto3.dynamodb.conditions import Attr, Key  # noqa: E402
from boto3.dynamodb.types import Binary  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from eddy_server import ACCOUNT, REGION, EddyServer  # noqa: E402

SERVER = None
RUN = uuid.uuid4().hex[:6]
_counter = [0]


def unique(prefix="t"):
    _counter[0] += 1
    return "compat_%s_%s_%03d" % (prefix, RUN, _counter[0])


def setUpModule():
    global SERVER
    SERVER = EddyServer().start()


def tearDownModule():
    if SERVER is not None:
        code = SERVER.stop()
        if code != 0:
            raise AssertionError("eddy serve did not exit 0 on SIGTERM: %r\n%s" % (code, "\n".join(SERVER.output[-30:])))


class Base(unittest.TestCase):
    maxDiff = None
    server = None  # defaults to the module's server

    @classmethod
    def srv(cls):
        return cls.server or SERVER

    def setUp(self):
        # boto3 leaves keep-alive sockets to the garbage collector; not a finding
        warnings.simplefilter("ignore", ResourceWarning)
        self.c = self.srv().client()
        self.r = self.srv().resource()

    # -- tables ---------------------------------------------------------

    def create_table(self, hash_key=("pk", "S"), range_key=None, name=None, wait=True, **kw):
        name = name or unique(self.__class__.__name__.lower()[:10])
        key_schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        defs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        if range_key:
            key_schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
            defs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
        kw.setdefault("BillingMode", "PAY_PER_REQUEST")
        resp = self.c.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=defs, **kw)
        self.addCleanup(self._drop, name)
        if wait:
            self.wait_active(name)
        return name, resp

    def table(self, hash_key=("pk", "S"), range_key=None, **kw):
        return self.create_table(hash_key, range_key, **kw)[0]

    def _drop(self, name):
        try:
            self.c.delete_table(TableName=name)
        except ClientError:
            pass

    def wait_active(self, name, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            t = self.c.describe_table(TableName=name)["Table"]
            if t["TableStatus"] == "ACTIVE":
                return t
            if time.monotonic() > deadline:
                self.fail("table %s is still %s after %ss" % (name, t["TableStatus"], timeout))
            time.sleep(0.1)

    def count(self, name):
        """Number of items, by a paged Scan with Select=COUNT."""
        total, kw = 0, {}
        while True:
            resp = self.c.scan(TableName=name, Select="COUNT", **kw)
            total += resp["Count"]
            if "LastEvaluatedKey" not in resp:
                return total
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def scan_all(self, name, **kw):
        items = []
        while True:
            resp = self.c.scan(TableName=name, **kw)
            items += resp["Items"]
            if "LastEvaluatedKey" not in resp:
                return items
            kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    # -- errors ---------------------------------------------------------

    def assertError(self, code, fn, *args, **kw):
        """fn(*args, **kw) must fail with error `code` and HTTP 400; returns the ClientError."""
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kw)
        err = cm.exception
        self.assertEqual(err.response["Error"]["Code"], code, err.response)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400, err.response)
        self.assertTrue(err.response["Error"].get("Message"), "error without a message: %r" % err.response)
        return err

    def assertServerUp(self):
        self.assertTrue(self.srv().alive(), "eddy serve died:\n" + "\n".join(self.srv().output[-30:]))
        self.assertEqual(self.srv().health(), 200)
        self.c.list_tables(Limit=1)

    def raw(self, operation, payload, **kw):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        status, headers, data = self.srv().raw_post(operation, body, **kw)
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = None
        return status, headers, data, doc


# ---------------------------------------------------------------------------
# Table lifecycle
# ---------------------------------------------------------------------------


class TableLifecycleTest(Base):
    def test_create_describe_delete(self):
        name = unique("life")
        resp = self.c.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            Tags=[{"Key": "team", "Value": "eddy"}, {"Key": "env", "Value": "test"}],
        )
        self.addCleanup(self._drop, name)
        arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, name)
        td = resp["TableDescription"]
        self.assertEqual(td["TableName"], name)
        self.assertEqual(td["TableArn"], arn)
        self.assertIn(td["TableStatus"], ("CREATING", "ACTIVE"))
        self.assertEqual(td["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                           {"AttributeName": "sk", "KeyType": "RANGE"}])

        t = self.wait_active(name)
        self.assertEqual(t["TableName"], name)
        self.assertEqual(t["TableArn"], arn)
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.assertEqual(t["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertEqual(sorted(t["AttributeDefinitions"], key=lambda d: d["AttributeName"]),
                         [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}])
        self.assertEqual(t["ItemCount"], 0)
        self.assertEqual(t["TableSizeBytes"], 0)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(t["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.assertTrue(t["LatestStreamArn"].startswith(arn + "/stream/"), t["LatestStreamArn"])
        self.assertTrue(t["LatestStreamLabel"])
        self.assertIn("CreationDateTime", t)
        self.assertTrue(t.get("TableId"), "TableId missing")

        tags = self.c.list_tags_of_resource(ResourceArn=arn)["Tags"]
        self.assertEqual(sorted(tags, key=lambda x: x["Key"]),
                         [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "eddy"}])

        self.c.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
        self.assertIsInstance(self.c.describe_table(TableName=name)["Table"]["ItemCount"], int)

        d = self.c.delete_table(TableName=name)["TableDescription"]
        self.assertEqual(d["TableName"], name)
        self.assertEqual(d["TableArn"], arn)
        self.assertIn(d["TableStatus"], ("DELETING", "ACTIVE"))
        deadline = time.monotonic() + 10
        while True:
            try:
                self.c.describe_table(TableName=name)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "ResourceNotFoundException")
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                break
            self.assertLess(time.monotonic(), deadline, "table still described 10 s after DeleteTable")
            time.sleep(0.1)
        self.assertNotIn(name, self.c.list_tables()["TableNames"])

    def test_duplicate_create_is_resource_in_use(self):
        name = self.table()
        self.c.put_item(TableName=name, Item={"pk": {"S": "keep"}})
        self.assertError("ResourceInUseException", self.c.create_table, TableName=name,
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        # the existing table is untouched
        self.assertEqual(self.count(name), 1)

    def test_missing_table_is_resource_not_found(self):
        name = unique("missing")
        self.assertError("ResourceNotFoundException", self.c.describe_table, TableName=name)
        self.assertError("ResourceNotFoundException", self.c.delete_table, TableName=name)
        self.assertError("ResourceNotFoundException", self.c.get_item, TableName=name, Key={"pk": {"S": "a"}})
        self.assertError("ResourceNotFoundException", self.c.put_item, TableName=name, Item={"pk": {"S": "a"}})
        self.assertError("ResourceNotFoundException", self.c.query, TableName=name,
                         KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})
        self.assertError("ResourceNotFoundException", self.c.scan, TableName=name)
        self.assertNotIn(name, self.c.list_tables()["TableNames"])

    def test_invalid_create_table(self):
        name = unique("bad")
        # a key attribute without a definition
        self.assertError("ValidationException", self.c.create_table, TableName=name,
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        # PROVISIONED without ProvisionedThroughput
        self.assertError("ValidationException", self.c.create_table, TableName=name,
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PROVISIONED")
        # a BOOL key type is not a key type (S, N, B only)
        self.assertError("ValidationException", self.c.create_table, TableName=name,
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}],
                         BillingMode="PAY_PER_REQUEST")
        # a table name with a character outside [a-zA-Z0-9_.-]
        self.assertError("ValidationException", self.c.create_table, TableName="bad name!",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        self.assertNotIn(name, self.c.list_tables()["TableNames"])

    def test_provisioned_throughput_accepted(self):
        name, resp = self.create_table(BillingMode="PROVISIONED",
                                       ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
        t = self.c.describe_table(TableName=name)["Table"]
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 4)

    def test_list_tables_paging(self):
        prefix = unique("list")
        names = [prefix + suffix for suffix in ("_a", "_b", "_c", "_d", "_e")]
        for n in reversed(names):
            self.create_table(name=n, wait=False)
        for n in names:
            self.wait_active(n)

        seen, pages, kw = [], 0, {}
        while True:
            resp = self.c.list_tables(Limit=2, **kw)
            pages += 1
            self.assertLessEqual(len(resp["TableNames"]), 2)
            seen += resp["TableNames"]
            if "LastEvaluatedTableName" not in resp:
                break
            self.assertEqual(resp["LastEvaluatedTableName"], resp["TableNames"][-1])
            kw = {"ExclusiveStartTableName": resp["LastEvaluatedTableName"]}
            self.assertLess(pages, 1000)
        self.assertEqual(len(seen), len(set(seen)), "a table was listed twice")
        self.assertEqual(seen, sorted(seen), "ListTables must return names in ascending order")
        self.assertEqual([n for n in seen if n.startswith(prefix)], names)

        # ExclusiveStartTableName is exclusive
        resp = self.c.list_tables(ExclusiveStartTableName=names[1], Limit=2)
        self.assertEqual(resp["TableNames"], names[2:4])
        # the paginator follows LastEvaluatedTableName as well
        all_names = []
        for page in self.c.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 3}):
            all_names += page["TableNames"]
        self.assertEqual([n for n in all_names if n.startswith(prefix)], names)

    def test_update_table(self):
        name = self.table()
        resp = self.c.update_table(TableName=name, BillingMode="PROVISIONED",
                                   ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 9})
        self.assertEqual(resp["TableDescription"]["TableName"], name)
        t = self.wait_active(name)
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 7)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 9)
        self.assertEqual(t.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"), "PROVISIONED")

        self.c.update_table(TableName=name,
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        t = self.wait_active(name)
        self.assertEqual(t["StreamSpecification"], {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        self.assertIn("LatestStreamArn", t)
        self.assertError("ResourceNotFoundException", self.c.update_table, TableName=unique("nope"),
                         BillingMode="PAY_PER_REQUEST")

    def test_tags(self):
        name, resp = self.create_table()
        arn = resp["TableDescription"]["TableArn"]
        self.assertEqual(self.c.list_tags_of_resource(ResourceArn=arn)["Tags"], [])
        self.c.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.c.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "one"}])  # overwrite
        tags = self.c.list_tags_of_resource(ResourceArn=arn)["Tags"]
        self.assertEqual(sorted(tags, key=lambda x: x["Key"]), [{"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}])
        self.c.untag_resource(ResourceArn=arn, TagKeys=["a"])
        self.assertEqual(self.c.list_tags_of_resource(ResourceArn=arn)["Tags"], [{"Key": "b", "Value": "2"}])

    def test_describe_limits_and_endpoints(self):
        lim = self.c.describe_limits()
        for k in ("AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits",
                  "TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"):
            self.assertIsInstance(lim[k], int, k)
            self.assertGreater(lim[k], 0, k)
        eps = self.c.describe_endpoints()["Endpoints"]
        self.assertGreaterEqual(len(eps), 1)
        self.assertIsInstance(eps[0]["Address"], str)
        self.assertTrue(eps[0]["Address"])
        self.assertIsInstance(eps[0]["CachePeriodInMinutes"], int)


# ---------------------------------------------------------------------------
# Items: put / get / update / delete, ReturnValues, conditions, types
# ---------------------------------------------------------------------------


def S(v):
    return {"S": v}


def N(v):
    return {"N": str(v)}


class ItemTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table()

    def get(self, pk, **kw):
        return self.c.get_item(TableName=self.t, Key={"pk": S(pk)}, ConsistentRead=True, **kw).get("Item")

    def test_put_get_delete_return_values(self):
        item = {"pk": S("k"), "v": N(1), "s": S("x")}
        resp = self.c.put_item(TableName=self.t, Item=item, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)  # no old item
        self.assertEqual(self.get("k"), item)

        item2 = {"pk": S("k"), "v": N(2)}
        resp = self.c.put_item(TableName=self.t, Item=item2, ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], item)  # replaced whole item
        self.assertEqual(self.get("k"), item2)
        resp = self.c.put_item(TableName=self.t, Item=item2, ReturnValues="NONE")
        self.assertNotIn("Attributes", resp)

        # PutItem accepts only NONE and ALL_OLD
        for rv in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
            self.assertError("ValidationException", self.c.put_item, TableName=self.t, Item=item, ReturnValues=rv)
        self.assertEqual(self.get("k"), item2)

        self.assertIsNone(self.get("absent"))
        self.assertEqual(self.get("k", ProjectionExpression="v"), {"v": N(2)})
        # an existing item whose projection matches nothing is an empty Item, not a missing one
        self.assertEqual(self.get("k", ProjectionExpression="nothing_here"), {})

        resp = self.c.delete_item(TableName=self.t, Key={"pk": S("k")}, ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], item2)
        self.assertIsNone(self.get("k"))
        resp = self.c.delete_item(TableName=self.t, Key={"pk": S("k")}, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)  # deleting a missing item is not an error
        resp = self.c.delete_item(TableName=self.t, Key={"pk": S("k")})
        self.assertNotIn("Attributes", resp)
        self.assertError("ValidationException", self.c.delete_item, TableName=self.t, Key={"pk": S("k")},
                         ReturnValues="ALL_NEW")

    def test_update_return_values(self):
        base = {"pk": S("u"), "a": N(1), "b": S("keep"), "c": N(10)}

        def reset():
            self.c.put_item(TableName=self.t, Item=base)

        upd = dict(TableName=self.t, Key={"pk": S("u")}, UpdateExpression="SET a = :a, d = :d",
                   ExpressionAttributeValues={":a": N(2), ":d": S("new")})
        reset()
        resp = self.c.update_item(**upd, ReturnValues="NONE")
        self.assertNotIn("Attributes", resp)
        after = {"pk": S("u"), "a": N(2), "b": S("keep"), "c": N(10), "d": S("new")}
        self.assertEqual(self.get("u"), after)

        reset()
        self.assertNotIn("Attributes", self.c.update_item(**upd))  # default is NONE
        reset()
        self.assertEqual(self.c.update_item(**upd, ReturnValues="ALL_OLD")["Attributes"], base)
        reset()
        self.assertEqual(self.c.update_item(**upd, ReturnValues="ALL_NEW")["Attributes"], after)
        reset()
        # only the updated attributes that existed before
        self.assertEqual(self.c.update_item(**upd, ReturnValues="UPDATED_OLD")["Attributes"], {"a": N(1)})
        reset()
        self.assertEqual(self.c.update_item(**upd, ReturnValues="UPDATED_NEW")["Attributes"],
                         {"a": N(2), "d": S("new")})

        # UpdateItem on a missing item creates it (upsert)
        resp = self.c.update_item(TableName=self.t, Key={"pk": S("fresh")}, UpdateExpression="SET x = :x",
                                  ExpressionAttributeValues={":x": N(5)}, ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"], {"pk": S("fresh"), "x": N(5)})
        # the key itself cannot be updated
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key={"pk": S("fresh")},
                         UpdateExpression="SET pk = :x", ExpressionAttributeValues={":x": S("other")})
        self.assertEqual(self.get("fresh"), {"pk": S("fresh"), "x": N(5)})

    def test_conditions(self):
        item = {"pk": S("c"), "n": N(5), "tag": S("red"), "ss": {"SS": ["x", "y"]}, "l": {"L": [N(1), S("two")]}}
        self.c.put_item(TableName=self.t, Item=item, ConditionExpression="attribute_not_exists(pk)")
        err = self.assertError("ConditionalCheckFailedException", self.c.put_item, TableName=self.t,
                               Item={"pk": S("c"), "n": N(6)}, ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(err.response["Error"]["Message"], "The conditional request failed")
        self.assertEqual(self.get("c"), item)

        # true conditions with comparison, functions, AND/OR/NOT, IN, BETWEEN, size
        for cond, vals in [
            ("n = :v", {":v": N(5)}),
            ("n > :v AND tag = :t", {":v": N(4), ":t": S("red")}),
            ("n BETWEEN :a AND :b", {":a": N(1), ":b": N(5)}),
            ("tag IN (:a, :b)", {":a": S("blue"), ":b": S("red")}),
            ("NOT (n < :v) OR tag = :t", {":v": N(1), ":t": S("x")}),
            ("begins_with(tag, :p) AND contains(tag, :q)", {":p": S("r"), ":q": S("ed")}),
            ("attribute_type(n, :ty) AND size(tag) = :three", {":ty": S("N"), ":three": N(3)}),
            ("n <> :v", {":v": N(6)}),
            ("contains(ss, :x) AND size(ss) = :two AND NOT contains(ss, :z)", {":x": S("x"), ":two": N(2), ":z": S("z")}),
            ("l[1] = :s AND size(l) = :two AND attribute_not_exists(l[2])", {":s": S("two"), ":two": N(2)}),
            ("n < tag OR n = :v", {":v": N(5)}),  # comparing different types is false, not an error
        ]:
            self.c.update_item(TableName=self.t, Key={"pk": S("c")}, UpdateExpression="SET hits = :one",
                               ConditionExpression=cond, ExpressionAttributeValues={**vals, ":one": N(1)})

        # false condition: nothing changes
        self.assertError("ConditionalCheckFailedException", self.c.update_item, TableName=self.t,
                         Key={"pk": S("c")}, UpdateExpression="SET n = :z", ConditionExpression="n > :v",
                         ExpressionAttributeValues={":z": N(0), ":v": N(100)})
        self.assertError("ConditionalCheckFailedException", self.c.delete_item, TableName=self.t,
                         Key={"pk": S("c")}, ConditionExpression="tag = :t", ExpressionAttributeValues={":t": S("blue")})
        self.assertEqual(self.get("c")["n"], N(5))
        # a condition on a missing item sees no attributes
        self.assertError("ConditionalCheckFailedException", self.c.update_item, TableName=self.t,
                         Key={"pk": S("nobody")}, UpdateExpression="SET n = :z",
                         ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":z": N(0)})
        self.assertIsNone(self.get("nobody"))
        self.c.delete_item(TableName=self.t, Key={"pk": S("c")}, ConditionExpression="attribute_exists(pk)")
        self.assertIsNone(self.get("c"))

    def test_condition_failure_returns_item_when_asked(self):
        # botocore 1.29 (Debian 12) predates ReturnValuesOnConditionCheckFailure on PutItem, so raw HTTP.
        item = {"pk": S("rv"), "n": N(1)}
        self.c.put_item(TableName=self.t, Item=item)
        status, headers, _, doc = self.raw("PutItem", {
            "TableName": self.t, "Item": {"pk": S("rv"), "n": N(2)},
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
        self.assertEqual(status, 400)
        self.assertEqual(doc["__type"], "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
        self.assertEqual(doc["Item"], item)
        status, _, _, doc = self.raw("UpdateItem", {
            "TableName": self.t, "Key": {"pk": S("rv")}, "UpdateExpression": "SET n = :v",
            "ConditionExpression": "n = :old", "ExpressionAttributeValues": {":v": N(3), ":old": N(7)},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
        self.assertEqual(status, 400)
        self.assertTrue(doc["__type"].endswith("#ConditionalCheckFailedException"), doc)
        self.assertEqual(doc["Item"], item)
        # NONE (the default): no Item
        status, _, _, doc = self.raw("DeleteItem", {
            "TableName": self.t, "Key": {"pk": S("rv")}, "ConditionExpression": "n = :old",
            "ExpressionAttributeValues": {":old": N(7)}})
        self.assertEqual(status, 400)
        self.assertNotIn("Item", doc)
        self.assertEqual(self.get("rv"), item)

    def test_update_actions(self):
        k = {"pk": S("act")}
        self.c.put_item(TableName=self.t, Item={
            "pk": S("act"), "n": N(10), "lst": {"L": [N(1), N(2)]}, "ss": {"SS": ["a", "b", "c"]},
            "ns": {"NS": ["1", "2"]}, "gone": S("x"), "gone2": N(1), "amt": N("0.1")})

        def upd(expr, vals=None, names=None):
            kw = dict(TableName=self.t, Key=k, UpdateExpression=expr, ReturnValues="ALL_NEW")
            if vals:
                kw["ExpressionAttributeValues"] = vals
            if names:
                kw["ExpressionAttributeNames"] = names
            return self.c.update_item(**kw)["Attributes"]

        a = upd("SET n = n + :d, m = n - :d, cnt = if_not_exists(cnt, :zero) + :one",
                {":d": N(3), ":zero": N(0), ":one": N(1)})
        self.assertEqual(a["n"], N(13))
        self.assertEqual(a["m"], N(7))  # right-hand sides see the old item
        self.assertEqual(a["cnt"], N(1))
        a = upd("SET cnt = if_not_exists(cnt, :zero) + :one", {":zero": N(0), ":one": N(1)})
        self.assertEqual(a["cnt"], N(2))
        a = upd("SET amt = amt + :x", {":x": N("0.2")})
        self.assertEqual(a["amt"], N("0.3"))  # decimal arithmetic, not binary floating point
        a = upd("SET lst = list_append(lst, :more)", {":more": {"L": [N(3)]}})
        self.assertEqual(a["lst"], {"L": [N(1), N(2), N(3)]})
        a = upd("SET lst = list_append(:front, lst)", {":front": {"L": [S("zero")]}})
        self.assertEqual(a["lst"], {"L": [S("zero"), N(1), N(2), N(3)]})
        a = upd("SET lst[1] = :v, dup = n", {":v": S("one")})
        self.assertEqual(a["lst"], {"L": [S("zero"), S("one"), N(2), N(3)]})
        self.assertEqual(a["dup"], N(13))
        a = upd("SET lst[10] = :v", {":v": S("end")})  # past the end appends
        self.assertEqual(a["lst"], {"L": [S("zero"), S("one"), N(2), N(3), S("end")]})
        a = upd("REMOVE gone, lst[0], lst[2]")
        self.assertNotIn("gone", a)
        self.assertEqual(a["lst"], {"L": [S("one"), N(3), S("end")]})  # removal shifts
        a = upd("REMOVE #g", names={"#g": "gone2"})
        self.assertNotIn("gone2", a)
        a = upd("ADD n :five, newnum :two, ss :more, newset :ns",
                {":five": N(5), ":two": N(2), ":more": {"SS": ["c", "d"]}, ":ns": {"NS": ["7"]}})
        self.assertEqual(a["n"], N(18))
        self.assertEqual(a["newnum"], N(2))  # ADD to a missing number starts from 0
        self.assertEqual(sorted(a["ss"]["SS"]), ["a", "b", "c", "d"])
        self.assertEqual(a["newset"], {"NS": ["7"]})
        a = upd("DELETE ss :rm, ns :rmn", {":rm": {"SS": ["a", "zz"]}, ":rmn": {"NS": ["1", "2"]}})
        self.assertEqual(sorted(a["ss"]["SS"]), ["b", "c", "d"])
        self.assertNotIn("ns", a)  # a set emptied by DELETE disappears
        a = upd("SET x = :x REMOVE dup ADD n :one DELETE ss :b", {":x": S("y"), ":one": N(1), ":b": {"SS": ["b"]}})
        self.assertEqual((a["x"], a["n"], sorted(a["ss"]["SS"])), (S("y"), N(19), ["c", "d"]))
        self.assertNotIn("dup", a)

        before = self.get("act")
        bad = [
            ("ADD lst :v", {":v": N(1)}),  # ADD to a list
            ("SET n = n + :s", {":s": S("x")}),  # arithmetic on a string
            ("SET n = :v REMOVE n", {":v": N(1)}),  # two actions on one path
            ("SET n = :v", {":v": N(1), ":unused": N(2)}),  # unused value
            ("SET n = :missing", {":v": N(1)}),  # undefined value
            ("DELETE n :v", {":v": N(1)}),  # DELETE needs a set
            ("ADD ss :v", {":v": {"NS": ["1"]}}),  # set type mismatch
            ("SET n = ", {":v": N(1)}),  # syntax error
            ("SET nope.deep = :v", {":v": N(1)}),  # parent path does not exist
        ]
        for expr, vals in bad:
            with self.subTest(expr=expr):
                self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key=k,
                                 UpdateExpression=expr, ExpressionAttributeValues=vals)
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key=k,
                         UpdateExpression="SET n = :v", ExpressionAttributeValues={":v": N(1)},
                         ExpressionAttributeNames={"#unused": "x"})
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key=k,
                         UpdateExpression="SET #undefined = :v", ExpressionAttributeValues={":v": N(1)})
        # the result of arithmetic must stay within DynamoDB's range (1E+126)
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key=k,
                         UpdateExpression="SET n = :a + :b",
                         ExpressionAttributeValues={":a": N("9.9E+125"), ":b": N("9.9E+125")})
        self.assertEqual(self.get("act"), before, "a rejected update changed the item")

    def test_nested_paths(self):
        doc = {"pk": S("nest"), "a": {"M": {"b": {"L": [{"M": {"c": N(1)}}, {"M": {"c": N(2), "d": S("x")}}]},
                                          "dotted.name": S("dot")}}}
        self.c.put_item(TableName=self.t, Item=doc)
        got = self.get("nest", ProjectionExpression="a.b[1].c")
        self.assertEqual(got, {"a": {"M": {"b": {"L": [{"M": {"c": N(2)}}]}}}})
        got = self.get("nest", ProjectionExpression="a.#d, a.b[0]", ExpressionAttributeNames={"#d": "dotted.name"})
        self.assertEqual(got, {"a": {"M": {"dotted.name": S("dot"), "b": {"L": [{"M": {"c": N(1)}}]}}}})

        resp = self.c.update_item(TableName=self.t, Key={"pk": S("nest")},
                                  UpdateExpression="SET a.b[1].c = a.b[1].c + :inc, a.b[0].e = :e REMOVE a.b[1].d",
                                  ConditionExpression="a.b[0].c = :one AND attribute_exists(a.b[1].d)",
                                  ExpressionAttributeValues={":inc": N(40), ":e": S("new"), ":one": N(1)},
                                  ReturnValues="UPDATED_NEW")
        self.assertEqual(resp["Attributes"], {"a": {"M": {"b": {"L": [{"M": {"e": S("new")}}, {"M": {"c": N(42)}}]}}}})
        item = self.get("nest")
        self.assertEqual(item["a"]["M"]["b"]["L"], [{"M": {"c": N(1), "e": S("new")}}, {"M": {"c": N(42)}}])
        self.assertEqual(item["a"]["M"]["dotted.name"], S("dot"))

        # a condition on a nested path that fails
        self.assertError("ConditionalCheckFailedException", self.c.delete_item, TableName=self.t,
                         Key={"pk": S("nest")}, ConditionExpression="a.b[1].c = :v",
                         ExpressionAttributeValues={":v": N(2)})
        # SET through an element that is not a map is invalid
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key={"pk": S("nest")},
                         UpdateExpression="SET a.b[5].c = :v", ExpressionAttributeValues={":v": N(1)})
        self.assertEqual(self.get("nest"), item)

    def test_all_types_round_trip(self):
        item = {
            "pk": S("types"),
            "s": S("héllo ✓"), "empty": S(""),
            "n": N("-12.5"), "big": N("12345678901234567890.123456789"), "tiny": N("1E-130"),
            "huge": N("9.9999999999999999999999999999999999999E+125"),
            "b": {"B": b"\x00\x01\xfe\xff"},
            "t": {"BOOL": True}, "f": {"BOOL": False}, "nul": {"NULL": True},
            "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2.5", "-3"]}, "bs": {"BS": [b"\x01", b"\x02"]},
            "l": {"L": [S("a"), N(1), {"NULL": True}, {"L": []}, {"M": {}}]},
            "m": {"M": {"inner": {"M": {"deep": {"BOOL": True}}}, "list": {"L": [{"B": b"z"}]}}},
        }
        self.c.put_item(TableName=self.t, Item=item)
        got = self.get("types")
        for key in ("ss", "ns", "bs"):  # sets are unordered
            typ = next(iter(item[key]))
            self.assertEqual(sorted(got[key][typ]), sorted(item[key][typ]), key)
            got[key] = item[key]
        for key in ("tiny", "huge"):  # the extremes of the range, exact (notation is DynamoDB's choice)
            self.assertEqual(Decimal(got[key]["N"]), Decimal(item[key]["N"]), key)
            got[key] = item[key]
        self.assertEqual(got, item)

        # numbers are canonical on output
        self.c.put_item(TableName=self.t, Item={"pk": S("num"), "a": N("1.50"), "b": N("007"), "c": N("-0"),
                                                  "d": N("1e2"), "e": N("0.000")})
        got = self.get("num")
        self.assertEqual((got["a"], got["b"], got["c"], got["d"], got["e"]),
                         (N("1.5"), N("7"), N("0"), N("100"), N("0")))

        # binary and number keys
        tb = self.table(("id", "B"))
        self.c.put_item(TableName=tb, Item={"id": {"B": b"\x00key"}, "v": N(1)})
        self.assertEqual(self.c.get_item(TableName=tb, Key={"id": {"B": b"\x00key"}})["Item"]["v"], N(1))
        tn = self.table(("id", "N"))
        self.c.put_item(TableName=tn, Item={"id": N("10.0"), "v": N(1)})
        self.assertEqual(self.c.get_item(TableName=tn, Key={"id": N("1E1")})["Item"], {"id": N("10"), "v": N(1)})

    def test_resource_api(self):
        table = self.r.Table(self.t)
        big = Decimal("12345678901234567890.123456789")
        table.put_item(Item={"pk": "res", "big": big, "tags": {"a", "b"}, "nums": {Decimal(1), Decimal(2)},
                             "bin": Binary(b"\x00\x01"), "nested": {"list": [1, "two", {"three": 3}]},
                             "flag": True, "nothing": None})
        item = table.get_item(Key={"pk": "res"}, ConsistentRead=True)["Item"]
        self.assertEqual(item["big"], big)
        self.assertEqual(str(item["big"]), "12345678901234567890.123456789")
        self.assertEqual(item["tags"], {"a", "b"})
        self.assertEqual(item["nums"], {Decimal(1), Decimal(2)})
        self.assertEqual(item["bin"], Binary(b"\x00\x01"))
        self.assertEqual(item["nested"], {"list": [Decimal(1), "two", {"three": Decimal(3)}]})
        self.assertIs(item["flag"], True)
        self.assertIsNone(item["nothing"])

        resp = table.update_item(Key={"pk": "res"}, UpdateExpression="SET big = big + :x ADD tags :t",
                                 ConditionExpression=Attr("flag").eq(True) & Attr("big").gt(0),
                                 ExpressionAttributeValues={":x": Decimal("0.876543211"), ":t": {"c"}},
                                 ReturnValues="UPDATED_NEW")
        self.assertEqual(resp["Attributes"]["big"], Decimal("12345678901234567891"))
        self.assertEqual(resp["Attributes"]["tags"], {"a", "b", "c"})

        with self.assertRaises(ClientError) as cm:
            table.delete_item(Key={"pk": "res"}, ConditionExpression=Attr("flag").eq(False))
        self.assertEqual(cm.exception.response["Error"]["Code"], "ConditionalCheckFailedException")

        rt = self.r.Table(self.table(("pk", "S"), ("sk", "N")))
        with rt.batch_writer() as bw:
            for i in range(30):
                bw.put_item(Item={"pk": "g", "sk": i, "even": i % 2 == 0})
        got = rt.query(KeyConditionExpression=Key("pk").eq("g") & Key("sk").between(5, 9))["Items"]
        self.assertEqual([x["sk"] for x in got], [5, 6, 7, 8, 9])
        got = rt.query(KeyConditionExpression=Key("pk").eq("g") & Key("sk").lt(3), ScanIndexForward=False)["Items"]
        self.assertEqual([x["sk"] for x in got], [2, 1, 0])
        got = rt.scan(FilterExpression=Attr("even").eq(True) & Attr("sk").gte(20))["Items"]
        self.assertEqual(sorted(x["sk"] for x in got), [20, 22, 24, 26, 28])
        self.assertEqual(rt.item_count, rt.meta.client.describe_table(TableName=rt.name)["Table"]["ItemCount"])
        table.delete_item(Key={"pk": "res"})
        self.assertNotIn("Item", table.get_item(Key={"pk": "res"}))


# ---------------------------------------------------------------------------
# Query and Scan
# ---------------------------------------------------------------------------


class QueryTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table(("pk", "S"), ("sk", "N"))
        self.ts = self.table(("pk", "S"), ("sk", "S"))
        reqs = [{"PutRequest": {"Item": {"pk": S("p"), "sk": N(i), "odd": {"BOOL": i % 2 == 1}, "v": S("v%d" % i)}}}
                for i in range(20)]
        reqs += [{"PutRequest": {"Item": {"pk": S("other"), "sk": N(i)}}} for i in range(5)]
        for i in range(0, len(reqs), 25):
            self.c.batch_write_item(RequestItems={self.t: reqs[i:i + 25]})
        sreqs = [{"PutRequest": {"Item": {"pk": S("p"), "sk": S(s)}}}
                 for s in ("a#1", "a#2", "a#10", "b#1", "b#2", "c")]
        self.c.batch_write_item(RequestItems={self.ts: sreqs})

    def q(self, table, cond, vals, **kw):
        return self.c.query(TableName=table, KeyConditionExpression=cond, ExpressionAttributeValues=vals, **kw)

    def test_key_conditions(self):
        resp = self.q(self.t, "pk = :p", {":p": S("p")})
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], [str(i) for i in range(20)])  # numeric order
        self.assertEqual(resp["Count"], 20)
        self.assertEqual(resp["ScannedCount"], 20)
        self.assertNotIn("LastEvaluatedKey", resp)
        resp = self.q(self.t, "pk = :p AND sk < :n", {":p": S("p"), ":n": N(5)})
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], ["0", "1", "2", "3", "4"])
        resp = self.q(self.t, "pk = :p AND sk >= :n", {":p": S("p"), ":n": N(17)})
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], ["17", "18", "19"])
        resp = self.q(self.t, "pk = :p AND sk BETWEEN :a AND :b", {":p": S("p"), ":a": N(3), ":b": N(6)})
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], ["3", "4", "5", "6"])
        resp = self.q(self.t, "sk = :s AND #k = :p", {":p": S("p"), ":s": N(7)}, ExpressionAttributeNames={"#k": "pk"})
        self.assertEqual(len(resp["Items"]), 1)
        self.assertEqual(resp["Items"][0]["v"], S("v7"))
        resp = self.q(self.ts, "pk = :p AND begins_with(sk, :pre)", {":p": S("p"), ":pre": S("a#")})
        self.assertEqual([x["sk"]["S"] for x in resp["Items"]], ["a#1", "a#10", "a#2"])  # byte order
        resp = self.q(self.ts, "pk = :p AND sk BETWEEN :a AND :b", {":p": S("p"), ":a": S("a#2"), ":b": S("b#1")})
        self.assertEqual([x["sk"]["S"] for x in resp["Items"]], ["a#2", "b#1"])
        resp = self.q(self.ts, "pk = :p AND sk > :a", {":p": S("p"), ":a": S("b#2")})
        self.assertEqual([x["sk"]["S"] for x in resp["Items"]], ["c"])
        resp = self.q(self.t, "pk = :p", {":p": S("nobody")})
        self.assertEqual((resp["Items"], resp["Count"]), ([], 0))

    def test_sort_key_ordering(self):
        # numbers by value, strings by UTF-8 bytes, binary by unsigned bytes
        cases = [
            ("N", ["-1E+10", "-10", "-2", "-0.5", "0", "0.001", "1.5", "2", "10", "1E+20"]),
            ("S", ["", "A", "Z", "a", "z", "~", "\u00e9", "\u4e2d", "\U0001f600"][1:]),
            ("B", [b"\x00", b"\x00\x00", b"\x01", b"\x7f", b"\x80", b"\xfe", b"\xff", b"\xff\x00"]),
        ]
        for typ, ordered in cases:
            with self.subTest(type=typ):
                t = self.table(("pk", "S"), ("sk", typ))
                shuffled = ordered[::2] + ordered[1::2]
                self.c.batch_write_item(RequestItems={t: [
                    {"PutRequest": {"Item": {"pk": S("o"), "sk": {typ: v}}}} for v in shuffled]})
                items = self.q(t, "pk = :p", {":p": S("o")})["Items"]
                got = [x["sk"][typ] for x in items]
                if typ == "N":
                    got = [Decimal(v) for v in got]
                    ordered = [Decimal(v) for v in ordered]
                self.assertEqual(got, ordered)
                back = self.q(t, "pk = :p", {":p": S("o")}, ScanIndexForward=False)["Items"]
                self.assertEqual(len(back), len(ordered))
                # a range condition uses the same order
                mid = ordered[len(ordered) // 2]
                midv = str(mid) if typ == "N" else mid
                items = self.q(t, "pk = :p AND sk > :m", {":p": S("o"), ":m": {typ: midv}})["Items"]
                self.assertEqual(len(items), len(ordered) - len(ordered) // 2 - 1)

    def test_backwards_limit_paging(self):
        resp = self.q(self.t, "pk = :p", {":p": S("p")}, ScanIndexForward=False)
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], [str(i) for i in range(19, -1, -1)])

        for forward in (True, False):
            seen, pages, kw = [], 0, {}
            while True:
                resp = self.q(self.t, "pk = :p", {":p": S("p")}, Limit=3, ScanIndexForward=forward, **kw)
                pages += 1
                self.assertLessEqual(len(resp["Items"]), 3)
                self.assertEqual(resp["Count"], len(resp["Items"]))
                seen += [int(x["sk"]["N"]) for x in resp["Items"]]
                if "LastEvaluatedKey" not in resp:
                    break
                self.assertEqual(resp["LastEvaluatedKey"], {"pk": S("p"), "sk": resp["Items"][-1]["sk"]})
                kw = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
                self.assertLess(pages, 100)
            expected = list(range(20)) if forward else list(range(19, -1, -1))
            self.assertEqual(seen, expected, "each item exactly once, in order")

        pages = list(self.c.get_paginator("query").paginate(
            TableName=self.t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p")},
            PaginationConfig={"PageSize": 7}))
        self.assertEqual(sum(p["Count"] for p in pages), 20)
        self.assertGreaterEqual(len(pages), 3)

    def test_filter_select_projection(self):
        resp = self.q(self.t, "pk = :p", {":p": S("p"), ":t": {"BOOL": True}}, FilterExpression="odd = :t")
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], [str(i) for i in range(1, 20, 2)])
        self.assertEqual(resp["Count"], 10)
        self.assertEqual(resp["ScannedCount"], 20)
        # Limit counts items read before the filter
        resp = self.q(self.t, "pk = :p", {":p": S("p"), ":t": {"BOOL": True}}, FilterExpression="odd = :t", Limit=5)
        self.assertEqual(resp["ScannedCount"], 5)
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], ["1", "3"])
        self.assertEqual(resp["LastEvaluatedKey"], {"pk": S("p"), "sk": N(4)})

        resp = self.q(self.t, "pk = :p", {":p": S("p")}, Select="COUNT")
        self.assertEqual(resp["Count"], 20)
        self.assertNotIn("Items", resp)
        resp = self.q(self.t, "pk = :p AND sk < :n", {":p": S("p"), ":n": N(2)}, ProjectionExpression="v, sk")
        self.assertEqual(resp["Items"], [{"sk": N(0), "v": S("v0")}, {"sk": N(1), "v": S("v1")}])
        resp = self.q(self.t, "pk = :p AND sk < :n", {":p": S("p"), ":n": N(1)}, Select="SPECIFIC_ATTRIBUTES",
                      ProjectionExpression="#v", ExpressionAttributeNames={"#v": "v"})
        self.assertEqual(resp["Items"], [{"v": S("v0")}])

    def test_invalid_queries(self):
        for cond, vals in [
            ("sk = :n", {":n": N(1)}),  # no partition key condition
            ("pk = :p AND v = :v", {":p": S("p"), ":v": S("v1")}),  # not a key attribute
            ("pk < :p", {":p": S("p")}),  # partition key needs =
            ("pk = :p", {":p": N(1)}),  # wrong key type
            ("pk = :p AND begins_with(sk, :n)", {":p": S("p"), ":n": N(1)}),  # begins_with on a number
            ("pk = :p OR sk = :n", {":p": S("p"), ":n": N(1)}),  # OR is not allowed
        ]:
            with self.subTest(cond=cond):
                self.assertError("ValidationException", self.q, self.t, cond, vals)
        status, _, _, doc = self.raw("Query", {"TableName": self.t, "KeyConditionExpression": "pk = :p",
                                               "ExpressionAttributeValues": {":p": S("p")}, "Limit": 0})
        self.assertEqual((status, doc["__type"]), (400, "com.amazon.coral.validate#ValidationException"))
        self.assertError("ValidationException", self.q, self.t, "pk = :p", {":p": S("p")}, Select="COUNT",
                         ProjectionExpression="v")


class ScanTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table()
        reqs = [{"PutRequest": {"Item": {"pk": S("item%03d" % i), "n": N(i)}}} for i in range(60)]
        for i in range(0, 60, 25):
            self.c.batch_write_item(RequestItems={self.t: reqs[i:i + 25]})

    def test_paging(self):
        seen, pages, kw = [], 0, {}
        while True:
            resp = self.c.scan(TableName=self.t, Limit=7, **kw)
            pages += 1
            self.assertLessEqual(len(resp["Items"]), 7)
            self.assertEqual(resp["ScannedCount"], len(resp["Items"]))
            seen += [x["pk"]["S"] for x in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                break
            self.assertEqual(set(resp["LastEvaluatedKey"]), {"pk"})
            kw = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
            self.assertLess(pages, 100)
        self.assertEqual(sorted(seen), ["item%03d" % i for i in range(60)])
        self.assertEqual(len(seen), 60, "an item was returned twice")
        self.assertGreaterEqual(pages, 9)

    def test_parallel_segments(self):
        for total in (1, 3, 4):
            seen = []
            for seg in range(total):
                seen += [x["pk"]["S"] for x in self.scan_all(self.t, Segment=seg, TotalSegments=total, Limit=5)]
            self.assertEqual(sorted(seen), ["item%03d" % i for i in range(60)], "TotalSegments=%d" % total)
        self.assertError("ValidationException", self.c.scan, TableName=self.t, Segment=4, TotalSegments=4)
        self.assertError("ValidationException", self.c.scan, TableName=self.t, Segment=0)
        self.assertError("ValidationException", self.c.scan, TableName=self.t, Segment=0, TotalSegments=1000001)

    def test_filter_count_projection(self):
        resp = self.c.scan(TableName=self.t, FilterExpression="n >= :a AND n < :b",
                           ExpressionAttributeValues={":a": N(10), ":b": N(15)})
        self.assertEqual(sorted(int(x["n"]["N"]) for x in resp["Items"]), [10, 11, 12, 13, 14])
        self.assertEqual(resp["Count"], 5)
        self.assertEqual(resp["ScannedCount"], 60)
        resp = self.c.scan(TableName=self.t, Select="COUNT", FilterExpression="n < :b",
                           ExpressionAttributeValues={":b": N(30)})
        self.assertEqual(resp["Count"], 30)
        self.assertNotIn("Items", resp)
        items = self.scan_all(self.t, ProjectionExpression="n")
        self.assertEqual(len(items), 60)
        self.assertTrue(all(set(x) == {"n"} for x in items))


class PageSizeLimitTest(Base):
    """Query and Scan stop a page at 1 MB of data; BatchGetItem at 16 MB (UnprocessedKeys)."""

    def test_one_megabyte_pages(self):
        t = self.table(("pk", "S"), ("sk", "N"))
        blob = "x" * (100 * 1024)
        for start in (0, 25):
            self.c.batch_write_item(RequestItems={t: [
                {"PutRequest": {"Item": {"pk": S("big"), "sk": N(i), "d": S(blob)}}} for i in range(start, start + 25)]})
        resp = self.c.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("big")})
        self.assertIn("LastEvaluatedKey", resp, "50 items of 100 KB do not fit in one 1 MB page")
        self.assertLess(len(resp["Items"]), 50)
        self.assertGreaterEqual(len(resp["Items"]), 5)
        self.assertLessEqual(len(resp["Items"]), 11)  # 1 MB / 100 KB (+ the item that crosses the limit)
        seen, kw = [], {}
        while True:
            resp = self.c.query(TableName=t, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": S("big")}, ProjectionExpression="sk", **kw)
            seen += [int(x["sk"]["N"]) for x in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                break
            kw = {"ExclusiveStartKey": resp["LastEvaluatedKey"]}
        self.assertEqual(seen, list(range(50)))
        resp = self.c.scan(TableName=t, Select="COUNT")
        self.assertIn("LastEvaluatedKey", resp, "Scan must also stop at 1 MB, even with Select=COUNT")
        self.assertLess(resp["Count"], 50)
        self.assertEqual(self.count(t), 50)

    def test_batch_get_16_megabytes(self):
        t = self.table()
        blob = "y" * (350 * 1024)
        keys = ["k%03d" % i for i in range(60)]  # 60 x 350 KB = 21 MB > 16 MB
        for i in range(0, 60, 20):
            self.c.batch_write_item(RequestItems={t: [
                {"PutRequest": {"Item": {"pk": S(k), "d": S(blob)}}} for k in keys[i:i + 20]]})
        resp = self.c.batch_get_item(RequestItems={t: {"Keys": [{"pk": S(k)} for k in keys]}})
        got = [x["pk"]["S"] for x in resp["Responses"].get(t, [])]
        self.assertLess(len(got), 60)
        self.assertLessEqual(len(got) * 350 * 1024, 16 * 1024 * 1024 + 350 * 1024)
        unprocessed = [x["pk"]["S"] for x in resp["UnprocessedKeys"][t]["Keys"]]
        self.assertEqual(sorted(got + unprocessed), keys, "every key is either returned or unprocessed, once")
        resp = self.c.batch_get_item(RequestItems=resp["UnprocessedKeys"])
        got += [x["pk"]["S"] for x in resp["Responses"].get(t, [])]
        if resp["UnprocessedKeys"]:
            got += [x["pk"]["S"] for x in self.c.batch_get_item(RequestItems=resp["UnprocessedKeys"])["Responses"][t]]
        self.assertEqual(sorted(got), keys)


class DynamoDBDetailsTest(Base):
    """Smaller documented behaviours: messages in DynamoDB's words, parameter checks, capacity."""

    def test_messages(self):
        t = self.table(("pk", "S"), ("sk", "N"))
        err = self.assertError("ValidationException", self.c.get_item, TableName=t, Key={"pk": S("a")})
        self.assertIn("The provided key element does not match the schema", err.response["Error"]["Message"])
        err = self.assertError("ValidationException", self.c.get_item, TableName=t, Key={"pk": N(1), "sk": N(1)})
        self.assertIn("The provided key element does not match the schema", err.response["Error"]["Message"])
        err = self.assertError("ResourceNotFoundException", self.c.get_item, TableName=unique("nope"),
                               Key={"pk": S("a")})
        self.assertIn("Requested resource not found", err.response["Error"]["Message"])
        err = self.assertError("ValidationException", self.c.batch_write_item, RequestItems={t: [
            {"PutRequest": {"Item": {"pk": S("d"), "sk": N(1)}}}, {"PutRequest": {"Item": {"pk": S("d"), "sk": N(1)}}}]})
        self.assertIn("Provided list of item keys contains duplicates", err.response["Error"]["Message"])
        err = self.assertError("ValidationException", self.c.put_item, TableName=t,
                               Item={"pk": S("big"), "sk": N(1), "d": S("x" * 410000)})
        self.assertIn("Item size has exceeded the maximum allowed size", err.response["Error"]["Message"])
        err = self.assertError("ValidationException", self.c.update_item, TableName=t, Key={"pk": S("a"), "sk": N(1)},
                               UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": N(1), ":unused": N(2)})
        self.assertIn("Value provided in ExpressionAttributeValues unused in expressions", err.response["Error"]["Message"])
        self.assertIn(":unused", err.response["Error"]["Message"])
        err = self.assertError("ValidationException", self.c.query, TableName=t, IndexName="no_such_index",
                               KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("a")})
        self.assertIn("The table does not have the specified index: no_such_index", err.response["Error"]["Message"])
        self.assertEqual(self.count(t), 0)

    def test_parameter_checks(self):
        t = self.table()
        self.assertError("ValidationException", self.c.put_item, TableName=t, Item={"pk": S("a")},
                         ConditionExpression="attribute_not_exists(pk)", ExpressionAttributeValues={})
        self.assertError("ValidationException", self.c.put_item, TableName=t, Item={"pk": S("a")},
                         ExpressionAttributeValues={":v": N(1)})  # values without an expression
        self.assertError("ValidationException", self.c.put_item, TableName=t, Item={"pk": S("a")},
                         ConditionExpression="#n = :v", ExpressionAttributeValues={":v": N(1)})  # undefined name
        self.assertError("ValidationException", self.c.scan, TableName=t, Select="ALL_ATTRIBUTES",
                         ProjectionExpression="pk")
        self.assertError("ValidationException", self.c.get_item, TableName=t, Key={"pk": S("a")},
                         ProjectionExpression="a, a")  # overlapping projection paths
        status, _, _, doc = self.raw("ListTables", {"Limit": 101})
        self.assertEqual((status, doc["__type"]), (400, "com.amazon.coral.validate#ValidationException"))
        self.assertEqual(self.count(t), 0)

    def test_on_demand_table_description(self):
        t = self.table()
        d = self.c.describe_table(TableName=t)["Table"]
        pt = d["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"], pt["NumberOfDecreasesToday"]), (0, 0, 0))
        self.assertEqual(d["TableArn"], "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, t))

    def test_read_capacity_of_batches_and_transactions(self):
        t = self.table()
        self.c.put_item(TableName=t, Item={"pk": S("a")})
        self.c.put_item(TableName=t, Item={"pk": S("b")})
        resp = self.c.transact_get_items(TransactItems=[{"Get": {"TableName": t, "Key": {"pk": S("a")}}}],
                                         ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"][0]["TableName"], t)
        self.assertEqual(resp["ConsumedCapacity"][0]["CapacityUnits"], 2.0)  # transactional read: 2 units
        resp = self.c.batch_get_item(RequestItems={t: {"Keys": [{"pk": S("a")}, {"pk": S("b")}]}},
                                     ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"][0]["TableName"], t)
        self.assertEqual(resp["ConsumedCapacity"][0]["CapacityUnits"], 1.0)  # 2 x 0.5, eventually consistent
        resp = self.c.delete_item(TableName=t, Key={"pk": S("a")}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"]["CapacityUnits"], 1.0)
        resp = self.c.update_item(TableName=t, Key={"pk": S("b")}, UpdateExpression="SET v = :v",
                                  ExpressionAttributeValues={":v": S("z" * 2000)}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"]["CapacityUnits"], 2.0)  # the larger of old and new: 2006 bytes


class ConcurrencyTest(Base):
    """Several clients at once over keep-alive connections: atomic updates, conditions, transactions."""

    def run_threads(self, n, fn):
        import threading
        errors = []
        clients = [self.srv().client() for _ in range(n)]  # boto3 sessions are not thread-safe to create

        def wrap(i):
            try:
                fn(i, clients[i])
            except BaseException as e:  # noqa: BLE001 (reported below)
                errors.append(e)

        threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        self.assertEqual(errors, [])

    def test_atomic_counter_and_conditional_create(self):
        t = self.table()
        wins = []

        def work(i, c):
            for _ in range(25):
                c.update_item(TableName=t, Key={"pk": S("counter")}, UpdateExpression="ADD n :one",
                              ExpressionAttributeValues={":one": N(1)})
            for k in range(10):
                try:
                    c.put_item(TableName=t, Item={"pk": S("once%d" % k), "by": N(i)},
                               ConditionExpression="attribute_not_exists(pk)")
                    wins.append(k)
                except ClientError as e:
                    if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                        raise

        self.run_threads(8, work)
        got = self.c.get_item(TableName=t, Key={"pk": S("counter")}, ConsistentRead=True)["Item"]
        self.assertEqual(got["n"], N(200), "lost updates")
        self.assertEqual(sorted(wins), list(range(10)), "each conditional create must succeed exactly once")

    def test_concurrent_transfers_preserve_the_total(self):
        t = self.table()
        accounts = ["a%d" % i for i in range(4)]
        for a in accounts:
            self.c.put_item(TableName=t, Item={"pk": S(a), "bal": N(100)})
        done = []

        def work(i, c):
            for j in range(20):
                src, dst = accounts[(i + j) % 4], accounts[(i + j + 1) % 4]
                try:
                    c.transact_write_items(TransactItems=[
                        {"Update": {"TableName": t, "Key": {"pk": S(src)}, "UpdateExpression": "SET bal = bal - :x",
                                    "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": N(7)}}},
                        {"Update": {"TableName": t, "Key": {"pk": S(dst)}, "UpdateExpression": "SET bal = bal + :x",
                                    "ExpressionAttributeValues": {":x": N(7)}}}])
                    done.append(1)
                except ClientError as e:
                    # conflicting transactions may be cancelled (TransactionConflict) or refused
                    # (TransactionInProgressException); a balance check may fail; nothing else
                    code = e.response["Error"]["Code"]
                    if code not in ("TransactionCanceledException", "TransactionInProgressException"):
                        raise

        self.run_threads(6, work)
        items = self.scan_all(t, ConsistentRead=True)
        self.assertEqual(sum(int(x["bal"]["N"]) for x in items), 400, "money created or destroyed")
        self.assertTrue(all(int(x["bal"]["N"]) >= 0 for x in items))
        self.assertGreater(len(done), 0)


# ---------------------------------------------------------------------------
# Legacy (pre-expression) parameters
# ---------------------------------------------------------------------------


class LegacyParametersTest(Base):
    def test_legacy(self):
        t = self.table(("pk", "S"), ("sk", "N"))
        self.c.put_item(TableName=t, Item={"pk": S("a"), "sk": N(1), "v": S("x"), "w": N(1)},
                        Expected={"pk": {"Exists": False}})
        self.assertError("ConditionalCheckFailedException", self.c.put_item, TableName=t,
                         Item={"pk": S("a"), "sk": N(1)}, Expected={"pk": {"Exists": False}})
        self.c.put_item(TableName=t, Item={"pk": S("a"), "sk": N(1), "v": S("y"), "w": N(1)},
                        Expected={"v": {"Value": S("x")}})
        self.assertError("ConditionalCheckFailedException", self.c.delete_item, TableName=t,
                         Key={"pk": S("a"), "sk": N(1)},
                         Expected={"w": {"ComparisonOperator": "GT", "AttributeValueList": [N(5)]}})

        resp = self.c.update_item(TableName=t, Key={"pk": S("a"), "sk": N(1)}, AttributeUpdates={
            "v": {"Action": "PUT", "Value": S("z")},
            "w": {"Action": "ADD", "Value": N(4)},
            "tags": {"Action": "ADD", "Value": {"SS": ["t1"]}},
        }, ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"], {"pk": S("a"), "sk": N(1), "v": S("z"), "w": N(5), "tags": {"SS": ["t1"]}})
        self.c.update_item(TableName=t, Key={"pk": S("a"), "sk": N(1)}, AttributeUpdates={"v": {"Action": "DELETE"}})

        got = self.c.get_item(TableName=t, Key={"pk": S("a"), "sk": N(1)}, AttributesToGet=["w", "v"])["Item"]
        self.assertEqual(got, {"w": N(5)})

        for i in range(2, 8):
            self.c.put_item(TableName=t, Item={"pk": S("a"), "sk": N(i), "w": N(i * 10)})
        resp = self.c.query(TableName=t, KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("a")]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(2), N(6)]},
        }, QueryFilter={"w": {"ComparisonOperator": "GE", "AttributeValueList": [N(40)]}},
            AttributesToGet=["sk"])
        self.assertEqual(resp["Items"], [{"sk": N(4)}, {"sk": N(5)}, {"sk": N(6)}])
        self.assertEqual(resp["ScannedCount"], 5)
        resp = self.c.scan(TableName=t, ScanFilter={"w": {"ComparisonOperator": "LT", "AttributeValueList": [N(30)]}})
        self.assertEqual(sorted(int(x["sk"]["N"]) for x in resp["Items"]), [1, 2])
        resp = self.c.scan(TableName=t, ConditionalOperator="OR", ScanFilter={
            "w": {"ComparisonOperator": "IN", "AttributeValueList": [N(20), N(70)]},
            "tags": {"ComparisonOperator": "NOT_NULL"}})
        self.assertEqual(sorted(int(x["sk"]["N"]) for x in resp["Items"]), [1, 2, 7])
        resp = self.c.query(TableName=t, KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [S("a")]},
            "sk": {"ComparisonOperator": "LE", "AttributeValueList": [N(3)]}}, ScanIndexForward=False, Limit=2)
        self.assertEqual([x["sk"]["N"] for x in resp["Items"]], ["3", "2"])
        self.c.update_item(TableName=t, Key={"pk": S("a"), "sk": N(1)}, AttributeUpdates={
            "tags": {"Action": "ADD", "Value": {"SS": ["t2", "t3"]}}})
        resp = self.c.update_item(TableName=t, Key={"pk": S("a"), "sk": N(1)}, AttributeUpdates={
            "tags": {"Action": "DELETE", "Value": {"SS": ["t1", "t3"]}}}, ReturnValues="UPDATED_NEW",
            Expected={"w": {"ComparisonOperator": "EQ", "AttributeValueList": [N(5)]},
                      "missing": {"ComparisonOperator": "NULL"}}, ConditionalOperator="AND")
        self.assertEqual(resp["Attributes"], {"tags": {"SS": ["t2"]}})

        # legacy and expression parameters cannot be mixed
        self.assertError("ValidationException", self.c.get_item, TableName=t, Key={"pk": S("a"), "sk": N(1)},
                         AttributesToGet=["w"], ProjectionExpression="w")
        self.assertError("ValidationException", self.c.put_item, TableName=t, Item={"pk": S("b"), "sk": N(1)},
                         Expected={"pk": {"Exists": False}}, ConditionExpression="attribute_not_exists(pk)")
        self.assertIsNone(self.c.get_item(TableName=t, Key={"pk": S("b"), "sk": N(1)}).get("Item"))


# ---------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------


class BatchTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table()

    def puts(self, keys):
        return [{"PutRequest": {"Item": {"pk": S(k), "v": N(1)}}} for k in keys]

    def test_batch_write_limits(self):
        resp = self.c.batch_write_item(RequestItems={self.t: self.puts("k%02d" % i for i in range(25))})
        self.assertEqual(resp["UnprocessedItems"], {})
        self.assertEqual(self.count(self.t), 25)

        self.assertError("ValidationException", self.c.batch_write_item,
                         RequestItems={self.t: self.puts("x%02d" % i for i in range(26))})
        self.assertError("ValidationException", self.c.batch_write_item,
                         RequestItems={self.t: self.puts(["dup", "other", "dup"])})
        self.assertError("ValidationException", self.c.batch_write_item, RequestItems={self.t: [
            {"PutRequest": {"Item": {"pk": S("dup2"), "v": N(1)}}},
            {"DeleteRequest": {"Key": {"pk": S("dup2")}}}]})
        self.assertError("ValidationException", self.c.batch_write_item, RequestItems={})
        # one bad item rejects the whole batch
        self.assertError("ValidationException", self.c.batch_write_item, RequestItems={self.t: [
            {"PutRequest": {"Item": {"pk": S("good")}}}, {"PutRequest": {"Item": {"pk": N(1)}}}]})
        # a missing table rejects the whole batch
        self.assertError("ResourceNotFoundException", self.c.batch_write_item, RequestItems={
            self.t: self.puts(["alsogood"]), unique("nope"): self.puts(["a"])})
        self.assertEqual(self.count(self.t), 25, "a rejected batch wrote something")

        resp = self.c.batch_write_item(RequestItems={self.t: [
            {"DeleteRequest": {"Key": {"pk": S("k%02d" % i)}}} for i in range(10)] + self.puts(["new"])})
        self.assertEqual(resp["UnprocessedItems"], {})
        self.assertEqual(self.count(self.t), 16)

    def test_batch_get_limits(self):
        keys = ["g%03d" % i for i in range(110)]
        for i in range(0, 110, 25):
            self.c.batch_write_item(RequestItems={self.t: self.puts(keys[i:i + 25])})
        resp = self.c.batch_get_item(RequestItems={self.t: {"Keys": [{"pk": S(k)} for k in keys[:100]]}})
        self.assertEqual(resp["UnprocessedKeys"], {})
        self.assertEqual(sorted(x["pk"]["S"] for x in resp["Responses"][self.t]), keys[:100])

        self.assertError("ValidationException", self.c.batch_get_item,
                         RequestItems={self.t: {"Keys": [{"pk": S(k)} for k in keys[:101]]}})
        self.assertError("ValidationException", self.c.batch_get_item,
                         RequestItems={self.t: {"Keys": [{"pk": S("g000")}, {"pk": S("g000")}]}})

        resp = self.c.batch_get_item(RequestItems={self.t: {
            "Keys": [{"pk": S("g001")}, {"pk": S("absent")}, {"pk": S("g002")}],
            "ProjectionExpression": "pk", "ConsistentRead": True}})
        self.assertEqual(sorted(x["pk"]["S"] for x in resp["Responses"][self.t]), ["g001", "g002"])
        self.assertTrue(all(set(x) == {"pk"} for x in resp["Responses"][self.t]))
        self.assertEqual(resp["UnprocessedKeys"], {})

        # two tables, via the resource API
        t2 = self.table(("id", "N"))
        self.c.put_item(TableName=t2, Item={"id": N(1), "x": S("one")})
        resp = self.r.batch_get_item(RequestItems={self.t: {"Keys": [{"pk": "g005"}]}, t2: {"Keys": [{"id": 1}, {"id": 2}]}})
        self.assertEqual(resp["Responses"][self.t], [{"pk": "g005", "v": Decimal(1)}])
        self.assertEqual(resp["Responses"][t2], [{"id": Decimal(1), "x": "one"}])


# ---------------------------------------------------------------------------
# Transactions
# ---------------------------------------------------------------------------


class TransactionTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table()
        self.t2 = self.table(("id", "N"))
        self.c.put_item(TableName=self.t, Item={"pk": S("acct1"), "bal": N(100)})
        self.c.put_item(TableName=self.t, Item={"pk": S("acct2"), "bal": N(0)})
        self.c.put_item(TableName=self.t2, Item={"id": N(1), "state": S("open")})

    def item(self, table, key):
        return self.c.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def test_commit(self):
        self.c.transact_write_items(TransactItems=[
            {"Update": {"TableName": self.t, "Key": {"pk": S("acct1")}, "UpdateExpression": "SET bal = bal - :x",
                        "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": N(30)}}},
            {"Update": {"TableName": self.t, "Key": {"pk": S("acct2")}, "UpdateExpression": "SET bal = bal + :x",
                        "ExpressionAttributeValues": {":x": N(30)}}},
            {"Put": {"TableName": self.t, "Item": {"pk": S("log1"), "amount": N(30)},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"ConditionCheck": {"TableName": self.t2, "Key": {"id": N(1)}, "ConditionExpression": "#s = :o",
                                "ExpressionAttributeNames": {"#s": "state"}, "ExpressionAttributeValues": {":o": S("open")}}},
        ])
        self.assertEqual(self.item(self.t, {"pk": S("acct1")})["bal"], N(70))
        self.assertEqual(self.item(self.t, {"pk": S("acct2")})["bal"], N(30))
        self.assertEqual(self.item(self.t, {"pk": S("log1")}), {"pk": S("log1"), "amount": N(30)})
        self.c.transact_write_items(TransactItems=[{"Delete": {"TableName": self.t, "Key": {"pk": S("log1")}}}])
        self.assertIsNone(self.item(self.t, {"pk": S("log1")}))

    def test_cancellation_is_all_or_nothing(self):
        before = (self.scan_all(self.t), self.scan_all(self.t2))
        err = self.assertError("TransactionCanceledException", self.c.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.t, "Item": {"pk": S("new"), "v": N(1)}}},
            {"ConditionCheck": {"TableName": self.t2, "Key": {"id": N(1)}, "ConditionExpression": "#s = :c",
                                "ExpressionAttributeNames": {"#s": "state"},
                                "ExpressionAttributeValues": {":c": S("closed")},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": self.t, "Key": {"pk": S("acct1")}, "UpdateExpression": "SET bal = :z",
                        "ExpressionAttributeValues": {":z": N(0)}}},
            {"Delete": {"TableName": self.t, "Key": {"pk": S("acct2")}}},
        ])
        reasons = err.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["None", "ConditionalCheckFailed", "None", "None"])
        self.assertEqual(reasons[1]["Item"], {"id": N(1), "state": S("open")})
        self.assertEqual(reasons[1].get("Message"), "The conditional request failed")
        self.assertIn("[None, ConditionalCheckFailed, None, None]", err.response["Error"]["Message"])
        self.assertEqual((self.scan_all(self.t), self.scan_all(self.t2)), before, "a cancelled transaction wrote")

        # the failing item last, condition on a Put
        err = self.assertError("TransactionCanceledException", self.c.transact_write_items, TransactItems=[
            {"Update": {"TableName": self.t, "Key": {"pk": S("acct1")}, "UpdateExpression": "SET bal = :z",
                        "ExpressionAttributeValues": {":z": N(0)}}},
            {"Put": {"TableName": self.t, "Item": {"pk": S("acct2"), "bal": N(5)},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
        self.assertEqual([r["Code"] for r in err.response["CancellationReasons"]], ["None", "ConditionalCheckFailed"])
        self.assertNotIn("Item", err.response["CancellationReasons"][1])
        self.assertEqual((self.scan_all(self.t), self.scan_all(self.t2)), before)

    def test_invalid_transactions(self):
        before = self.scan_all(self.t)
        err = self.assertError("ValidationException", self.c.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.t, "Item": {"pk": S("acct1"), "bal": N(1)}}},
            {"Update": {"TableName": self.t, "Key": {"pk": S("acct1")}, "UpdateExpression": "SET x = :x",
                        "ExpressionAttributeValues": {":x": N(1)}}},
        ])
        self.assertIn("multiple operations on one item", err.response["Error"]["Message"])
        self.assertError("ValidationException", self.c.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.t, "Item": {"pk": S("t%03d" % i)}}} for i in range(101)])
        self.assertError("ValidationException", self.c.transact_get_items, TransactItems=[
            {"Get": {"TableName": self.t, "Key": {"pk": S("t%03d" % i)}}} for i in range(101)])
        self.assertError("ResourceNotFoundException", self.c.transact_write_items, TransactItems=[
            {"Put": {"TableName": self.t, "Item": {"pk": S("x1")}}},
            {"Put": {"TableName": unique("nope"), "Item": {"pk": S("x2")}}}])
        self.assertEqual(self.scan_all(self.t), before)
        # 100 items are fine
        self.c.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.t, "Item": {"pk": S("t%03d" % i)}}} for i in range(100)])
        self.assertEqual(self.count(self.t), len(before) + 100)

    def test_client_request_token_idempotency(self):
        token = uuid.uuid4().hex
        req = [{"Update": {"TableName": self.t, "Key": {"pk": S("acct2")}, "UpdateExpression": "ADD bal :one",
                           "ExpressionAttributeValues": {":one": N(1)}}}]
        self.c.transact_write_items(TransactItems=req, ClientRequestToken=token)
        self.c.transact_write_items(TransactItems=req, ClientRequestToken=token)  # replay: succeeds, no-op
        self.assertEqual(self.item(self.t, {"pk": S("acct2")})["bal"], N(1), "the write must happen once")
        other = [{"Update": {"TableName": self.t, "Key": {"pk": S("acct2")}, "UpdateExpression": "ADD bal :two",
                             "ExpressionAttributeValues": {":two": N(2)}}}]
        self.assertError("IdempotentParameterMismatchException", self.c.transact_write_items,
                         TransactItems=other, ClientRequestToken=token)
        self.assertEqual(self.item(self.t, {"pk": S("acct2")})["bal"], N(1))
        # a new token is a new transaction
        self.c.transact_write_items(TransactItems=req, ClientRequestToken=uuid.uuid4().hex)
        self.assertEqual(self.item(self.t, {"pk": S("acct2")})["bal"], N(2))

    def test_transact_get(self):
        resp = self.c.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.t, "Key": {"pk": S("acct1")}}},
            {"Get": {"TableName": self.t, "Key": {"pk": S("missing")}}},
            {"Get": {"TableName": self.t2, "Key": {"id": N(1)}, "ProjectionExpression": "#s",
                     "ExpressionAttributeNames": {"#s": "state"}}},
        ])
        r = resp["Responses"]
        self.assertEqual(len(r), 3)
        self.assertEqual(r[0]["Item"], {"pk": S("acct1"), "bal": N(100)})
        self.assertNotIn("Item", r[1])
        self.assertEqual(r[2]["Item"], {"state": S("open")})


# ---------------------------------------------------------------------------
# Consumed capacity
# ---------------------------------------------------------------------------


class ConsumedCapacityTest(Base):
    def test_units(self):
        t = self.table()
        # item size = len(names) + len(values): "pk"+"x" = 3, "data" + 4096 = 4100 -> 4103 bytes
        item = {"pk": S("x"), "data": S("d" * 4096)}
        cc = self.c.put_item(TableName=t, Item=item, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(cc["TableName"], t)
        self.assertEqual(cc["CapacityUnits"], 5.0)  # ceil(4103 / 1024) write units
        cc = self.c.put_item(TableName=t, Item={"pk": S("small")}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(cc["CapacityUnits"], 1.0)
        cc = self.c.get_item(TableName=t, Key={"pk": S("x")}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(cc["CapacityUnits"], 1.0)  # 2 read units, eventually consistent: half
        cc = self.c.get_item(TableName=t, Key={"pk": S("x")}, ConsistentRead=True,
                             ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(cc["CapacityUnits"], 2.0)
        cc = self.c.get_item(TableName=t, Key={"pk": S("small")}, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(cc["CapacityUnits"], 0.5)
        resp = self.c.put_item(TableName=t, Item=item, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"]["CapacityUnits"], 5.0)
        self.assertEqual(resp["ConsumedCapacity"]["Table"]["CapacityUnits"], 5.0)
        self.assertNotIn("ConsumedCapacity", self.c.put_item(TableName=t, Item=item))
        self.assertNotIn("ConsumedCapacity", self.c.put_item(TableName=t, Item=item, ReturnConsumedCapacity="NONE"))

        resp = self.c.query(TableName=t, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("x")},
                            ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"]["TableName"], t)
        self.assertGreater(resp["ConsumedCapacity"]["CapacityUnits"], 0)
        resp = self.c.scan(TableName=t, ReturnConsumedCapacity="TOTAL")
        self.assertGreater(resp["ConsumedCapacity"]["CapacityUnits"], 0)
        resp = self.c.batch_write_item(RequestItems={t: [{"PutRequest": {"Item": {"pk": S("b%d" % i)}}} for i in range(3)]},
                                       ReturnConsumedCapacity="TOTAL")
        self.assertEqual(len(resp["ConsumedCapacity"]), 1)
        self.assertEqual(resp["ConsumedCapacity"][0]["TableName"], t)
        self.assertEqual(resp["ConsumedCapacity"][0]["CapacityUnits"], 3.0)
        resp = self.c.transact_write_items(TransactItems=[{"Put": {"TableName": t, "Item": {"pk": S("tx")}}}],
                                           ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"][0]["TableName"], t)
        self.assertEqual(resp["ConsumedCapacity"][0]["CapacityUnits"], 2.0)  # transactions cost double


# ---------------------------------------------------------------------------
# Protocol: headers, CRC32, error envelopes
# ---------------------------------------------------------------------------


class ProtocolTest(Base):
    def check_envelope(self, status, headers, data):
        self.assertEqual(headers.get("content-type"), "application/x-amz-json-1.0")
        self.assertTrue(headers.get("x-amzn-requestid"), "x-amzn-RequestId missing")
        self.assertIn("x-amz-crc32", headers, "x-amz-crc32 missing")
        self.assertEqual(int(headers["x-amz-crc32"]), zlib.crc32(data) & 0xFFFFFFFF, "x-amz-crc32 is not the body's CRC32")

    def test_success_envelope_and_crc32(self):
        t = self.table()
        status, headers, data, doc = self.raw("PutItem", {"TableName": t, "Item": {"pk": S("é"), "v": S("ü" * 100)}})
        self.assertEqual(status, 200)
        self.check_envelope(status, headers, data)
        self.assertEqual(doc, {})
        status, headers, data, doc = self.raw("GetItem", {"TableName": t, "Key": {"pk": S("é")}})
        self.assertEqual(status, 200)
        self.check_envelope(status, headers, data)
        self.assertEqual(doc["Item"]["v"], S("ü" * 100))
        # boto3 itself verifies x-amz-crc32 (ChecksumError otherwise)
        resp = self.c.get_item(TableName=t, Key={"pk": S("é")})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertTrue(resp["ResponseMetadata"]["RequestId"])

    def test_error_envelopes(self):
        t = self.table()
        cases = [
            ("GetItem", {"TableName": unique("nope"), "Key": {"pk": S("a")}},
             "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
            ("GetItem", {"TableName": t, "Key": {"pk": N(1)}}, "com.amazon.coral.validate#ValidationException"),
            ("PutItem", {"TableName": t, "Item": {"pk": S("a")}, "ConditionExpression": "attribute_exists(pk)"},
             "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
            ("CreateTable", {"TableName": t, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                             "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                             "BillingMode": "PAY_PER_REQUEST"},
             "com.amazonaws.dynamodb.v20120810#ResourceInUseException"),
        ]
        for op, payload, typ in cases:
            with self.subTest(op=op, typ=typ):
                status, headers, data, doc = self.raw(op, payload)
                self.assertEqual(status, 400)
                self.check_envelope(status, headers, data)
                self.assertEqual(doc["__type"], typ)
                self.assertTrue(doc.get("message") or doc.get("Message"))
        self.assertEqual(self.count(t), 0)

    def test_unknown_operation(self):
        status, headers, data, doc = self.raw("Frobnicate", {})
        self.assertEqual(status, 400)
        self.assertEqual(doc["__type"], "com.amazon.coral.service#UnknownOperationException")
        status, _, _, doc = self.raw(None, {}, target="SomethingElse_2020.ListTables")
        self.assertEqual(status, 400)
        self.assertTrue(doc["__type"].endswith("#UnknownOperationException"), doc)
        self.assertServerUp()

    def test_malformed_json(self):
        t = self.table()
        for body in (b'{"TableName": ', b"not json", b'{"TableName": "%s", "Item": {"pk": {"S": "a"}}' % t.encode(),
                     b"\xff\xfe\x00", b"[1, 2]"):
            with self.subTest(body=body[:30]):
                status, headers, data, doc = self.raw("PutItem", body)
                self.assertEqual(status, 400)
                self.assertIsNotNone(doc, "error body is not JSON: %r" % data[:200])
                self.assertIn(doc["__type"], ("com.amazon.coral.service#SerializationException",
                                              "com.amazon.coral.validate#ValidationException"), doc)
        status, _, _, doc = self.raw("PutItem", b'{"TableName": ')
        self.assertEqual(doc["__type"], "com.amazon.coral.service#SerializationException")
        # Strings must be Unicode: bytes that are not UTF-8, and escaped surrogates without their
        # partner, in a value or in a name (RapidJSON alone would store a lone low surrogate).
        for bad in (b'"\xff"', b'"\xed\xa0\x80"', b'"\\uDC00"', b'"a\\uD800b"', b'"\\uDDDD\\uD800"'):
            for body in (b'{"TableName": "%s", "Item": {"pk": {"S": %s}}}' % (t.encode(), bad),
                         b'{"TableName": "%s", "Item": {"pk": {"S": "a"}, %s: {"N": "1"}}}' % (t.encode(), bad)):
                with self.subTest(body=body):
                    status, _, _, doc = self.raw("PutItem", body)
                    self.assertEqual(status, 400)
                    self.assertEqual(doc["__type"], "com.amazon.coral.service#SerializationException", doc)
        status, _, _, doc = self.raw("PutItem", ('{"TableName": "%s", "Item": {"pk": {"S": "\\uD83D\\uDE00"}}}' % t).encode())
        self.assertEqual(status, 200, doc)
        key = {"pk": {"S": "\U0001F600"}}
        self.assertEqual(self.c.get_item(TableName=t, Key=key)["Item"], key)
        self.c.delete_item(TableName=t, Key=key)
        self.assertEqual(self.count(t), 0)
        self.assertServerUp()


# ---------------------------------------------------------------------------
# Bad input: clear error, server stays up, nothing written
# ---------------------------------------------------------------------------


class BadInputTest(Base):
    def setUp(self):
        super().setUp()
        self.t = self.table()
        self.c.put_item(TableName=self.t, Item={"pk": S("existing"), "v": N(1)})

    def assertNothingWritten(self):
        self.assertServerUp()
        items = self.scan_all(self.t, ConsistentRead=True)
        self.assertEqual(items, [{"pk": S("existing"), "v": N(1)}], "a rejected request wrote something")

    def test_oversize_body(self):
        host, port = urllib.parse.urlsplit(self.srv().endpoint).netloc.split(":")
        body = json.dumps({"TableName": self.t, "Item": {"pk": S("huge"), "d": S("x" * (17 * 1024 * 1024))}}).encode()
        self.assertGreater(len(body), 16 * 1024 * 1024)
        headers = self.srv().request_headers("PutItem", body)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        status = None
        try:
            conn.putrequest("POST", "/", skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer and close before reading it all
            try:
                resp = conn.getresponse()
                status = resp.status
                resp.read()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                status = None  # dropped without an answer
        finally:
            conn.close()
        # 413 (or 400); a connection dropped without an answer is tolerated too
        self.assertIn(status, (413, 400, None), "a 17 MB body must be rejected")
        self.assertNothingWritten()

    def test_oversize_item(self):
        self.assertError("ValidationException", self.c.put_item, TableName=self.t,
                         Item={"pk": S("big"), "d": S("x" * (401 * 1024))})
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key={"pk": S("existing")},
                         UpdateExpression="SET d = :d", ExpressionAttributeValues={":d": S("x" * (401 * 1024))})
        self.assertError("ValidationException", self.c.batch_write_item, RequestItems={self.t: [
            {"PutRequest": {"Item": {"pk": S("big2"), "d": {"B": b"x" * (401 * 1024)}}}}]})
        self.assertNothingWritten()
        # just below the limit is fine (400 KB counts names and values)
        self.c.put_item(TableName=self.t, Item={"pk": S("fits"), "d": S("x" * (400 * 1024 - 100))})
        self.assertEqual(len(self.c.get_item(TableName=self.t, Key={"pk": S("fits")})["Item"]["d"]["S"]), 400 * 1024 - 100)
        self.c.delete_item(TableName=self.t, Key={"pk": S("fits")})

    def test_huge_and_deep_expressions(self):
        deep = "(" * 1000 + "attribute_not_exists(pk)" + ")" * 1000
        long_expr = " AND ".join(["attribute_not_exists(pk)"] * 300)  # > 4 KB
        many_ops = "NOT " * 1000 + "attribute_not_exists(pk)"  # > 300 operators
        for expr in (deep, long_expr, many_ops):
            with self.subTest(expr=expr[:40]):
                self.assertError("ValidationException", self.c.put_item, TableName=self.t,
                                 Item={"pk": S("expr")}, ConditionExpression=expr)
        deep_path = ".".join(["a"] * 2000)
        self.assertError("ValidationException", self.c.update_item, TableName=self.t, Key={"pk": S("expr")},
                         UpdateExpression="SET " + deep_path + " = :v", ExpressionAttributeValues={":v": N(1)})
        self.assertError("ValidationException", self.c.query, TableName=self.t,
                         KeyConditionExpression="pk = :p AND " + "(" * 500 + "pk = :p" + ")" * 500,
                         ExpressionAttributeValues={":p": S("x")})
        nested = {"S": "leaf"}
        for _ in range(40):  # deeper than DynamoDB's 32 levels
            nested = {"M": {"n": nested}}
        self.assertError("ValidationException", self.c.put_item, TableName=self.t, Item={"pk": S("deep"), "d": nested})
        nested = '{"L": [' * 5000 + '{"S": "leaf"}' + ']}' * 5000  # too deep for many JSON parsers
        status, _, _, doc = self.raw("PutItem", ('{"TableName": "%s", "Item": {"pk": {"S": "deep2"}, "d": %s}}'
                                                 % (self.t, nested)).encode())
        self.assertEqual(status, 400)
        self.assertIn(doc["__type"].split("#")[-1], ("ValidationException", "SerializationException"), doc)
        self.assertNothingWritten()

    def test_parser_bombs(self):
        """Inputs that crash recursive parsers or slow number code: a clear 400, the server lives."""
        t = self.t
        bodies = [
            b'{"TableName": "' + t.encode() + b'", "Item": ' + b'[' * 100000 + b']' * 100000 + b'}',
            b'{"TableName": "' + t.encode() + b'", "Item": ' + b'{"a":' * 100000 + b'1' + b'}' * 100000 + b'}',
            json.dumps({"TableName": t, "Item": {"pk": S("p1")},
                        "ConditionExpression": "(" * 50000 + "attribute_not_exists(pk)" + ")" * 50000}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p2")},
                        "ConditionExpression": "attribute_not_exists(a" + "[0]" * 1000 + ")"}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p3")},
                        "ConditionExpression": "attribute_not_exists(" + ".".join(["#a"] * 1500) + ")",
                        "ExpressionAttributeNames": {"#a": "a"}}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p4"), "n": N("1" * 100000)}}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p5"), "n": N("1E+999999999999")}}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p6"), "n": N("1E-999999999999")}}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p7"), "n": N("9" * 38 + "E+999999999")}}).encode(),
            json.dumps({"TableName": t, "Item": {"pk": S("p8")}, "ConditionExpression": "attribute_not_exists(pk)",
                        "ExpressionAttributeValues": {":v%d" % i: N(i) for i in range(20000)}}).encode(),
            json.dumps({"TableName": t, "Key": {"pk": S("existing")}, "UpdateExpression": "SET n = " + " + ".join(["n"] * 2000)}).encode(),
        ]
        ops = ["PutItem"] * 10 + ["UpdateItem"]
        for i, (op, body) in enumerate(zip(ops, bodies)):
            with self.subTest(case=i):
                status, _, data, doc = self.raw(op, body)
                self.assertEqual(status, 400, data[:300])
                self.assertIsNotNone(doc, data[:300])
                self.assertIn(doc["__type"].split("#")[-1], ("ValidationException", "SerializationException"), doc)
                self.assertServerUp()
        self.assertNothingWritten()

    def test_wrong_types(self):
        bad_items = [
            {"pk": N(1)},  # key type mismatch
            {"pk": S("")},  # empty key
            {"v": S("no key")},  # missing key
            {"pk": S("a"), "n": N("abc")},  # not a number
            {"pk": S("a"), "n": N("1e126")},  # out of range
            {"pk": S("a"), "n": N("1.23456789012345678901234567890123456789")},  # > 38 digits
            {"pk": S("a"), "s": {"SS": []}},  # empty set
            {"pk": S("a"), "s": {"SS": ["x", "x"]}},  # duplicate in set
            {"pk": S("a"), "s": {"NS": ["1", "1.0"]}},  # duplicate number in set
            {"pk": S("a"), "two": {"S": "x", "N": "1"}},  # two types
            {"pk": S("a"), "none": {}},  # no type
            {"pk": S("a"), "nul": {"NULL": False}},  # NULL must be true
        ]
        for item in bad_items:
            with self.subTest(item=item):
                self.assertError("ValidationException", self.c.put_item, TableName=self.t, Item=item)
        self.assertError("ValidationException", self.c.get_item, TableName=self.t, Key={"pk": S("existing"), "v": N(1)})
        self.assertError("ValidationException", self.c.get_item, TableName=self.t, Key={})
        for payload in (
                {"TableName": self.t, "Item": {"pk": {"S": 5}}},
                {"TableName": self.t, "Item": "a string"},
                {"TableName": self.t, "Item": [{"pk": {"S": "a"}}]},
                {"TableName": 42, "Item": {"pk": {"S": "a"}}},
                {"TableName": self.t, "Item": {"pk": {"S": "a"}, "b": {"B": "not base64!!"}}},
                {"TableName": self.t, "Item": {"pk": {"S": "a"}}, "ReturnValues": "SOMETIMES"},
        ):
            with self.subTest(payload=payload):
                status, _, _, doc = self.raw("PutItem", payload)
                self.assertEqual(status, 400)
                self.assertIn(doc["__type"].split("#")[-1], ("ValidationException", "SerializationException"), doc)
        self.assertNothingWritten()

    def test_unknown_table(self):
        self.assertError("ResourceNotFoundException", self.c.put_item, TableName=unique("nope"), Item={"pk": S("a")})
        self.assertError("ResourceNotFoundException", self.c.transact_get_items,
                         TransactItems=[{"Get": {"TableName": unique("nope"), "Key": {"pk": S("a")}}}])
        self.assertError("ResourceNotFoundException", self.c.batch_get_item,
                         RequestItems={unique("nope"): {"Keys": [{"pk": S("a")}]}})
        self.assertNothingWritten()


# ---------------------------------------------------------------------------
# SigV4
# ---------------------------------------------------------------------------


class SigV4Test(Base):
    server = None
    KEY1, SECRET1 = "AKIDEDDYTEST1", "secret/one+Example"
    KEY2, SECRET2 = "AKIDEDDYTEST2", "s3cr3t-two"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        path = os.path.join(cls.tmp.name, "credentials")
        with open(path, "w") as f:
            f.write("# eddy credentials: ACCESS_KEY_ID SECRET_ACCESS_KEY\n\n")
            f.write("%s %s\n" % (cls.KEY1, cls.SECRET1))
            f.write("   # indented comment\n")
            f.write("%s\t%s\n" % (cls.KEY2, cls.SECRET2))
        cls.server = EddyServer(["--credentials", path], access_key=cls.KEY1, secret_key=cls.SECRET1).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.tmp.cleanup()
        if code != 0:
            raise AssertionError("eddy serve --credentials did not exit 0 on SIGTERM: %r" % (code,))

    def test_right_credentials(self):
        t = self.table()
        self.c.put_item(TableName=t, Item={"pk": S("signed"), "body": S("ünïcode " * 50)})
        self.assertEqual(self.c.get_item(TableName=t, Key={"pk": S("signed")})["Item"]["pk"], S("signed"))
        c2 = self.srv().client(self.KEY2, self.SECRET2)
        self.assertIn(t, c2.list_tables()["TableNames"])
        status, _, _, doc = self.raw("ListTables", {})
        self.assertEqual(status, 200)

    def test_wrong_secret(self):
        bad = self.srv().client(self.KEY1, "not-the-secret")
        err = self.assertError("InvalidSignatureException", bad.list_tables)
        self.assertTrue(err.response["Error"]["Message"].startswith(
            "The request signature we calculated does not match the signature you provided."),
            err.response["Error"]["Message"])
        self.assertNotIn(self.SECRET1, err.response["Error"]["Message"])
        swapped = self.srv().client(self.KEY1, self.SECRET2)
        self.assertError("InvalidSignatureException", swapped.list_tables)

    def test_unknown_key(self):
        bad = self.srv().client("AKIDUNKNOWN", self.SECRET1)
        err = self.assertError("UnrecognizedClientException", bad.list_tables)
        self.assertEqual(err.response["Error"]["Message"], "The security token included in the request is invalid.")

    def test_missing_authentication(self):
        status, headers, data, doc = self.raw("ListTables", {}, sign=False)
        self.assertEqual(status, 400)
        self.assertEqual(doc["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException")
        self.assertEqual(doc.get("message", doc.get("Message")), "Request is missing Authentication Token")
        self.assertEqual(int(headers["x-amz-crc32"]), zlib.crc32(data) & 0xFFFFFFFF)

    def test_tampered_request_and_expired_signature(self):
        t = self.table()
        body = json.dumps({"TableName": t, "Item": {"pk": S("a")}}).encode()
        headers = self.srv().request_headers("PutItem", body)
        tampered = json.dumps({"TableName": t, "Item": {"pk": S("b")}}).encode()
        req = urllib.request.Request(self.srv().endpoint + "/", data=tampered, headers=headers, method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 400)
        self.assertEqual(json.loads(cm.exception.read())["__type"].split("#")[-1], "InvalidSignatureException")
        # a signature from 20 minutes ago (the allowed skew is 15 minutes)
        import datetime
        import botocore.auth
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        with mock.patch.object(botocore.auth, "datetime") as dt:
            dt.datetime.utcnow.return_value = old
            dt.datetime.strptime = datetime.datetime.strptime
            headers = self.srv().request_headers("PutItem", body)
        self.assertTrue(headers["X-Amz-Date"].startswith(old.strftime("%Y%m%dT%H%M")), headers)
        req = urllib.request.Request(self.srv().endpoint + "/", data=body, headers=headers, method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 400)
        doc = json.loads(cm.exception.read())
        self.assertEqual(doc["__type"].split("#")[-1], "InvalidSignatureException")
        self.assertTrue(doc.get("message", doc.get("Message", "")).startswith("Signature expired"), doc)
        self.assertEqual(self.count(t), 0)
        # and the server still logs no secret
        self.assertFalse([line for line in self.srv().output if self.SECRET1 in line or self.SECRET2 in line],
                         "a secret appears in the server's output")


class NoCredentialsFileTest(Base):
    def test_any_credentials_accepted(self):
        for key, secret in (("AKIDANYTHING", "whatever"), ("x", "y")):
            c = SERVER.client(key, secret)
            self.assertIsInstance(c.list_tables()["TableNames"], list)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_exits_zero(self):
        warnings.simplefilter("ignore", ResourceWarning)
        server = EddyServer().start()
        try:
            c = server.client()
            c.list_tables()
        finally:
            code = server.stop()
        self.assertEqual(code, 0, "\n".join(server.output[-30:]))


if __name__ == "__main__":
    unittest.main()
