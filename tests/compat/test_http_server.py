"""The HTTP server itself, over real sockets: keep-alive at scale, request limits, idle
timeouts, and a graceful SIGTERM that finishes the request in flight and loses nothing.

Run by ctest; by hand: EDDY_BIN=build/eddy /usr/bin/python3 -m unittest tests/compat/test_http_server.py
Only the standard library is used, so the bytes on the wire are exactly the ones written here.
"""

import json
import os
import re
import resource
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EDDY = os.environ.get("EDDY_BIN") or str(REPO / "build" / "eddy")


class Server:
    """`eddy serve` on a free loopback port, always stopped."""

    def __init__(self, *args, data_dir=None, nofile=None):
        """nofile: the server's file descriptor limit (soft and hard), as a small machine has."""
        cmd = [EDDY, "serve", "--listen", "127.0.0.1:0", "--no-stack"]
        cmd += ["--data-dir", data_dir] if data_dir else ["--in-memory"]
        cmd += list(args)
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=limit)
        self.lines = []
        deadline = time.monotonic() + 30
        self.port = None
        while self.port is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("eddy serve exited: " + "".join(self.lines))
            self.lines.append(line)
            match = re.search(r"endpoint: http://127\.0\.0\.1:(\d+)", line)
            if match:
                self.port = int(match.group(1))
            if time.monotonic() > deadline:
                raise RuntimeError("no endpoint line: " + "".join(self.lines))
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _read_rest(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._drain.join(5)
        self.proc.stdout.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def request_bytes(target, body, keep_alive=True, extra_headers=""):
    body = body.encode() if isinstance(body, str) else body
    return (
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"X-Amz-Target: DynamoDB_20120810.{target}\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        f"Content-Length: {len(body)}\r\n"
        + ("" if keep_alive else "Connection: close\r\n")
        + extra_headers
        + "\r\n"
    ).encode() + body


def read_response(sock, timeout=10):
    """One HTTP/1.1 response: (status, headers dict, body bytes)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response: %r" % data)
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a body")
        rest += chunk
    return status, headers, rest[:length]


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def call(port, target, body):
    with connect(port) as sock:
        sock.sendall(request_bytes(target, json.dumps(body), keep_alive=False))
        status, headers, payload = read_response(sock)
        return status, headers, json.loads(payload) if payload else None


CREATE = {
    "TableName": "things",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


class HttpServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

    def test_a_thousand_keep_alive_connections(self):
        with Server() as server:
            self.assertEqual(call(server.port, "CreateTable", CREATE)[0], 200)
            sockets = [connect(server.port) for _ in range(1000)]
            try:
                # Two requests on every connection: the second proves it was kept alive.
                for round_number in range(2):
                    for i, sock in enumerate(sockets):
                        body = {"TableName": "things", "Item": {"id": {"S": f"c{i}"}, "r": {"N": str(round_number)}}}
                        sock.sendall(request_bytes("PutItem", json.dumps(body)))
                    for sock in sockets:
                        status, headers, payload = read_response(sock)
                        self.assertEqual(status, 200, payload)
                        self.assertEqual(headers["x-amz-crc32"], str(zlib.crc32(payload)))
            finally:
                for sock in sockets:
                    sock.close()
            status, _, body = call(server.port, "Scan", {"TableName": "things", "Select": "COUNT"})
            self.assertEqual(status, 200)
            self.assertEqual(body["Count"], 1000)

    def test_a_connection_flood_past_the_descriptor_limit_leaves_the_server_serving(self):
        # 2,000 idle connections against a server allowed 256 descriptors: the ones over its
        # connection limit (3/4 of them) take the place of the longest idle, so a new client is
        # still answered at once, and the database keeps descriptors for its files.
        with tempfile.TemporaryDirectory() as data_dir, Server(data_dir=data_dir, nofile=256) as server:
            self.assertEqual(call(server.port, "CreateTable", CREATE)[0], 200)
            flood = []
            try:
                for _ in range(2000):
                    flood.append(connect(server.port))
                started = time.monotonic()
                status, _, _ = call(server.port, "ListTables", {})
                self.assertEqual(status, 200)
                self.assertLess(time.monotonic() - started, 10)
                self.assertLessEqual(len(os.listdir("/proc/%d/fd" % server.proc.pid)), 256)
                # The evicted connections are closed (an orderly FIN), all but those the limit
                # holds; the last of the backlog is accepted and evicted within moments.
                for sock in flood:
                    sock.setblocking(False)
                open_ones, deadline = list(flood), time.monotonic() + 10
                while len(open_ones) > 192 and time.monotonic() < deadline:
                    still_open = []
                    for sock in open_ones:
                        try:
                            if sock.recv(1) != b"":
                                still_open.append(sock)
                        except BlockingIOError:
                            still_open.append(sock)
                    open_ones = still_open
                    time.sleep(0.1)
                self.assertLessEqual(len(open_ones), 192)
                # Writes big enough to make RocksDB flush and open files still succeed.
                for i in range(60):
                    body = {"TableName": "things", "Item": {"id": {"S": f"big{i}"}, "v": {"S": "x" * 300_000}}}
                    status, _, payload = call(server.port, "PutItem", body)
                    self.assertEqual(status, 200, payload)
            finally:
                for sock in flood:
                    sock.close()
            count, request = 0, {"TableName": "things", "Select": "COUNT"}
            while True:  # paged: 60 items of 300 KB are more than one 1 MB page
                status, _, body = call(server.port, "Scan", request)
                self.assertEqual(status, 200, body)
                count += body["Count"]
                if "LastEvaluatedKey" not in body:
                    break
                request["ExclusiveStartKey"] = body["LastEvaluatedKey"]
            self.assertEqual(count, 60)
            self.assertEqual(server.stop(), 0)

    def test_a_slow_client_is_cut_off_at_the_idle_timeout_however_it_trickles(self):
        # A byte of header every 0.2 s: the idle timeout bounds the whole header, not a pause.
        with Server("--idle-timeout", "2s") as server:
            with connect(server.port) as sock:
                started = time.monotonic()
                head = request_bytes("ListTables", "{}")
                closed_after = None
                for byte in head[:-4]:
                    try:
                        sock.sendall(bytes([byte]))
                    except (BrokenPipeError, ConnectionResetError):
                        closed_after = time.monotonic() - started
                        break
                    readable, _, _ = select.select([sock], [], [], 0.2)
                    if readable and sock.recv(1) == b"":
                        closed_after = time.monotonic() - started
                        break
                self.assertIsNotNone(closed_after, "the trickling client was never cut off")
                self.assertGreater(closed_after, 1.5)
                self.assertLess(closed_after, 8)
            self.assertEqual(call(server.port, "ListTables", {})[0], 200)

    def test_oversize_body_is_refused_and_server_stays_up(self):
        with Server() as server:
            self.assertEqual(call(server.port, "CreateTable", CREATE)[0], 200)
            with connect(server.port) as sock:
                big = b'{"TableName":"things","Item":{"id":{"S":"x"},"pad":{"S":"' + b"a" * (17 << 20) + b'"}}}'
                try:
                    sock.sendall(request_bytes("PutItem", big))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server may close before reading everything
                status, _, _ = read_response(sock)
                self.assertEqual(status, 413)
            status, _, body = call(server.port, "Scan", {"TableName": "things"})
            self.assertEqual((status, body["Count"]), (200, 0))

    def test_deeply_nested_json_is_an_error_not_a_crash(self):
        # 200,000 levels once overflowed the stack of the recursive JSON parser.
        with Server() as server:
            self.assertEqual(call(server.port, "CreateTable", CREATE)[0], 200)
            # Past DynamoDB's 32 levels: DynamoDB's nesting error.
            item = b'{"TableName":"things","Item":{"id":{"S":"x"},"a":' + b'{"L":[' * 40 + b"]}" * 40 + b"}}"
            with connect(server.port) as sock:
                sock.sendall(request_bytes("PutItem", item, keep_alive=False))
                status, _, body = read_response(sock)
            self.assertEqual(status, 400)
            self.assertIn(b"Nesting Levels have exceeded supported limits", body)
            # Far past it, anywhere in the request (a digest of the request once recursed here).
            depth = 200_000
            junk = b'{"ClientRequestToken":"t","Junk":' + b"[" * depth + b"]" * depth
            junk += b',"TransactItems":[{"Put":{"TableName":"things","Item":{"id":{"S":"y"}}}}]}'
            with connect(server.port) as sock:
                sock.sendall(request_bytes("TransactWriteItems", junk, keep_alive=False))
                status, _, body = read_response(sock)
            self.assertEqual(status, 400)
            self.assertIn(b"SerializationException", body)
            with connect(server.port) as sock:
                sock.sendall(request_bytes("PutItem", b"[" * depth + b"]" * depth, keep_alive=False))
                status, _, body = read_response(sock)
            self.assertEqual(status, 400)
            self.assertIn(b"SerializationException", body)
            status, _, body = call(server.port, "Scan", {"TableName": "things"})
            self.assertEqual((status, body["Count"]), (200, 0))

    def test_oversize_headers_are_refused(self):
        with Server() as server:
            with connect(server.port) as sock:
                sock.sendall(request_bytes("ListTables", "{}", extra_headers="X-Junk: " + "j" * (70 << 10) + "\r\n"))
                status, _, _ = read_response(sock)
                self.assertEqual(status, 431)
            self.assertEqual(call(server.port, "ListTables", {})[0], 200)

    def test_idle_connections_are_closed_after_the_idle_timeout(self):
        with Server("--idle-timeout", "1s") as server:
            with connect(server.port) as sock:
                sock.sendall(request_bytes("ListTables", "{}"))
                self.assertEqual(read_response(sock)[0], 200)
                started = time.monotonic()
                readable, _, _ = select.select([sock], [], [], 10)
                self.assertTrue(readable, "the idle connection was not closed")
                self.assertEqual(sock.recv(1), b"")  # orderly close
                self.assertLess(time.monotonic() - started, 9)

    def test_sigterm_finishes_the_request_in_flight_and_loses_nothing(self):
        with tempfile.TemporaryDirectory() as data_dir:
            server = Server(data_dir=data_dir)
            try:
                self.assertEqual(call(server.port, "CreateTable", CREATE)[0], 200)
                idle = connect(server.port)
                busy = connect(server.port)
                body = json.dumps({"TableName": "things", "Item": {"id": {"S": "in-flight"}}}).encode()
                request = request_bytes("PutItem", body, extra_headers="Expect: 100-continue\r\n")
                head_length = len(request) - len(body)
                # The headers, then wait for "100 Continue": proof that the server has read them
                # and the request is in flight (no timing guess) when SIGTERM arrives.
                busy.sendall(request[:head_length])
                busy.settimeout(10)
                interim = b""
                while b"\r\n\r\n" not in interim:
                    chunk = busy.recv(4096)
                    self.assertTrue(chunk, "closed before 100 Continue")
                    interim += chunk
                self.assertTrue(interim.startswith(b"HTTP/1.1 100"), interim)
                busy.sendall(body[: len(body) // 2])
                server.proc.send_signal(signal.SIGTERM)
                # The idle connection is closed; new connections are refused.
                idle.settimeout(10)
                self.assertEqual(idle.recv(1), b"")
                # Each server thread closes its own listener: allow them a moment to all do it.
                refused = False
                deadline = time.monotonic() + 5
                while not refused and time.monotonic() < deadline:
                    try:
                        connect(server.port).close()
                        time.sleep(0.05)
                    except OSError:
                        refused = True
                self.assertTrue(refused, "new connections are still accepted after SIGTERM")
                busy.sendall(body[len(body) // 2 :])
                status, headers, payload = read_response(busy)
                self.assertEqual(status, 200, payload)
                self.assertEqual(headers.get("connection", "").lower(), "close")
                self.assertEqual(server.proc.wait(10), 0)
                idle.close()
                busy.close()
            finally:
                server.stop()
            # Acknowledged means durable: a new server on the same data dir has the item.
            with Server(data_dir=data_dir) as again:
                status, _, body = call(again.port, "GetItem", {"TableName": "things", "Key": {"id": {"S": "in-flight"}}})
                self.assertEqual(status, 200)
                self.assertEqual(body["Item"]["id"]["S"], "in-flight")


if __name__ == "__main__":
    unittest.main()
