#!/usr/bin/env bash
# Black-box compatibility test of `eddy serve` with Debian's AWS CLI (apt package awscli).
#
#   EDDY_BIN=/path/to/eddy bash tests/compat/cli_test.sh
#
# Starts `eddy serve --listen 127.0.0.1:0 --in-memory --no-stack`, drives it with
# `aws dynamodb ... --endpoint-url`, and stops it with SIGTERM (SIGKILL after 10 s).
# Each CLI call costs ~0.7 s, so this covers the main scenarios in ~40 calls; the
# detailed cases live in test_dynamodb_boto3.py. JSON is checked with Debian's python3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EDDY_BIN=${EDDY_BIN:-$here/../../build/eddy}
AWS=${AWS_CLI:-/usr/bin/aws}  # Debian's CLI, not whatever is first on PATH
PY=/usr/bin/python3

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=dummy-secret AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL 2>/dev/null || true

tmp=$(mktemp -d)
server_pid=
calls=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

stop_server() {
  # SIGTERM, up to 10 s, then SIGKILL. Sets $stop_status (not in a subshell: wait needs the parent).
  local pid=$server_pid
  server_pid=
  stop_status=none
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    stop_status="killed: still running 10 s after SIGTERM"
    return 0
  fi
  stop_status=0
  wait "$pid" || stop_status=$?
}

cleanup() {
  local rc=$?
  if [[ -n $server_pid ]]; then
    stop_server
  fi
  if [[ $rc -ne 0 && -f $tmp/server.log ]]; then
    echo "--- eddy serve output (last 30 lines) ---" >&2
    tail -n 30 "$tmp/server.log" >&2
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

[[ -x $AWS ]] || fail "$AWS not found: apt-get install awscli"
[[ -x $EDDY_BIN ]] || fail "eddy binary not found: $EDDY_BIN (set EDDY_BIN)"

# --- start the server -------------------------------------------------------

# The Lambda section needs functions and a table with a stream: a small stack file.
cat >"$tmp/stack.yaml" <<'YAML'
tables:
  cli-orders:
    partitionKey: {name: id, type: S}
    stream: NEW_AND_OLD_IMAGES
functions:
  echo: {handler: builtin:test.echo}
  fails: {handler: builtin:test.fail, timeout: 10s, environment: {MODE: strict}}
YAML
"$EDDY_BIN" serve --listen 127.0.0.1:0 --in-memory --stack "$tmp/stack.yaml" >"$tmp/server.log" 2>&1 &
server_pid=$!
EP=
for _ in $(seq 300); do
  EP=$(grep -oE 'endpoint: http://[^[:space:]]+' "$tmp/server.log" | head -n1 | cut -d' ' -f2 || true)
  [[ -n $EP ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "eddy serve exited before printing its endpoint"
  sleep 0.1
done
[[ -n $EP ]] || fail "eddy serve did not print 'endpoint: http://...' within 30 s"
EP=${EP%/}
"$PY" - "$EP" <<'EOF' || fail "GET /health never answered 200"
import sys, time, urllib.request
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        if urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).status == 200:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
sys.exit(1)
EOF
echo "eddy serve at $EP"

# --- helpers ----------------------------------------------------------------

# ddb ARGS...: run `aws $service ARGS --endpoint-url EP` (service: dynamodb unless set); output in
# $out, stderr in $err, exit code in $rc.
service=dynamodb
ddb() {
  calls=$((calls + 1))
  rc=0
  out=$("$AWS" "$service" --endpoint-url "$EP" --output json "$@" 2>"$tmp/stderr") || rc=$?
  err=$(cat "$tmp/stderr")
}

# ok ARGS...: the call must succeed.
ok() {
  ddb "$@"
  [[ $rc -eq 0 ]] || fail "aws dynamodb $1 exited $rc: $err"
}

# expect_error CODE ARGS...: the call must fail with the service error CODE.
# AWS CLI v2 exits 254 when the service returned an error (v1: 255).
expect_error() {
  local code=$1
  shift
  ddb "$@"
  [[ $rc -eq 254 || $rc -eq 255 ]] || fail "aws dynamodb $1: expected $code (exit 254), got exit $rc: $out $err"
  [[ $err == *"An error occurred ($code) when calling the "* ]] || fail "aws dynamodb $1: expected $code on stderr, got: $err"
  checks=$((checks + 1))
}

# check PY_EXPR: evaluate PY_EXPR with d = the JSON output of the last call ({} when empty).
check() {
  checks=$((checks + 1))
  "$PY" -c '
import json, sys
d = json.loads(sys.argv[1] or "{}")
sys.exit(0 if eval(sys.argv[2]) else 1)
' "$out" "$1" || fail "check failed: $1
output: ${out:0:2000}"
}

run=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
T=compat_cli_${run}_items
T2=compat_cli_${run}_other
ARN=arn:aws:dynamodb:us-east-1:000000000000:table/$T

# --- table lifecycle ---------------------------------------------------------

ok create-table --table-name "$T" \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST \
  --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES \
  --tags Key=team,Value=eddy
check "d['TableDescription']['TableArn'] == '$ARN'"
check "d['TableDescription']['TableStatus'] in ('CREATING', 'ACTIVE')"

ok wait table-exists --table-name "$T"
ok describe-table --table-name "$T"
check "d['Table']['TableStatus'] == 'ACTIVE' and d['Table']['TableName'] == '$T' and d['Table']['ItemCount'] == 0"
check "d['Table']['KeySchema'] == [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}]"
check "d['Table']['BillingModeSummary']['BillingMode'] == 'PAY_PER_REQUEST'"
check "d['Table']['StreamSpecification'] == {'StreamEnabled': True, 'StreamViewType': 'NEW_AND_OLD_IMAGES'}"

ok create-table --table-name "$T2" --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH --billing-mode PROVISIONED \
  --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5
ok list-tables --page-size 1  # the CLI follows LastEvaluatedTableName page by page
check "'$T' in d['TableNames'] and '$T2' in d['TableNames'] and d['TableNames'] == sorted(d['TableNames'])"
check "len(d['TableNames']) == len(set(d['TableNames']))"

expect_error ResourceInUseException create-table --table-name "$T" \
  --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH \
  --billing-mode PAY_PER_REQUEST
[[ $rc -eq 254 ]] || fail "AWS CLI v2 exits 254 on a service error, got $rc"

# --- items -------------------------------------------------------------------

ok put-item --table-name "$T" --item '{"pk":{"S":"user#1"},"sk":{"N":"0"},"name":{"S":"Ada"},"n":{"N":"1"},"tags":{"SS":["a","b"]},"bin":{"B":"AAEC/w=="},"big":{"N":"12345678901234567890.123456789"},"m":{"M":{"l":{"L":[{"N":"1"},{"M":{"c":{"S":"x"}}}]}}}}' \
  --return-consumed-capacity TOTAL
check "d['ConsumedCapacity']['TableName'] == '$T' and d['ConsumedCapacity']['CapacityUnits'] == 1.0"

expect_error ConditionalCheckFailedException put-item --table-name "$T" \
  --item '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' --condition-expression 'attribute_not_exists(pk)'
[[ $err == *"The conditional request failed"* ]] || fail "unexpected message: $err"

ok get-item --table-name "$T" --key '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' --consistent-read
check "d['Item']['name'] == {'S': 'Ada'} and sorted(d['Item']['tags']['SS']) == ['a', 'b']"
check "d['Item']['bin'] == {'B': 'AAEC/w=='} and d['Item']['big'] == {'N': '12345678901234567890.123456789'}"
check "d['Item']['m']['M']['l']['L'][1] == {'M': {'c': {'S': 'x'}}}"

ok update-item --table-name "$T" --key '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' \
  --update-expression 'SET n = n + :inc, m.l[1].c = :c, visits = if_not_exists(visits, :zero) + :inc REMOVE bin ADD tags :t' \
  --condition-expression '#nm = :ada' --expression-attribute-names '{"#nm":"name"}' \
  --expression-attribute-values '{":inc":{"N":"41"},":c":{"S":"y"},":zero":{"N":"0"},":t":{"SS":["c"]},":ada":{"S":"Ada"}}' \
  --return-values ALL_NEW
check "d['Attributes']['n'] == {'N': '42'} and d['Attributes']['visits'] == {'N': '41'} and 'bin' not in d['Attributes']"
check "sorted(d['Attributes']['tags']['SS']) == ['a', 'b', 'c'] and d['Attributes']['m']['M']['l']['L'][1] == {'M': {'c': {'S': 'y'}}}"

ok update-item --table-name "$T" --key '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' \
  --update-expression 'SET #nm = :v' --expression-attribute-names '{"#nm":"name"}' \
  --expression-attribute-values '{":v":{"S":"Grace"}}' --return-values UPDATED_OLD
check "d['Attributes'] == {'name': {'S': 'Ada'}}"

ok delete-item --table-name "$T" --key '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' --return-values ALL_OLD
check "d['Attributes']['name'] == {'S': 'Grace'} and d['Attributes']['n'] == {'N': '42'}"
ok get-item --table-name "$T" --key '{"pk":{"S":"user#1"},"sk":{"N":"0"}}' --consistent-read
check "'Item' not in d"

# --- batches -----------------------------------------------------------------

"$PY" - "$T" "$tmp" <<'EOF'
import json, sys
t, tmp = sys.argv[1], sys.argv[2]
put = lambda i: {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)}, "even": {"BOOL": i % 2 == 0}}}}
json.dump({t: [put(i) for i in range(25)]}, open(tmp + "/batch25.json", "w"))
json.dump({t: [put(i) for i in range(100, 126)]}, open(tmp + "/batch26.json", "w"))
json.dump({t: {"Keys": [{"pk": {"S": "p"}, "sk": {"N": str(i)}} for i in (1, 2, 999)]}}, open(tmp + "/get.json", "w"))
EOF
ok batch-write-item --request-items "file://$tmp/batch25.json"
check "d['UnprocessedItems'] == {}"
expect_error ValidationException batch-write-item --request-items "file://$tmp/batch26.json"
ok batch-get-item --request-items "file://$tmp/get.json"
check "sorted(x['sk']['N'] for x in d['Responses']['$T']) == ['1', '2'] and d['UnprocessedKeys'] == {}"

# --- query and scan ------------------------------------------------------------

# --page-size makes the CLI follow LastEvaluatedKey: 25 items in 7 requests, merged
ok query --table-name "$T" --key-condition-expression 'pk = :p' \
  --expression-attribute-values '{":p":{"S":"p"}}' --page-size 4
check "[int(x['sk']['N']) for x in d['Items']] == list(range(25)) and d['Count'] == 25"

ok query --table-name "$T" --key-condition-expression 'pk = :p AND sk BETWEEN :a AND :b' \
  --expression-attribute-values '{":p":{"S":"p"},":a":{"N":"5"},":b":{"N":"20"}}' \
  --no-scan-index-forward --no-paginate --limit 3
check "[x['sk']['N'] for x in d['Items']] == ['20', '19', '18'] and d['LastEvaluatedKey'] == {'pk': {'S': 'p'}, 'sk': {'N': '18'}}"

ok query --table-name "$T" --key-condition-expression 'pk = :p AND sk < :n' --filter-expression 'even = :t' \
  --expression-attribute-values '{":p":{"S":"p"},":n":{"N":"10"},":t":{"BOOL":true}}' --projection-expression sk
check "d['Items'] == [{'sk': {'N': str(i)}} for i in (0, 2, 4, 6, 8)] and d['Count'] == 5 and d['ScannedCount'] == 10"

ok scan --table-name "$T" --page-size 7
check "sorted(int(x['sk']['N']) for x in d['Items']) == list(range(25))"
seg0=
ok scan --table-name "$T" --segment 0 --total-segments 2 --projection-expression sk
seg0=$out
ok scan --table-name "$T" --segment 1 --total-segments 2 --projection-expression sk
out=$("$PY" -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print(json.dumps({"Items": a["Items"] + b["Items"]}))' "$seg0" "$out")
check "sorted(int(x['sk']['N']) for x in d['Items']) == list(range(25))"
ok scan --table-name "$T" --select COUNT --filter-expression 'sk >= :n' --expression-attribute-values '{":n":{"N":"20"}}'
check "d['Count'] == 5 and 'Items' not in d"

# --- transactions --------------------------------------------------------------

ok transact-write-items --client-request-token "tok-$run" --transact-items "[
  {\"Put\": {\"TableName\": \"$T2\", \"Item\": {\"id\": {\"S\": \"acct\"}, \"bal\": {\"N\": \"10\"}}}},
  {\"Update\": {\"TableName\": \"$T\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"0\"}},
               \"UpdateExpression\": \"ADD hits :one\", \"ExpressionAttributeValues\": {\":one\": {\"N\": \"1\"}}}}]"
expect_error TransactionCanceledException transact-write-items --transact-items "[
  {\"Delete\": {\"TableName\": \"$T\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}}},
  {\"ConditionCheck\": {\"TableName\": \"$T2\", \"Key\": {\"id\": {\"S\": \"acct\"}},
                       \"ConditionExpression\": \"bal > :x\", \"ExpressionAttributeValues\": {\":x\": {\"N\": \"100\"}}}}]"
[[ $err == *"[None, ConditionalCheckFailed]"* ]] || fail "cancellation reasons missing from: $err"
ok transact-get-items --transact-items "[
  {\"Get\": {\"TableName\": \"$T\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}}},
  {\"Get\": {\"TableName\": \"$T\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"0\"}}}},
  {\"Get\": {\"TableName\": \"$T2\", \"Key\": {\"id\": {\"S\": \"acct\"}}}}]"
check "d['Responses'][0]['Item']['sk'] == {'N': '1'}"  # the cancelled delete did not happen
check "d['Responses'][1]['Item']['hits'] == {'N': '1'} and d['Responses'][2]['Item']['bal'] == {'N': '10'}"

# --- tags, limits, update, errors, delete ----------------------------------------

ok tag-resource --resource-arn "$ARN" --tags Key=env,Value=test
ok untag-resource --resource-arn "$ARN" --tag-keys team
ok list-tags-of-resource --resource-arn "$ARN"
check "d['Tags'] == [{'Key': 'env', 'Value': 'test'}]"
ok describe-limits
check "d['TableMaxReadCapacityUnits'] > 0 and d['AccountMaxWriteCapacityUnits'] > 0"
ok update-table --table-name "$T2" --provisioned-throughput ReadCapacityUnits=7,WriteCapacityUnits=8
ok describe-table --table-name "$T2"
check "d['Table']['ProvisionedThroughput']['ReadCapacityUnits'] == 7 and d['Table']['ProvisionedThroughput']['WriteCapacityUnits'] == 8"

expect_error ValidationException put-item --table-name "$T" --item '{"pk":{"N":"1"},"sk":{"N":"0"}}'
expect_error ResourceNotFoundException get-item --table-name "compat_cli_${run}_missing" --key '{"pk":{"S":"a"}}'
ok delete-table --table-name "$T2"
check "d['TableDescription']['TableName'] == '$T2'"
ok delete-table --table-name "$T"
ok wait table-not-exists --table-name "$T"
expect_error ResourceNotFoundException describe-table --table-name "$T"

# --- Lambda: functions, Invoke, event source mappings ---------------------------

service=lambda
ok list-functions
check "sorted(f['FunctionName'] for f in d['Functions']) == ['echo', 'fails']"
ok get-function --function-name fails
check "d['Configuration']['FunctionArn'] == 'arn:aws:lambda:us-east-1:000000000000:function:fails' and d['Configuration']['Timeout'] == 10 and d['Configuration']['Environment']['Variables'] == {'MODE': 'strict'} and d['Configuration']['Handler'] == 'builtin:test.fail'"
ok invoke --function-name echo --cli-binary-format raw-in-base64-out --payload '{"hello":"world"}' "$tmp/echo.json"
check "d['StatusCode'] == 200 and 'FunctionError' not in d"
out=$(cat "$tmp/echo.json")
check "d == {'hello': 'world'}"
ok invoke --function-name arn:aws:lambda:us-east-1:000000000000:function:fails "$tmp/fails.json"
check "d['StatusCode'] == 200 and d['FunctionError'] == 'Unhandled'"
out=$(cat "$tmp/fails.json")
check "d == {'errorType': 'TestFailure', 'errorMessage': 'test.fail always fails'}"
expect_error ResourceNotFoundException invoke --function-name nope "$tmp/nope.json"
expect_error ResourceNotFoundException get-function --function-name nope

service=dynamodb
ok describe-table --table-name cli-orders
STREAM=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["Table"]["LatestStreamArn"])' "$out")
service=lambda
ok create-event-source-mapping --function-name echo --event-source-arn "$STREAM" --starting-position LATEST \
  --batch-size 50 --maximum-retry-attempts 2 --bisect-batch-on-function-error \
  --destination-config "OnFailure={Destination=file:$tmp/failures.jsonl}" \
  --filter-criteria '{"Filters":[{"Pattern":"{\"eventName\":[\"INSERT\"]}"}]}'
check "d['State'] == 'Creating' and d['BatchSize'] == 50 and d['MaximumRetryAttempts'] == 2 and d['BisectBatchOnFunctionError'] and d['StartingPosition'] == 'LATEST'"
check "d['FilterCriteria'] == {'Filters': [{'Pattern': '{\"eventName\":[\"INSERT\"]}'}]} and d['FunctionArn'].endswith(':function:echo')"
UUID=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["UUID"])' "$out")
expect_error ResourceConflictException create-event-source-mapping --function-name echo --event-source-arn "$STREAM" --starting-position LATEST
expect_error InvalidParameterValueException create-event-source-mapping --function-name fails --event-source-arn "$STREAM" \
  --starting-position LATEST --destination-config 'OnFailure={Destination=arn:aws:sqs:us-east-1:000000000000:q}'
expect_error ResourceNotFoundException create-event-source-mapping --function-name nope --event-source-arn "$STREAM" --starting-position LATEST
ok get-event-source-mapping --uuid "$UUID"
check "d['UUID'] == '$UUID' and d['State'] == 'Enabled' and d['EventSourceArn'] == '$STREAM'"
ok update-event-source-mapping --uuid "$UUID" --batch-size 10 --no-enabled
check "d['State'] == 'Updating' and d['BatchSize'] == 10"
ok list-event-source-mappings --function-name echo
check "[m['UUID'] for m in d['EventSourceMappings']] == ['$UUID'] and d['EventSourceMappings'][0]['State'] == 'Disabled'"
ok delete-event-source-mapping --uuid "$UUID"
check "d['State'] == 'Deleting'"
expect_error ResourceNotFoundException get-event-source-mapping --uuid "$UUID"
service=dynamodb

# --- stop ---------------------------------------------------------------------

stop_server
[[ $stop_status == 0 ]] || fail "eddy serve did not exit 0 on SIGTERM (status: $stop_status)"
echo "PASS: $calls aws calls, $checks checks"
