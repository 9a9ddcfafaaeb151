"""Start and stop `eddy serve` for the black-box compatibility tests.

Used by test_dynamodb_boto3.py (run it with Debian's /usr/bin/python3, which has
python3-boto3). The binary comes from $EDDY_BIN (ctest sets it); by hand it
defaults to build/eddy of this checkout.

    with EddyServer() as server:
        client = server.client()          # boto3 client, dummy credentials
        resource = server.resource()      # boto3 resource
        status, headers, body = server.raw_post("ListTables", b"{}")
"""

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / "build" / "eddy"
REGION = "us-east-1"
ACCOUNT = "000000000000"
TARGET_PREFIX = "DynamoDB_20120810."

START_TIMEOUT = 30.0  # seconds to print the endpoint and answer /health
STOP_TIMEOUT = 10.0  # seconds after SIGTERM before SIGKILL


def wait_until(predicate, timeout=30.0, what="condition"):
    """Polls `predicate` until it returns something true (returned), or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def error_of(call):
    """The (code, message) of the AWS error that `call` raises through boto3."""
    from botocore.exceptions import ClientError
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("no error")


def stream_records(ddb, streams, table):
    """Every record of the table's latest stream, shard by shard from TRIM_HORIZON."""
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while it:
            page = streams.get_records(ShardIterator=it, Limit=1000)
            records += page["Records"]
            if not page["Records"]:
                break
            it = page.get("NextShardIterator")
    return records


def listening_addresses(pid, port):
    """The addresses that process `pid`'s network namespace listens on at TCP `port` (from
    /proc/PID/net/tcp and tcp6), as text: {"127.0.0.1"}, {"::"}, ..."""
    import ipaddress
    found = set()
    for table in ("tcp", "tcp6"):
        with open("/proc/%d/net/%s" % (pid, table)) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                address, hex_port = fields[1].split(":")
                if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                    continue
                # The kernel prints each 32-bit word of the address in host (little-endian) order.
                raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, len(address), 8))
                found.add(str(ipaddress.ip_address(raw)))
    return found


def serve_until(command, marker, timeout=30):
    """Starts `command` (an `eddy serve`) and reads its output until a line that begins with
    `marker` once stripped ("endpoint: http://", "ready").
    Returns (process, lines): the process is still running if the marker came, else it exited
    (waited for up to `timeout` seconds)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.strip().startswith(marker):
            return proc, lines
    proc.wait(timeout)
    return proc, lines


def eddy_bin():
    return os.environ.get("EDDY_BIN") or str(DEFAULT_BIN)


class EddyServer:
    """One `eddy serve --listen 127.0.0.1:0 --in-memory --no-stack` process."""

    def __init__(self, extra_args=(), access_key="AKIDEXAMPLE", secret_key="dummy-secret",
                 data_dir=None, stack=None, env=None):
        """data_dir: serve from this directory (durable) instead of --in-memory;
        stack: deploy this stack file instead of --no-stack ("builtin": the default stack);
        env: variables to add to the server's environment."""
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self.data_dir = data_dir
        self.stack = stack
        self.access_key = access_key
        self.secret_key = secret_key
        self.proc = None
        self.endpoint = None
        self.output = []  # every stdout/stderr line, for failure messages
        self.exit_code = None
        self._found = threading.Event()
        self._reader = None

    # -- lifecycle -------------------------------------------------------

    def start(self):
        cmd = [eddy_bin(), "serve", "--listen", "127.0.0.1:0"]
        cmd += ["--data-dir", str(self.data_dir)] if self.data_dir else ["--in-memory"]
        if self.stack == "builtin":
            pass  # the built-in notes stack, as `eddy serve` runs by default
        else:
            cmd += ["--stack", str(self.stack)] if self.stack else ["--no-stack"]
        self.endpoint = None
        self._found.clear()
        cmd += self.extra_args
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=self.env,
        )
        # Keep draining the pipe for the whole life of the server so that it
        # never blocks on a full pipe.
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not self._found.wait(0.05):
                if self.proc.poll() is not None:
                    raise RuntimeError(self._describe("eddy serve exited before printing its endpoint"))
                if time.monotonic() > deadline:
                    raise RuntimeError(self._describe("eddy serve did not print 'endpoint: http://...'"))
            while True:
                try:
                    with urllib.request.urlopen(self.endpoint + "/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(self._describe("eddy serve exited before /health answered 200"))
                if time.monotonic() > deadline:
                    raise RuntimeError(self._describe("GET /health never answered 200"))
                time.sleep(0.05)
        except BaseException:
            self.stop()
            raise
        return self

    def _read_output(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.output.append(line)
            if self.endpoint is None:
                m = re.search(r"endpoint: (http://\S+)", line)
                if m:
                    self.endpoint = m.group(1).rstrip("/")
                    self._found.set()

    def stop(self):
        """SIGTERM, wait up to 10 s, then SIGKILL. Returns the exit code."""
        if self.proc is None:
            return self.exit_code
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.exit_code = self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.exit_code = "killed: did not exit within %.0f s of SIGTERM" % STOP_TIMEOUT
        else:
            self.exit_code = self.proc.returncode
        if self._reader is not None:
            self._reader.join(2)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None
        return self.exit_code

    def kill9(self):
        """SIGKILL, as a crash: nothing is flushed or drained."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            if self._reader is not None:
                self._reader.join(2)
            self.proc.stdout.close()
            self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _describe(self, what):
        return "%s\ncommand exit: %s\noutput:\n%s" % (
            what,
            None if self.proc is None else self.proc.poll(),
            "\n".join(self.output[-50:]),
        )

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- clients ---------------------------------------------------------

    def _config(self):
        from botocore.config import Config

        # No retries: a wrong answer must show up as a failure at once, and a
        # wrong x-amz-crc32 raises ChecksumError instead of being retried.
        return Config(retries={"max_attempts": 0, "mode": "legacy"}, connect_timeout=5, read_timeout=60)

    def client(self, access_key=None, secret_key=None, service="dynamodb"):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=self._config(),
        )

    def resource(self, access_key=None, secret_key=None):
        import boto3

        return boto3.resource(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=self._config(),
        )

    # -- raw HTTP --------------------------------------------------------

    def health(self):
        try:
            with urllib.request.urlopen(self.endpoint + "/health", timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def request_headers(self, operation, body, sign=True, target=None, headers=None,
                        access_key=None, secret_key=None):
        """The headers of a DynamoDB JSON 1.0 POST, SigV4-signed unless sign=False."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        hdrs = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": target if target is not None else TARGET_PREFIX + operation,
        }
        hdrs.update(headers or {})
        if sign:
            req = AWSRequest(method="POST", url=self.endpoint + "/", data=body, headers=hdrs)
            creds = Credentials(access_key or self.access_key, secret_key or self.secret_key)
            SigV4Auth(creds, "dynamodb", REGION).add_auth(req)
            hdrs = dict(req.headers.items())
        return hdrs

    def raw_post(self, operation, body, sign=True, target=None, headers=None,
                 access_key=None, secret_key=None, timeout=60):
        """POST body (bytes) with X-Amz-Target; SigV4-signed unless sign=False.

        Returns (status, headers as a lower-cased dict, body bytes)."""
        hdrs = self.request_headers(operation, body, sign=sign, target=target, headers=headers,
                                    access_key=access_key, secret_key=secret_key)
        req = urllib.request.Request(self.endpoint + "/", data=body, headers=hdrs, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
