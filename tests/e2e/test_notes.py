"""The seed's notes system end to end: REST routes, functions, the table, its stream and the
word-count mapping, as `eddy serve` runs them by default (the built-in notes stack).

With EDDY_NOTES_BOOTSTRAP=<path of the notes bootstrap executable>, the same tests run the
notes stack with its functions as that C++ bootstrap (Runtime API processes reaching the
table over HTTP) instead of the built-ins: the results must be the same.

Run with Debian's python3: /usr/bin/python3 tests/e2e/test_notes.py -v
"""

import concurrent.futures
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compat"))
from eddy_server import EddyServer, wait_until  # noqa: E402

SEED_BODY = '{ "title": "Count me", "content": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Nulla vitae." }'
WORDS = ["alpha", "beta", "gamma", "délta", "日本", "🙂", "x"]
SPACES = [" ", "  ", "\t", "\n", "\u00a0", "\u3000", " \u2003 "]


def text_of(words, rng):
    out = rng.choice(["", " ", "\n"])
    for i in range(words):
        out += rng.choice(WORDS) + rng.choice(SPACES)
    return out


class Rest:
    """A keep-alive HTTP/1.1 client for the REST routes."""

    def __init__(self, endpoint):
        u = urlparse(endpoint)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        data = body if isinstance(body, (bytes, type(None))) else body.encode()
        self.conn.request(method, path, body=data, headers=headers or {"Content-Type": "application/json"})
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, payload

    def json(self, method, path, body=None):
        status, headers, payload = self.request(method, path, body)
        return status, headers, (json.loads(payload) if payload else None)

    def close(self):
        self.conn.close()


BOOTSTRAP = os.environ.get("EDDY_NOTES_BOOTSTRAP")
NOTES_YAML = Path(__file__).resolve().parents[2] / "stacks" / "notes.yaml"


def notes_stack(directory):
    """The notes stack to serve: the built-in one, or with EDDY_NOTES_BOOTSTRAP its functions
    as the bootstrap executable (one process per concurrent invocation)."""
    if not BOOTSTRAP:
        return "builtin"
    text = NOTES_YAML.read_text()
    bootstrap = Path(BOOTSTRAP).resolve()
    for name in ["put-note", "list-notes", "get-note", "delete-note", "word-count"]:
        builtin = "{handler: builtin:notes.%s, environment: {TABLE_NAME: notes}}" % name
        assert builtin in text, builtin
        text = text.replace(builtin, "{handler: %s, code: %s, runtime: {command: [./%s]}, "
                            "environment: {TABLE_NAME: notes}}" % (name, bootstrap.parent, bootstrap.name))
    path = Path(directory) / "notes-bootstrap.yaml"
    path.write_text(text)
    return path


class NotesCase(unittest.TestCase):
    durable = False

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="eddy-e2e-"))
        self.server = EddyServer(stack=notes_stack(self.dir),
                                 data_dir=(self.dir / "data") if self.durable else None)
        self.server.start()
        if BOOTSTRAP:
            deployed = [line for line in self.server.output if "+ function " in line]
            self.assertEqual(len(deployed), 5, self.server.output)
            self.assertTrue(all("run by ./bootstrap" in line for line in deployed), deployed)
        self.rest = Rest(self.server.endpoint)
        self.ddb = self.server.client()

    def tearDown(self):
        self.rest.close()
        self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def all_notes(self, limit=1000):
        notes, token = [], None
        while True:
            path = "/notes?limit=%d" % limit + ("&next=" + token if token else "")
            status, headers, page = self.rest.json("GET", path)
            self.assertEqual(status, 200, page)
            notes += page
            token = headers.get("x-next-token")
            if not token:
                return notes

    def table_count(self):
        return self.ddb.scan(TableName="notes", Select="COUNT")["Count"]


class SeedScenario(NotesCase):
    def test_the_seeds_curl_then_get_shows_the_word_count(self):
        run = subprocess.run(
            ["curl", "-sS", "-X", "POST", self.server.endpoint + "/prod/notes", "--data", SEED_BODY,
             "-H", "Content-Type: application/json", "-i"],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        status_line = run.stdout.splitlines()[0]
        self.assertIn(" 201 ", status_line + " ")
        self.assertIn("location: /prod/notes/", run.stdout.lower())
        created = json.loads(run.stdout.split("\n\n", 1)[1])
        self.assertEqual(created["title"], "Count me")

        def counted():
            notes = self.all_notes()
            return notes if notes and "wordCount" in notes[0] else None

        notes = wait_until(counted, what="wordCount")
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0]["id"], created["id"])
        self.assertEqual(notes[0]["wordCount"], 10)
        status, _, note = self.rest.json("GET", "/prod/notes/" + created["id"])
        self.assertEqual((status, note["wordCount"]), (200, 10))


class ApiBehaviour(NotesCase):
    def test_get_delete_and_unknown_paths(self):
        status, headers, note = self.rest.json("POST", "/notes", '{"title":"t","content":"a b c"}')
        self.assertEqual(status, 201)
        self.assertEqual(headers["location"], "/notes/" + note["id"])
        self.assertEqual(self.rest.json("GET", "/notes/" + note["id"])[0], 200)
        self.assertEqual(self.rest.json("GET", "/notes/nope")[0], 404)
        status, _, body = self.rest.request("DELETE", "/prod/notes/" + note["id"])
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(self.rest.json("DELETE", "/notes/" + note["id"])[0], 404)
        status, _, body = self.rest.json("GET", "/elsewhere")
        self.assertEqual((status, body), (403, {"message": "Missing Authentication Token"}))
        self.assertEqual(self.rest.json("PUT", "/notes")[0], 403)  # no such method route
        # Eddy's own endpoints keep their paths.
        self.assertEqual(self.rest.json("GET", "/health")[0], 200)

    def test_bad_bodies_get_400_or_413_and_nothing_is_written(self):
        cases = [
            ('{"content": "no title"}', 400, "title is missing"),
            ('{"title": "t", "content": ""}', 400, "content must not be empty"),
            ('{"title": 5, "content": "x"}', 400, "title must be a string"),
            ('{"title": "t", "content": ["x"]}', 400, "content must be a string"),
            ('{not json', 400, "must be JSON"),
            ('["title", "content"]', 400, "JSON object"),
            ("", 400, "must be JSON"),
        ]
        for body, status, message in cases:
            got, _, payload = self.rest.json("POST", "/notes", body)
            self.assertEqual(got, status, body)
            self.assertIn(message, payload["message"], body)
        big = '{"title": "t", "content": "' + "x" * (10 * 1024 * 1024) + '"}'
        status, _, payload = self.rest.request("POST", "/notes", big)
        self.assertEqual(status, 413, payload[:200])
        self.assertIn(b"message", payload)
        self.assertEqual(self.table_count(), 0)

    def test_paging_returns_every_note_exactly_once(self):
        ids = set()
        for i in range(250):
            status, _, note = self.rest.json("POST", "/notes", json.dumps({"title": "n%d" % i, "content": "w"}))
            self.assertEqual(status, 201)
            ids.add(note["id"])
        for limit in (1, 7, 100, 1000):
            listed = [n["id"] for n in self.all_notes(limit)]
            self.assertEqual(len(listed), 250, limit)
            self.assertEqual(set(listed), ids, limit)
        status, headers, page = self.rest.json("GET", "/notes")
        self.assertEqual((status, len(page)), (200, 100))  # the default limit
        self.assertIn("x-next-token", headers)
        for bad in ("limit=0", "limit=1001", "limit=abc", "next=%21%21%21"):
            self.assertEqual(self.rest.json("GET", "/notes?" + bad)[0], 400, bad)

    def test_editing_a_notes_content_through_dynamodb_recounts_it(self):
        _, _, note = self.rest.json("POST", "/notes", '{"title":"t","content":"one two three"}')
        wait_until(lambda: self.rest.json("GET", "/notes/" + note["id"])[2].get("wordCount") == 3,
                   what="the first count")
        self.ddb.update_item(TableName="notes", Key={"id": {"S": note["id"]}},
                             UpdateExpression="SET content = :c",
                             ExpressionAttributeValues={":c": {"S": "now\u3000five words\tin it"}})
        wait_until(lambda: self.rest.json("GET", "/notes/" + note["id"])[2].get("wordCount") == 5,
                   what="the recount")
        # The loop ends: the count's own MODIFY changes nothing more.
        time.sleep(0.3)
        arn = self.ddb.describe_table(TableName="notes")["Table"]["LatestStreamArn"]
        streams = self.server.client(service="dynamodbstreams")
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = streams.get_records(ShardIterator=it)["Records"]
        # INSERT, MODIFY (count 3), MODIFY (content), MODIFY (count 5): nothing after.
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "MODIFY", "MODIFY"])


class Concurrency(NotesCase):
    def test_a_thousand_concurrent_notes_get_distinct_ids_and_right_counts(self):
        rng = random.Random(7)
        bodies = []
        for i in range(1000):
            words = rng.randint(1, 40)
            bodies.append((words, json.dumps({"title": "t%d" % i, "content": text_of(words, rng)})))
        local = threading.local()

        def post(item):
            if not hasattr(local, "rest"):
                local.rest = Rest(self.server.endpoint)
            status, _, note = local.rest.json("POST", "/notes", item[1])
            self.assertEqual(status, 201, note)
            return note["id"], item[0]

        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            created = list(pool.map(post, bodies))
        ids = [i for i, _ in created]
        self.assertEqual(len(set(ids)), 1000)
        expected = dict(created)

        def all_counted():
            notes = self.all_notes()
            return notes if len(notes) == 1000 and all("wordCount" in n for n in notes) else None

        notes = wait_until(all_counted, timeout=120, what="every wordCount")
        for note in notes:
            self.assertEqual(note["wordCount"], expected[note["id"]], note)
        # Ids sort by creation time.
        by_id = [n["createdAt"] for n in sorted(notes, key=lambda n: n["id"])]
        self.assertEqual(by_id, sorted(by_id))


class KillNine(NotesCase):
    durable = True

    def test_every_note_that_got_its_201_exists_and_is_counted_after_kill_9(self):
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(n):
            rest = Rest(self.server.endpoint)
            rng = random.Random(n)
            try:
                while not stop.is_set():
                    words = rng.randint(1, 12)
                    try:
                        status, _, note = rest.json("POST", "/notes", json.dumps(
                            {"title": "k", "content": text_of(words, rng)}))
                    except Exception:
                        return  # the server died: not acknowledged
                    if status == 201:
                        with lock:
                            acknowledged.append((note["id"], words))
            finally:
                rest.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        wait_until(lambda: len(acknowledged) >= 300, what="300 acknowledged notes")
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join()
        self.rest.close()
        self.server.start()
        self.rest = Rest(self.server.endpoint)
        expected = dict(acknowledged)

        def counted():
            notes = {n["id"]: n for n in self.all_notes()}
            if not set(expected) <= set(notes):
                missing = set(expected) - set(notes)
                raise AssertionError("%d acknowledged notes lost, e.g. %s" % (len(missing), next(iter(missing))))
            return notes if all("wordCount" in notes[i] for i in expected) else None

        notes = wait_until(counted, timeout=60, what="every acknowledged note counted")
        for note_id, words in expected.items():
            self.assertEqual(notes[note_id]["wordCount"], words)


CUSTOM = """
tables:
  notes:
    partitionKey: {name: id, type: S}
    stream: NEW_IMAGE
  orders:
    partitionKey: {name: customer, type: S}
    sortKey: {name: at, type: N}
    stream: NEW_AND_OLD_IMAGES
functions:
  put-note: {handler: builtin:notes.put-note, environment: {TABLE_NAME: notes}}
  list-notes: {handler: builtin:notes.list-notes, environment: {TABLE_NAME: notes}}
  word-count: {handler: builtin:notes.word-count, environment: {TABLE_NAME: notes}}
  failing: {handler: builtin:test.fail}
api:
  stage: v1
  routes:
    POST /notes: put-note
    GET /notes: list-notes
    GET /orders/{customer}: failing
eventSources:
  - function: word-count
    table: notes
    startingPosition: TRIM_HORIZON
    retryAttempts: 0
    reportBatchItemFailures: true
    onFailure: table:notes-failures
  - function: failing
    table: orders
    startingPosition: TRIM_HORIZON
    retryAttempts: 0
    filters:
      - {dynamodb: {NewImage: {status: {S: [failed]}}}}
    onFailure: table:orders-failures
"""


@unittest.skipIf(BOOTSTRAP, "a stack of its own, with built-in test functions")
class CustomStack(unittest.TestCase):
    def test_a_custom_stack_with_a_sort_key_a_filter_a_failing_function_and_routes(self):
        with tempfile.TemporaryDirectory() as d:
            stack = Path(d) / "custom.yaml"
            stack.write_text(CUSTOM)
            with EddyServer(stack=stack) as server:
                rest = Rest(server.endpoint)
                ddb = server.client()
                status, headers, note = rest.json("POST", "/v1/notes", '{"title":"a","content":"b c"}')
                self.assertEqual(status, 201)
                self.assertEqual(headers["location"], "/v1/notes/" + note["id"])
                self.assertEqual(rest.json("GET", "/prod/notes")[0], 403)  # the stage is v1 here
                status, _, body = rest.json("GET", "/v1/orders/c1")
                self.assertEqual((status, body), (502, {"message": "Internal server error"}))
                for at, state in ((1, "ok"), (2, "failed"), (3, "ok")):
                    ddb.put_item(TableName="orders", Item={"customer": {"S": "c1"}, "at": {"N": str(at)},
                                                            "status": {"S": state}})
                def failure_items():
                    # The destination table is made with the first failure record.
                    try:
                        return ddb.scan(TableName="orders-failures")["Items"]
                    except ddb.exceptions.ResourceNotFoundException:
                        return None

                failures = wait_until(failure_items, what="the filtered record's failure")
                time.sleep(0.3)
                failures = ddb.scan(TableName="orders-failures")["Items"]
                self.assertEqual(len(failures), 1)  # only the record the filter selects
                info = failures[0]["DDBStreamBatchInfo"]["M"]
                self.assertEqual(info["batchSize"]["N"], "1")
                wait_until(lambda: rest.json("GET", "/v1/notes")[2][0].get("wordCount") == 2,
                           what="the note's count")
                rest.close()


if __name__ == "__main__":
    unittest.main()
