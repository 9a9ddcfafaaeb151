"""Secure defaults, end to end (docs/RELIABILITY.md, "Threat model"):

- with no --listen, `eddy serve` listens on 127.0.0.1:8000 and on no other address;
- listening on another address without --credentials prints a warning (tried inside an empty
  network namespace, so that the test exposes nothing: only its own loopback exists there);
- with --credentials, SigV4 is required by every AWS API: DynamoDB, DynamoDB Streams, the Lambda
  control plane and Invoke; the stack's REST routes stay public (an API Gateway route without an
  authorizer), and so does /health;
- no secret appears in Eddy's output.

Run by ctest (compat.secure_defaults); by hand:
EDDY_BIN=build/eddy /usr/bin/python3 tests/compat/test_secure_defaults.py -v
"""

import json
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from botocore.exceptions import ClientError

from eddy_server import EddyServer, eddy_bin, error_of, listening_addresses, serve_until


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


class ListenAddressTest(unittest.TestCase):
    def test_with_no_listen_flag_only_loopback_port_8000_is_bound(self):
        proc, lines = serve_until([eddy_bin(), "serve", "--in-memory", "--no-stack"], "ready")
        try:
            output = "".join(lines)
            if proc.poll() is not None and "cannot listen on 127.0.0.1:8000" in output:
                self.skipTest("port 8000 is in use on this machine: " + output.strip())
            self.assertIsNone(proc.poll(), output)
            self.assertIn("endpoint: http://127.0.0.1:8000", output)
            # Nothing on 0.0.0.0 or ::.
            self.assertEqual(listening_addresses(proc.pid, 8000), {"127.0.0.1"})
        finally:
            stop(proc)

    def in_empty_network_namespace(self, *args):
        command = ["unshare", "--net", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "sh",
                   eddy_bin(), "serve", "--in-memory", "--no-stack", *args]
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest("cannot make a network namespace (needs root): " + probe.stderr.strip())
        proc, lines = serve_until(command, "ready")
        stop(proc)
        return "".join(lines)

    def test_another_address_without_credentials_prints_a_warning(self):
        output = self.in_empty_network_namespace("--listen", "0.0.0.0:0")
        self.assertIn("ready", output)
        self.assertIn("eddy serve: warning: listening on 0.0.0.0 without --credentials: anyone who can "
                      "reach this address can read and change every table", output)

    def test_another_address_with_credentials_does_not_warn(self):
        with tempfile.TemporaryDirectory() as tmp:
            credentials = Path(tmp) / "credentials"
            credentials.write_text("AKIDSECURE0000000001 never-printed-secret\n")
            output = self.in_empty_network_namespace("--listen", "0.0.0.0:0", "--credentials", str(credentials))
        self.assertIn("ready", output)
        self.assertNotIn("warning", output)
        self.assertNotIn("never-printed-secret", output)

    def test_loopback_without_credentials_does_not_warn(self):
        with EddyServer() as server:
            self.assertFalse([line for line in server.output if "warning" in line], server.output)


class SigV4EverywhereTest(unittest.TestCase):
    """The notes stack with --credentials: every AWS API verifies; REST routes do not."""

    KEY, SECRET = "AKIDSECURE0000000001", "the-secret/of+eddy"
    OTHER_KEY, OTHER_SECRET = "AKIDSECURE0000000002", "another-secret"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        credentials = Path(cls.tmp.name) / "credentials"
        credentials.write_text("%s %s\n%s %s\n" % (cls.KEY, cls.SECRET, cls.OTHER_KEY, cls.OTHER_SECRET))
        cls.server = EddyServer(stack="builtin", access_key=cls.KEY, secret_key=cls.SECRET,
                                extra_args=["--credentials", str(credentials)]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    # One call of each API, made by a client with the given pair.
    def calls(self, key, secret):
        ddb = self.server.client(key, secret)
        streams = self.server.client(key, secret, service="dynamodbstreams")
        lambda_ = self.server.client(key, secret, service="lambda")
        return {
            "DynamoDB": lambda: ddb.describe_table(TableName="notes"),
            "DynamoDB Streams": lambda: streams.list_streams(),
            "Lambda control plane": lambda: lambda_.list_event_source_mappings(),
            "Lambda GetFunction": lambda: lambda_.get_function(FunctionName="word-count"),
            "Lambda Invoke": lambda: lambda_.invoke(FunctionName="list-notes", Payload=b"{}"),
        }

    def test_the_right_pairs_are_accepted_by_every_api(self):
        for key, secret in ((self.KEY, self.SECRET), (self.OTHER_KEY, self.OTHER_SECRET)):
            for api, call in self.calls(key, secret).items():
                with self.subTest(api=api, key=key):
                    call()

    def test_a_wrong_secret_is_refused_by_every_api(self):
        for api, call in self.calls(self.KEY, "not-the-secret").items():
            with self.subTest(api=api):
                code, message = error_of(call)
                self.assertEqual(code, "InvalidSignatureException", message)

    def test_an_unknown_key_is_refused_by_every_api(self):
        for api, call in self.calls("AKIDUNKNOWN000000000", self.SECRET).items():
            with self.subTest(api=api):
                code, message = error_of(call)
                self.assertEqual(code, "UnrecognizedClientException", message)

    def unsigned(self, method, path, body=b"", headers=None):
        request = urllib.request.Request(self.server.endpoint + path, data=body or None,
                                         headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            # A REST-JSON API (Lambda) names the error in a header; a JSON 1.0 one in __type.
            return e.code, e.read() + (e.headers.get("x-amzn-ErrorType") or "").encode()

    def test_unsigned_requests_are_refused_by_every_api(self):
        amz_json = {"Content-Type": "application/x-amz-json-1.0"}
        for api, method, path, headers in (
                ("DynamoDB", "POST", "/", dict(amz_json, **{"X-Amz-Target": "DynamoDB_20120810.ListTables"})),
                ("DynamoDB Streams", "POST", "/",
                 dict(amz_json, **{"X-Amz-Target": "DynamoDBStreams_20120810.ListStreams"})),
                ("Lambda control plane", "GET", "/2015-03-31/event-source-mappings/", {}),
                ("Lambda Invoke", "POST", "/2015-03-31/functions/list-notes/invocations", {})):
            with self.subTest(api=api):
                status, body = self.unsigned(method, path, b"{}" if method == "POST" else b"", headers)
                self.assertIn(status, (400, 403), body)
                self.assertIn("MissingAuthenticationTokenException", body.decode(), body)
                self.assertIn("missing Authentication Token", body.decode(), body)

    def test_rest_routes_and_health_stay_public(self):
        status, body = self.unsigned("POST", "/notes",
                                     json.dumps({"title": "open", "content": "a public route"}).encode(),
                                     {"Content-Type": "application/json"})
        self.assertEqual(status, 201, body)
        status, body = self.unsigned("GET", "/notes")
        self.assertEqual(status, 200, body)
        self.assertIn("a public route", body.decode())
        self.assertEqual(self.unsigned("GET", "/health")[0], 200)

    def test_no_secret_appears_in_the_output(self):
        # After signed, wrongly signed and unsigned calls of every kind (the other tests, and these).
        for call in self.calls(self.KEY, self.SECRET).values():
            call()
        for call in self.calls(self.KEY, "not-the-secret").values():
            with self.assertRaises(ClientError):
                call()
        leaked = [line for line in self.server.output if self.SECRET in line or self.OTHER_SECRET in line]
        self.assertEqual(leaked, [])
        self.assertTrue(any(self.KEY in line for line in self.server.output),
                        "the functions' access key id is printed (ids are not secret)")


if __name__ == "__main__":
    unittest.main()
