"""What the benchmark scripts under bench/ share to drive Eddy: starting `eddy serve` on a free
port (and stopping it), and one AWS JSON call over a plain HTTP connection (unsigned: `eddy
serve` checks signatures only with --credentials)."""

import http.client
import json
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path


class EddyServe:
    """`eddy serve --listen 127.0.0.1:0 --data-dir <dir> <args>`, with sync durability.
    data_dir: a directory to serve from; by default a temporary one, removed by stop()."""

    def __init__(self, binary, args=(), data_dir=None):
        self.owned_dir = None
        if data_dir is None:
            data_dir = self.owned_dir = Path(tempfile.mkdtemp(prefix="eddy-bench-"))
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.proc.stdout:
            m = re.search(r"endpoint: http://([\d.]+):(\d+)", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))
            if line.strip() == "ready":
                break
        # Keep draining its output, so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.url = "http://%s:%d" % (self.host, self.port)

    def conn(self, timeout=60):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        if self.owned_dir:
            shutil.rmtree(self.owned_dir, ignore_errors=True)


def aws(conn, target, body):
    """One AWS JSON 1.0 call; `target` is an X-Amz-Target, or a DynamoDB operation name."""
    if "." not in target:
        target = "DynamoDB_20120810." + target
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target})
    r = conn.getresponse()
    data = json.loads(r.read() or b"{}")
    if r.status != 200:
        raise RuntimeError("%s: %s" % (target, data))
    return data
