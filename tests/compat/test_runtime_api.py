"""Functions in any language: Node handlers run by AWS's own Runtime Interface Client
(npm aws-lambda-ric 4.0.2) as Runtime API processes of `eddy serve`.

- The handler sees Lambda's environment and context, and its process is reused while warm.
- A REST route and a stream mapping are served by it; its DynamoDB writes go through the
  AWS SDK for JavaScript v3 (no endpoint in the code: AWS_ENDPOINT_URL) and land in Eddy,
  also when Eddy verifies SigV4 (--credentials).
- A handler error, a throw, a timeout, a crash, an init error, an exit during init and a
  response over 6 MB each fail the invocation as Lambda does; the next invocation gets a working
  process. Megabytes of output neither block the function nor make a line without bound.
- The processes' output reaches Eddy's log, tagged with the function and the request id.
- The seed's own word-count handler (TypeScript on aws-sdk v2), bundled with esbuild and run
  unchanged, counts the words of the seed's curl: wordCount 10.

Run with Debian's /usr/bin/python3 (python3-boto3); needs `npm ci` in tests/compat.
"""

import json
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request
from pathlib import Path

from botocore.exceptions import ClientError

from eddy_server import EddyServer, listening_addresses, wait_until

HERE = Path(__file__).resolve().parent
FUNCTIONS = HERE / "functions"
RIC = HERE / "node_modules" / "aws-lambda-ric" / "index.mjs"
ESBUILD = HERE / "node_modules" / ".bin" / "esbuild"
SEED_CURL_BODY = (
    '{ "title": "Count me", "content": "Lorem ipsum dolor sit amet, consectetur adipiscing '
    'elit. Nulla vitae." }'
)


def node_function(handler, code=FUNCTIONS / "node", timeout="3s", extra=""):
    return (
        f"    handler: {handler}\n"
        f"    code: {code}\n"
        f"    runtime: {{command: [node, {RIC}]}}\n"
        f"    timeout: {timeout}\n"
        f"    environment: {{TABLE_NAME: items}}\n{extra}"
    )


STACK = (
    "tables:\n"
    "  items:\n"
    "    partitionKey: {name: id, type: S}\n"
    "    stream: NEW_IMAGE\n"
    "functions:\n"
    "  inspect:\n" + node_function("index.inspect", extra="    memorySize: 256\n") +
    "  rest:\n" + node_function("index.rest") +
    "  stream:\n" + node_function("index.stream") +
    "  handled:\n" + node_function("index.handled") +
    "  thrower:\n" + node_function("index.thrower") +
    "  sleep:\n" + node_function("index.sleep", timeout="1s",
                                 extra="    reservedConcurrentExecutions: 2\n") +
    "  crash:\n" + node_function("index.crash") +
    "  logger:\n" + node_function("index.log") +
    "  big:\n" + node_function("index.big") +
    "  broken:\n" + node_function("index.handler", code=FUNCTIONS / "node-init-error") +
    "  quitter:\n" + node_function("index.handler", code=FUNCTIONS / "node-init-exit") +
    "  chatty:\n" + node_function("index.chatty", timeout="20s") +
    "api:\n"
    "  routes:\n"
    "    POST /items: rest\n"
    "eventSources:\n"
    "  - function: stream\n"
    "    table: items\n"
    "    startingPosition: TRIM_HORIZON\n"
    "    retryAttempts: 2\n"
)


def write_stack(directory, text):
    path = Path(directory) / "stack.yaml"
    path.write_text(text)
    return path


class RuntimeApiCase(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = EddyServer(stack=write_stack(cls.tmp.name, STACK)).start()
        cls.lambda_ = cls.server.client(service="lambda")
        cls.dynamodb = cls.server.client()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def invoke(self, function, payload=None):
        response = self.lambda_.invoke(FunctionName=function,
                                       Payload=json.dumps(payload or {}).encode())
        body = response["Payload"].read()
        return response.get("FunctionError"), json.loads(body) if body else None

    def test_the_handler_sees_lambdas_environment_and_its_process_stays_warm(self):
        error, first = self.invoke("inspect", {"n": 1})
        self.assertIsNone(error, first)
        self.assertEqual(first["event"], {"n": 1})
        self.assertEqual(first["functionName"], "inspect")
        self.assertEqual(first["invokedFunctionArn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:inspect")
        self.assertEqual(first["memoryLimitInMB"], "256")
        self.assertTrue(0 < first["remainingMs"] <= 3000, first["remainingMs"])
        self.assertEqual(first["cwd"], str(FUNCTIONS / "node"))
        env = first["env"]
        self.assertEqual(env["_HANDLER"], "index.inspect")
        self.assertEqual(env["LAMBDA_TASK_ROOT"], str(FUNCTIONS / "node"))
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], "inspect")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256")
        self.assertEqual(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/inspect")
        self.assertRegex(env["AWS_LAMBDA_LOG_STREAM_NAME"],
                         r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
        self.assertEqual(env["AWS_REGION"], "us-east-1")
        self.assertEqual(env["AWS_ENDPOINT_URL"], self.server.endpoint)
        self.assertRegex(env["AWS_LAMBDA_RUNTIME_API"], r"^127\.0\.0\.1:\d+$")
        self.assertEqual(env["TABLE_NAME"], "items")
        # The runtime client copies Lambda-Runtime-Trace-Id into _X_AMZN_TRACE_ID.
        self.assertRegex(env["_X_AMZN_TRACE_ID"],
                         r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")

        error, second = self.invoke("inspect", {"n": 2})
        self.assertIsNone(error, second)
        self.assertEqual(second["pid"], first["pid"], "a warm environment is reused")
        self.assertEqual(second["invocations"], first["invocations"] + 1)
        self.assertNotEqual(second["requestId"], first["requestId"])
        self.assertEqual(second["env"]["AWS_LAMBDA_RUNTIME_API"],
                         env["AWS_LAMBDA_RUNTIME_API"])

    def test_a_rest_route_served_by_the_handler_writes_through_sdk_v3(self):
        request = urllib.request.Request(
            self.server.endpoint + "/prod/items",
            data=json.dumps({"id": "via-rest", "text": "hello"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(response.status, 201)
            body = json.loads(response.read())
        self.assertEqual(body, {"id": "via-rest", "resource": "/items", "method": "POST"})
        item = self.dynamodb.get_item(TableName="items", Key={"id": {"S": "via-rest"}})["Item"]
        self.assertEqual(item["text"], {"S": "hello"})

    def test_a_stream_mapping_feeds_the_handler_and_its_writes_land(self):
        for i in range(20):
            self.dynamodb.put_item(TableName="items",
                                   Item={"id": {"S": f"s{i}"}, "text": {"S": "x" * i}})

        def all_marked():
            for i in range(20):
                item = self.dynamodb.get_item(TableName="items",
                                              Key={"id": {"S": f"s{i}"}}).get("Item", {})
                if item.get("textLength") != {"N": str(i)}:
                    return False
                self.assertEqual(item["seenBy"], {"S": "stream"})
            return True

        wait_until(all_marked, timeout=60, what="the stream function's writes")

    def test_a_handler_error_fails_the_invocation_with_its_type_and_message(self):
        error, body = self.invoke("handled", {"what": "this"})
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "NotHandledError")
        self.assertEqual(body["errorMessage"], "cannot handle this")
        self.assertIn("trace", body)  # the runtime client's stack trace is passed through

    def test_a_throw_fails_the_invocation(self):
        error, body = self.invoke("thrower")
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "TypeError")
        self.assertEqual(body["errorMessage"], "something is undefined")

    def test_a_timeout_kills_the_process_and_a_fresh_one_serves_the_next(self):
        error, warm = self.invoke("sleep", {"ms": 10})
        self.assertIsNone(error, warm)
        error, body = self.invoke("sleep", {"ms": 5000})
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        self.assertRegex(body["errorMessage"], r"Task timed out after 1\.00 seconds")
        error, after = self.invoke("sleep", {"ms": 10})
        self.assertIsNone(error, after)
        self.assertNotEqual(after["pid"], warm["pid"])
        self.assertEqual(after["invocations"], 1, "a fresh process")
        with self.assertRaises(OSError):
            import os
            os.kill(warm["pid"], 0)  # the timed-out process is gone

    def two_concurrent_sleeps(self):
        """The answers of two overlapping invocations of `sleep` (both must succeed)."""
        results = []

        def call():
            results.append(self.invoke("sleep", {"ms": 400}))

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([error for error, _ in results], [None, None], results)
        return [body for _, body in results]

    def test_concurrent_invocations_get_environments_of_their_own(self):
        self.assertEqual(len({body["pid"] for body in self.two_concurrent_sleeps()}), 2)

    def test_each_environment_has_a_loopback_runtime_api_of_its_own_that_closes_with_it(self):
        endpoints = {body["runtimeApi"] for body in self.two_concurrent_sleeps()}
        self.assertEqual(len(endpoints), 2, "two environments share a Runtime API endpoint")
        for endpoint in endpoints:
            self.assertRegex(endpoint, r"^127\.0\.0\.1:\d+$")
            # Bound to the loopback address itself, not to every address (0.0.0.0).
            port = int(endpoint.split(":")[1])
            listening = listening_addresses(self.server.proc.pid, port)
            self.assertEqual(listening, {"127.0.0.1"})
        # A timeout ends an environment: its process and its endpoint go together.
        error, body = self.invoke("sleep", {"ms": 5000})
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        for _ in range(2):  # reservedConcurrentExecutions 2: at most two environments live
            self.invoke("sleep", {"ms": 5000})
        for endpoint in endpoints:
            port = int(endpoint.split(":")[1])
            wait_until(lambda: not listening_addresses(self.server.proc.pid, port), timeout=10,
                       what="the ended environment's Runtime API to close")

    def test_a_crash_fails_its_invocation_and_the_process_is_replaced(self):
        error, body = self.invoke("crash", {"code": 3})
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertIn("Runtime exited with error: exit status 3", body["errorMessage"])
        error, body = self.invoke("crash", {"code": 4})
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertIn("exit status 4", body["errorMessage"])

    def test_an_init_error_is_the_first_invocations_error(self):
        for _ in range(2):  # each invocation finds a fresh process that fails again
            error, body = self.invoke("broken")
            self.assertEqual(error, "Unhandled")
            self.assertEqual(body["errorMessage"], "the configuration is missing", body)
            self.assertEqual(body["errorType"], "Error")

    def test_an_exit_during_init_fails_the_invocation_with_runtime_exit_error(self):
        for _ in range(2):
            error, body = self.invoke("quitter")
            self.assertEqual(error, "Unhandled")
            self.assertEqual(body["errorType"], "Runtime.ExitError", body)
            self.assertIn("Runtime exited with error: exit status 2", body["errorMessage"])

    def test_megabytes_of_output_neither_block_the_function_nor_grow_a_line(self):
        error, body = self.invoke("chatty", {"tag": "c-99"})
        self.assertIsNone(error, body)
        self.assertEqual(body, "said a lot")
        wait_until(lambda: sum(1 for line in self.server.output if "chatty c-99 " in line) == 60000,
                   timeout=30, what="all 60,000 lines in Eddy's log")
        # The 1 MB line arrives in pieces of a bounded length, all of it.
        pieces = wait_until(lambda: [line for line in self.server.output
                                     if line.startswith("[chatty ") and ("last c-99 " in line or line.endswith("####"))
                                     and "chatty c-99" not in line], what="the long line")
        wait_until(lambda: sum(line.count("#") for line in self.server.output if line.startswith("[chatty "))
                   >= (1 << 20) - len("last c-99 "), what="every byte of the long line")
        self.assertGreater(len(pieces), 1)
        # A piece is at most 16 KB (kMaxLogLine), after the "[function request-id stream] " tag.
        self.assertLessEqual(max(len(line) for line in self.server.output if line.startswith("[chatty ")),
                             16 * 1024 + 80)

    def test_output_goes_to_eddys_log_tagged_with_function_and_request_id(self):
        error, body = self.invoke("logger", {"tag": "t-4711"})
        self.assertIsNone(error, body)
        self.assertEqual(body, "logged")

        def tagged(stream, text):
            return [line for line in self.server.output
                    if line.startswith("[logger ") and f" {stream}] " in line and text in line]

        stdout = wait_until(lambda: tagged("stdout", "stdout line t-4711"), what="stdout line")
        wait_until(lambda: tagged("stderr", "stderr line t-4711"), what="stderr line")
        # [function request-id stream]: the id is a UUID, the one console.log printed too.
        request_id = stdout[0].split(" ")[1].rstrip("]")
        self.assertRegex(request_id, r"^[0-9a-f-]{36}$")
        self.assertIn(request_id, stdout[0].split("] ", 1)[1])

    def test_a_payload_over_6_mb_is_refused_before_any_function_runs(self):
        with self.assertRaises(ClientError) as caught:
            self.lambda_.invoke(FunctionName="inspect", Payload=json.dumps({"x": "y" * (7 << 20)}).encode())
        error = caught.exception.response
        self.assertEqual(error["Error"]["Code"], "RequestEntityTooLargeException", error)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 413)
        self.assertIn("Request must be smaller than 6291456 bytes", error["Error"]["Message"])

    def test_a_response_over_6_mb_fails_the_invocation(self):
        error, body = self.invoke("big")
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Function.ResponseSizeTooLarge")


class VerifiedCredentials(unittest.TestCase):
    """With --credentials, the function gets the file's first pair and its SDK v3 calls verify."""

    def test_the_functions_own_calls_are_signed_with_a_pair_eddy_accepts(self):
        with tempfile.TemporaryDirectory() as tmp:
            credentials = Path(tmp) / "credentials"
            credentials.write_text("AKIDFUNCTIONS0000001 function-secret\nAKIDOTHER other\n")
            stack = write_stack(tmp, STACK)
            server = EddyServer(stack=stack, access_key="AKIDOTHER", secret_key="other",
                                extra_args=["--credentials", str(credentials)])
            with server:
                self.assertTrue(any("credentials: access key AKIDFUNCTIONS0000001 from" in line
                                    for line in server.output), server.output[-20:])
                request = urllib.request.Request(
                    server.endpoint + "/items", data=b'{"id": "signed", "text": "ok"}',
                    method="POST")
                with urllib.request.urlopen(request, timeout=30) as response:
                    self.assertEqual(response.status, 201)
                item = server.client().get_item(TableName="items",
                                                Key={"id": {"S": "signed"}})["Item"]
                self.assertEqual(item["text"], {"S": "ok"})


class SeedWordCountHandler(unittest.TestCase):
    """The seed's word-count.stream.ts, bundled by esbuild with aws-sdk (v2) external as AWS's
    older Node runtimes provided it, runs unchanged as the notes stack's word-count."""

    def test_the_seeds_curl_ends_with_word_count_10(self):
        with tempfile.TemporaryDirectory() as tmp:
            code = Path(tmp) / "word-count"
            code.mkdir()
            subprocess.run(
                [str(ESBUILD), str(FUNCTIONS / "seed-word-count" / "word-count.stream.ts"),
                 "--bundle", "--platform=node", "--format=cjs", "--external:aws-sdk",
                 f"--outfile={code / 'index.js'}", "--log-level=warning"],
                check=True)
            notes = (HERE.parents[1] / "stacks" / "notes.yaml").read_text()
            builtin = "  word-count: {handler: builtin:notes.word-count, environment: {TABLE_NAME: notes}}\n"
            self.assertIn(builtin, notes)
            # NODE_PATH: where the Lambda Node runtimes up to 16 found aws-sdk.
            stack = notes.replace(builtin, (
                "  word-count:\n"
                "    handler: index.handler\n"
                f"    code: {code}\n"
                f"    runtime: {{command: [node, {RIC}]}}\n"
                f"    environment: {{TABLE_NAME: notes, NODE_PATH: {HERE / 'node_modules'}}}\n"))
            with EddyServer(stack=write_stack(tmp, stack)) as server:
                self.assertTrue(any("+ function word-count (index.handler, run by node" in line
                                    for line in server.output))
                # The seed's own request, with curl.
                curl = subprocess.run(
                    ["curl", "-sS", "-X", "POST", server.endpoint + "/prod/notes", "--data",
                     SEED_CURL_BODY, "-H", "Content-Type: application/json", "-i"],
                    check=True, capture_output=True, text=True)
                self.assertRegex(curl.stdout, r"^HTTP/1\.1 201")
                note_id = json.loads(curl.stdout.split("\n\n", 1)[1])["id"]
                table = server.client()

                def counted():
                    item = table.get_item(TableName="notes", Key={"id": {"S": note_id}})["Item"]
                    return item.get("wordCount")

                self.assertEqual(wait_until(counted, timeout=60, what="wordCount"), {"N": "10"})


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:])
