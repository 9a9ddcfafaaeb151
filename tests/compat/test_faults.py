"""Faults, end to end against `eddy serve` (issue: hostile input and faults):

- a full disk (a 64 MB tmpfs as the data directory): writes fail with a clear error, nothing is
  half-written, reads go on, writes resume by themselves once space returns, and a restart
  finds exactly what was acknowledged;
- fsync failing (an LD_PRELOAD library): nothing more is acknowledged until a restart, which
  finds every acknowledged write;
- kill -9 while transactions are committed from several threads: after the restart every
  transaction is all there or not there at all, in the table and in its stream, and every
  acknowledged one is there;
- kill -9 while RocksDB flushes memtables to SST files: every acknowledged item and its stream
  record are there;
- a corrupted or foreign data directory: Eddy refuses to start, with a message that says why,
  or (for a damaged block it only reads later) answers that read with an error, never with
  wrong data.

Run by ctest (compat.faults); by hand: EDDY_BIN=build/eddy /usr/bin/python3 tests/compat/test_faults.py -v
The disk-full test mounts a tmpfs, so it needs root; it is skipped, saying so, without.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

from botocore.exceptions import ClientError

from eddy_server import EddyServer, eddy_bin, error_of, serve_until, stream_records, wait_until

BIG = "x" * 300_000  # about 300 KB: a few hundred fill the disk or make RocksDB flush


def create_table(ddb, name, stream=True):
    spec = dict(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST")
    if stream:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ddb.create_table(**spec)


def all_items(ddb, table):
    items, kw = [], {}
    while True:
        page = ddb.scan(TableName=table, **kw)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class DiskFullTest(unittest.TestCase):
    def setUp(self):
        self.mount = tempfile.mkdtemp(prefix="eddy-full-")
        self.addCleanup(shutil.rmtree, self.mount, ignore_errors=True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", self.mount],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            self.skipTest("cannot mount a tmpfs (needs root): " + mounted.stderr.strip())
        self.addCleanup(subprocess.run, ["umount", "-l", self.mount])
        self.server = EddyServer(data_dir=os.path.join(self.mount, "data"))
        self.server.start()
        self.addCleanup(self.server.stop)

    def put(self, ddb, key):
        ddb.put_item(TableName="full", Item={"pk": {"S": key}, "v": {"S": BIG}})

    def test_writes_fail_cleanly_while_the_disk_is_full_and_resume_when_space_returns(self):
        ddb = self.server.client()
        create_table(ddb, "full")
        # Leave about 40 MB to the database, so the disk fills after a hundred-odd items.
        filler = os.path.join(self.mount, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (20 << 20))
        acked, failure = [], None
        for i in range(1000):
            try:
                self.put(ddb, "k%d" % i)
                acked.append("k%d" % i)
            except ClientError as e:
                failure = ("k%d" % i, e.response)
                break
        self.assertIsNotNone(failure, "1,000 items of 300 KB fitted in 64 MB")
        self.assertGreater(len(acked), 10)
        failed_key, response = failure
        self.assertEqual(response["Error"]["Code"], "InternalServerError", response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.assertIn("No space left on device", response["Error"]["Message"])

        # Nothing half-written; reads go on; further writes fail the same way.
        self.assertNotIn("Item", ddb.get_item(TableName="full", Key={"pk": {"S": failed_key}}))
        self.assertEqual(ddb.get_item(TableName="full", Key={"pk": {"S": acked[-1]}})["Item"]["v"]["S"], BIG)
        with self.assertRaises(ClientError) as again:
            self.put(ddb, "while-full")
        self.assertEqual(again.exception.response["Error"]["Code"], "InternalServerError")
        self.assertTrue(self.server.alive())

        # Space returns: RocksDB's recovery (it checks every 5 s) lets writes through again,
        # with no restart.
        os.remove(filler)

        def resumed():
            try:
                self.put(ddb, "after-0")
                return True
            except ClientError:
                return False

        wait_until(resumed, timeout=30, what="writes to succeed once space returned")
        for i in range(1, 5):
            self.put(ddb, "after-%d" % i)
        acked += ["after-%d" % i for i in range(5)]

        # A restart finds exactly the acknowledged items, and one stream record for each.
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        ddb = self.server.client()
        streams = self.server.client(service="dynamodbstreams")
        items = all_items(ddb, "full")
        self.assertEqual(sorted(i["pk"]["S"] for i in items), sorted(acked))
        self.assertTrue(all(i["v"]["S"] == BIG for i in items))
        records = stream_records(ddb, streams, "full")
        self.assertEqual(sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records), sorted(acked))
        self.assertTrue(all(r["eventName"] == "INSERT" for r in records))


class FailedSyncTest(unittest.TestCase):
    """fsync and fdatasync fail with EIO (tests/faults/fail_sync.cc, preloaded) from a moment on,
    as when a disk cannot write back what the page cache holds. After a failed sync the page
    cache can no longer be trusted to match the disk, so Eddy acknowledges nothing more: every
    later write fails, with a message saying to restart, until a restart replays the log."""

    def setUp(self):
        library = os.environ.get("EDDY_FAIL_SYNC_LIB")
        if not library:
            self.skipTest("EDDY_FAIL_SYNC_LIB is not set (ctest sets it to the built library)")
        self.tmp = tempfile.mkdtemp(prefix="eddy-sync-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.trigger = os.path.join(self.tmp, "fail")
        # A sanitizer build's runtime must come first among the preloaded libraries; this
        # library is loaded before it, deliberately.
        asan = os.environ.get("ASAN_OPTIONS", "")
        self.server = EddyServer(
            data_dir=os.path.join(self.tmp, "data"),
            env={"LD_PRELOAD": library, "EDDY_FAIL_SYNC_IF": self.trigger,
                 "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"})
        self.server.start()
        self.addCleanup(self.server.stop)

    def test_after_a_failed_sync_nothing_more_is_acknowledged_and_a_restart_recovers(self):
        ddb = self.server.client()
        create_table(ddb, "synced")
        for i in range(20):
            ddb.put_item(TableName="synced", Item={"pk": {"S": "before-%d" % i}, "v": {"N": str(i)}})
        open(self.trigger, "w").close()
        code, message = error_of(lambda: ddb.put_item(TableName="synced", Item={"pk": {"S": "during"}}))
        self.assertEqual(code, "InternalServerError", message)
        self.assertRegex(message, "(?i)I/O error|Input/output error|IO error")
        os.remove(self.trigger)  # the disk works again, but what reached it is unknown
        code, message = error_of(lambda: ddb.put_item(TableName="synced", Item={"pk": {"S": "after"}}))
        self.assertEqual(code, "InternalServerError")
        self.assertIn("restart Eddy", message)
        # RocksDB keeps the error too: catalog changes are refused as well.
        code, _ = error_of(lambda: create_table(ddb, "later"))
        self.assertEqual(code, "InternalServerError")
        # Reads still answer, from what was durable.
        self.assertEqual(ddb.get_item(TableName="synced", Key={"pk": {"S": "before-19"}})["Item"]["v"]["N"], "19")
        self.assertNotIn("Item", ddb.get_item(TableName="synced", Key={"pk": {"S": "during"}}))
        self.assertTrue(self.server.alive())

        self.server.kill9()
        self.server.start()
        ddb = self.server.client()
        keys = {i["pk"]["S"] for i in all_items(ddb, "synced")}
        # Every acknowledged write is there; "during" may be (its log record was written, only
        # its sync failed); "after" was refused before it was written.
        self.assertEqual(keys - {"during"}, {"before-%d" % i for i in range(20)})
        records = stream_records(ddb, self.server.client(service="dynamodbstreams"), "synced")
        self.assertEqual(sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records), sorted(keys))
        self.assertEqual(ddb.list_tables()["TableNames"], ["synced"])
        ddb.put_item(TableName="synced", Item={"pk": {"S": "after-restart"}})
        self.assertIn("Item", ddb.get_item(TableName="synced", Key={"pk": {"S": "after-restart"}}))


class TransactionsKill9Test(unittest.TestCase):
    THREADS = 4
    ACCOUNTS = 4  # items of each thread's transactions in table `accounts`
    LEDGER = 2  # and in table `ledger`

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="eddy-txn-")
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)
        self.server = EddyServer(data_dir=self.data_dir)
        self.server.start()
        self.addCleanup(self.server.stop)

    def transaction(self, thread, i):
        """Version i of thread's six items: puts, updates and a condition check on one."""
        items = []
        for n in range(self.ACCOUNTS):
            items.append({"Put": {"TableName": "accounts",
                                  "Item": {"pk": {"S": "t%d-a%d" % (thread, n)}, "v": {"N": str(i)}}}})
        items.append({"Update": {"TableName": "ledger", "Key": {"pk": {"S": "t%d-l0" % thread}},
                                 "UpdateExpression": "SET v = :i ADD n :one",
                                 "ExpressionAttributeValues": {":i": {"N": str(i)}, ":one": {"N": "1"}}}})
        items.append({"Update": {"TableName": "ledger", "Key": {"pk": {"S": "t%d-l1" % thread}},
                                 "UpdateExpression": "SET v = :i",
                                 "ConditionExpression": "attribute_not_exists(v) OR v < :i",
                                 "ExpressionAttributeValues": {":i": {"N": str(i)}}}})
        return items

    def test_every_transaction_is_all_or_nothing_after_kill9(self):
        ddb = self.server.client()
        create_table(ddb, "accounts")
        create_table(ddb, "ledger")
        acked = {t: [] for t in range(self.THREADS)}
        attempted = {t: 0 for t in range(self.THREADS)}
        stop = threading.Event()

        def writer(t):
            client = self.server.client()
            for i in range(1, 1_000_000):
                if stop.is_set():
                    return
                attempted[t] = i
                try:
                    client.transact_write_items(TransactItems=self.transaction(t, i))
                except Exception:
                    return  # the server died under us: not acknowledged
                acked[t].append(i)

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(self.THREADS)]
        for thread in threads:
            thread.start()
        wait_until(lambda: sum(len(a) for a in acked.values()) >= 300, timeout=60,
                   what="300 acknowledged transactions")
        self.server.kill9()
        stop.set()
        for thread in threads:
            thread.join()

        self.server.start()
        ddb = self.server.client()
        streams = self.server.client(service="dynamodbstreams")
        accounts = {i["pk"]["S"]: i for i in all_items(ddb, "accounts")}
        ledger = {i["pk"]["S"]: i for i in all_items(ddb, "ledger")}
        records = stream_records(ddb, streams, "accounts") + stream_records(ddb, streams, "ledger")
        for t in range(self.THREADS):
            with self.subTest(thread=t):
                keys = ["t%d-a%d" % (t, n) for n in range(self.ACCOUNTS)] + ["t%d-l0" % t, "t%d-l1" % t]
                rows = [accounts.get(k) or ledger.get(k) for k in keys]
                versions = {int(r["v"]["N"]) for r in rows}
                self.assertEqual(len(versions), 1, "a transaction is partly applied: %s" % rows)
                version = versions.pop()
                # The last acknowledged one, or the one in flight at the kill.
                self.assertIn(version, (acked[t][-1], attempted[t]))
                # The counter counts exactly the committed transactions.
                self.assertEqual(int(ledger["t%d-l0" % t]["n"]["N"]), version)
                # In the streams too: each committed version has a record on each of the six
                # items, and no other version has any.
                seen = {}
                for r in records:
                    key = r["dynamodb"]["Keys"]["pk"]["S"]
                    if key in keys:
                        seen.setdefault(int(r["dynamodb"]["NewImage"]["v"]["N"]), set()).add(key)
                self.assertEqual(sorted(seen), list(range(1, version + 1)))
                self.assertTrue(all(found == set(keys) for found in seen.values()),
                                "a transaction's stream records are partial")

        # And transactions go on after the restart.
        ddb.transact_write_items(TransactItems=self.transaction(0, 10_000_000))
        self.assertEqual(ddb.get_item(TableName="accounts", Key={"pk": {"S": "t0-a3"}})["Item"]["v"]["N"],
                         "10000000")


class Kill9DuringFlushesTest(unittest.TestCase):
    """kill -9 while RocksDB writes memtables out to SST files (its checkpoints of the log): large
    items from two threads flush every few dozen writes; three kills, each at a random moment."""

    def test_acknowledged_items_and_their_records_survive_kills_during_flushes(self):
        data_dir = tempfile.mkdtemp(prefix="eddy-flush-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        server = EddyServer(data_dir=data_dir)
        server.start()
        self.addCleanup(server.stop)
        create_table(server.client(), "blobs")
        acked = []
        for round_number in range(3):
            stop = threading.Event()

            def writer(t):
                client = server.client()
                for i in range(100_000):
                    if stop.is_set():
                        return
                    key = "r%d-t%d-%d" % (round_number, t, i)
                    try:
                        client.put_item(TableName="blobs",
                                        Item={"pk": {"S": key}, "v": {"S": key + BIG}})
                    except Exception:
                        return
                    acked.append(key)

            threads = [threading.Thread(target=writer, args=(t,)) for t in range(2)]
            for thread in threads:
                thread.start()
            target = len(acked) + 80 + 20 * round_number  # 24 to 42 MB a round
            wait_until(lambda: len(acked) >= target, timeout=120, what="%d acknowledged puts" % target)
            server.kill9()
            stop.set()
            for thread in threads:
                thread.join()
            server.start()
        ssts = list(Path(data_dir).glob("*.sst"))
        self.assertTrue(ssts, "no flush happened: the test did not test flushes")
        ddb = server.client()
        items = {i["pk"]["S"]: i["v"]["S"] for i in all_items(ddb, "blobs")}
        missing = [key for key in acked if key not in items]
        self.assertEqual(missing, [])
        self.assertTrue(all(value == key + BIG for key, value in items.items()))
        # Each item present (acknowledged, or in flight at a kill) has exactly one record.
        records = stream_records(ddb, server.client(service="dynamodbstreams"), "blobs")
        self.assertEqual(sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in records), sorted(items))


def start_output(data_dir):
    """Runs `eddy serve` on data_dir: (exit code or None if it began serving, its output)."""
    proc, lines = serve_until([eddy_bin(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                               str(data_dir), "--no-stack"], "endpoint: http://")
    serving = proc.poll() is None
    if serving:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    return None if serving else proc.returncode, "".join(lines)


class DataDirectoryTest(unittest.TestCase):
    """One database with data in SST files (flushed), copied and damaged a different way per test."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="eddy-dir-")
        cls.original = Path(cls.root) / "original"
        with EddyServer(data_dir=cls.original) as server:
            ddb = server.client()
            create_table(ddb, "kept")
            for i in range(60):  # 18 MB: more than a memtable, so RocksDB writes SST files
                ddb.put_item(TableName="kept", Item={"pk": {"S": "k%02d" % i}, "v": {"S": BIG}})
        cls.ssts = sorted(cls.original.glob("*.sst"))
        assert cls.ssts, "no SST file was written"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def copy(self):
        target = Path(tempfile.mkdtemp(dir=self.root)) / "data"
        shutil.copytree(self.original, target)
        return target

    def assertRefused(self, data_dir, *expected):
        code, output = start_output(data_dir)
        self.assertIsNotNone(code, "eddy served a damaged data directory:\n" + output)
        self.assertNotEqual(code, 0, output)
        self.assertIn(str(data_dir), output)
        for text in expected:
            self.assertRegex(output, text)
        return output

    def test_the_undamaged_copy_starts_and_has_every_item(self):
        data_dir = self.copy()
        with EddyServer(data_dir=data_dir) as server:
            items = all_items(server.client(), "kept")
        self.assertEqual(len(items), 60)

    def test_a_garbled_current_file_is_refused(self):
        data_dir = self.copy()
        (data_dir / "CURRENT").write_text("MANIFEST-999999\n")
        self.assertRefused(data_dir, "cannot be read \\(damaged or incomplete\\)")

    def test_a_missing_manifest_is_refused(self):
        data_dir = self.copy()
        for manifest in data_dir.glob("MANIFEST-*"):
            manifest.unlink()
        self.assertRefused(data_dir, "cannot be read \\(damaged or incomplete\\)")

    def test_a_truncated_sst_file_is_refused(self):
        data_dir = self.copy()
        sst = data_dir / self.ssts[0].name
        with open(sst, "r+b") as f:
            f.truncate(os.path.getsize(sst) // 2)
        self.assertRefused(data_dir, "cannot open")

    def test_a_missing_sst_file_is_refused(self):
        data_dir = self.copy()
        (data_dir / self.ssts[-1].name).unlink()
        self.assertRefused(data_dir, "cannot open")

    def test_damaged_bytes_inside_an_sst_block_are_an_error_never_wrong_data(self):
        # The file keeps its size and footer, so the database opens; the damaged block's
        # checksum no longer matches, and a read of it fails instead of returning other bytes.
        data_dir = self.copy()
        damaged = []
        for original in self.ssts:
            sst = data_dir / original.name
            size = os.path.getsize(sst)
            if size < 100_000:  # the small ones hold other column families
                continue
            with open(sst, "r+b") as f:
                f.seek(size // 3)
                block = f.read(64)
                f.seek(size // 3)
                f.write(bytes(b ^ 0x5A for b in block))
            damaged.append(sst)
        self.assertTrue(damaged, "no SST file large enough to damage")
        with EddyServer(data_dir=data_dir) as server:
            ddb = server.client()
            with self.assertRaises(ClientError) as caught:
                items = all_items(ddb, "kept")
                self.fail("a scan over a damaged block succeeded with %d items" % len(items))
            error = caught.exception.response
            self.assertEqual(error["Error"]["Code"], "InternalServerError", error)
            self.assertRegex(error["Error"]["Message"], "(?i)corrupt|checksum")
            # Every item either reads as it was written or fails: never other bytes.
            good = 0
            for i in range(60):
                try:
                    item = ddb.get_item(TableName="kept", Key={"pk": {"S": "k%02d" % i}}).get("Item")
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Code"], "InternalServerError")
                    continue
                self.assertIsNotNone(item, "k%02d vanished instead of failing" % i)
                self.assertEqual(item["v"]["S"], BIG)
                good += 1
            self.assertGreater(good, 0)
            self.assertTrue(server.alive())

    def test_a_directory_of_other_files_is_refused(self):
        data_dir = Path(tempfile.mkdtemp(dir=self.root)) / "notes"
        data_dir.mkdir()
        (data_dir / "todo.txt").write_text("not a database\n")
        self.assertRefused(data_dir, "not an Eddy database")
        self.assertEqual(os.listdir(data_dir), ["todo.txt"])  # and left as it was


if __name__ == "__main__":
    unittest.main()
