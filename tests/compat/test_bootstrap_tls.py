"""The C++ notes bootstrap reaching DynamoDB over HTTPS, as it does on AWS Lambda: Eddy behind
nginx terminating TLS with a certificate made for the test (openssl), the bootstraps given
AWS_ENDPOINT_URL_DYNAMODB=https://localhost:<port>.

- With the certificate trusted (SSL_CERT_FILE), a note posted through put-note lands in the
  table through nginx, and word-count's count arrives the same way.
- Without it, get-note's client refuses the unknown certificate: the route answers 502.

Run with Debian's /usr/bin/python3; needs nginx (nginx-light), openssl, and the bootstrap
($EDDY_NOTES_BOOTSTRAP, else build/functions/notes/bootstrap).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from eddy_server import REPO, EddyServer, wait_until

BOOTSTRAP = Path(os.environ.get("EDDY_NOTES_BOOTSTRAP")
                 or REPO / "build" / "functions" / "notes" / "bootstrap")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def function(name, env):
    return ("  %s: {handler: %s, code: %s, runtime: {command: [./bootstrap]}, environment: %s}\n"
            % (name, name, BOOTSTRAP.parent, json.dumps(env)))


class BootstrapOverTls(unittest.TestCase):
    def test_the_bootstraps_dynamodb_client_verifies_and_uses_tls(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cert, key = tmp / "cert.pem", tmp / "key.pem"
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                 "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                 "-addext", "subjectAltName=DNS:localhost"],
                check=True, capture_output=True)
            tls_port = free_port()
            https = "https://localhost:%d" % tls_port
            trusted = {"TABLE_NAME": "notes", "AWS_ENDPOINT_URL_DYNAMODB": https,
                       "SSL_CERT_FILE": str(cert)}
            untrusted = {"TABLE_NAME": "notes", "AWS_ENDPOINT_URL_DYNAMODB": https}
            stack = tmp / "stack.yaml"
            stack.write_text(
                "tables:\n"
                "  notes:\n"
                "    partitionKey: {name: id, type: S}\n"
                "    stream: NEW_IMAGE\n"
                "functions:\n"
                + function("put-note", trusted)
                + function("word-count", trusted)
                + function("get-note", untrusted)
                + "api:\n"
                "  routes:\n"
                "    POST /notes: put-note\n"
                "    GET /notes/{id}: get-note\n"
                "eventSources:\n"
                "  - {function: word-count, table: notes, startingPosition: TRIM_HORIZON, "
                "retryAttempts: 0}\n")
            with EddyServer(stack=stack) as server:
                upstream = server.endpoint.replace("http://", "")
                (tmp / "nginx.conf").write_text(
                    "daemon off;\nworker_processes 1;\npid %s/nginx.pid;\n"
                    "error_log %s/error.log;\nevents {}\nhttp {\n"
                    "  access_log %s/access.log;\n"
                    "  client_body_temp_path %s;\n  proxy_temp_path %s;\n"
                    "  server {\n"
                    "    listen 127.0.0.1:%d ssl;\n"
                    "    ssl_certificate %s;\n    ssl_certificate_key %s;\n"
                    "    location / { proxy_pass http://%s; }\n"
                    "  }\n}\n" % (tmp, tmp, tmp, tmp, tmp, tls_port, cert, key, upstream))
                nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                try:
                    wait_until(lambda: self._listening(tls_port) or nginx.poll() is not None,
                               what="nginx listening")
                    self.assertIsNone(nginx.poll(), nginx.stderr.read() if nginx.stderr else "")

                    body = json.dumps({"title": "Count me", "content": "one two three"}).encode()
                    request = urllib.request.Request(server.endpoint + "/notes", data=body,
                                                     method="POST")
                    with urllib.request.urlopen(request, timeout=30) as response:
                        self.assertEqual(response.status, 201)
                        note = json.loads(response.read())
                    table = server.client()

                    def counted():
                        item = table.get_item(TableName="notes",
                                              Key={"id": {"S": note["id"]}}).get("Item", {})
                        return item.get("wordCount")

                    self.assertEqual(wait_until(counted, what="wordCount"), {"N": "3"})
                    # Both functions' calls went through nginx, over TLS.
                    log = (tmp / "access.log").read_text()
                    self.assertIn('"POST / HTTP/1.1" 200', log)
                    self.assertGreaterEqual(log.count("POST / HTTP/1.1"), 2, log)

                    # get-note does not trust the certificate: its call fails, the route 502s.
                    with self.assertRaises(urllib.error.HTTPError) as refused:
                        urllib.request.urlopen(server.endpoint + "/notes/" + note["id"],
                                               timeout=30)
                    self.assertEqual(refused.exception.code, 502)
                    self.assertEqual(log.count("POST / HTTP/1.1"),
                                     (tmp / "access.log").read_text().count("POST / HTTP/1.1"),
                                     "the refused handshake sent no request")
                finally:
                    nginx.terminate()
                    nginx.wait(10)

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
            return False


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:])
