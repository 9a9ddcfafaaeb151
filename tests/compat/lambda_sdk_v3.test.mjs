// Lambda's API (functions, Invoke, event source mappings) with the AWS SDK for JavaScript v3
// (@aws-sdk/client-lambda) against `eddy serve --stack FILE`, run by Node's test runner:
//
//   cd tests/compat && npm ci && EDDY_BIN=/path/to/eddy node --test lambda_sdk_v3.test.mjs
//
// The LambdaClient is given no endpoint: it finds Eddy through AWS_ENDPOINT_URL, as an
// unmodified handler or script would.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';

import { startEddy } from './eddy_server.mjs';

const STACK = `
tables:
  sdk-orders:
    partitionKey: {name: id, type: S}
    stream: NEW_IMAGE
functions:
  echo: {handler: builtin:test.echo, reservedConcurrentExecutions: 3}
  fails: {handler: builtin:test.fail}
  sleepy: {handler: builtin:test.sleep, timeout: 1s}
  single: {handler: builtin:test.sleep, timeout: 10s, reservedConcurrentExecutions: 1}
`;

let dir;
let eddy;
let lambda;
let db;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-lambda-sdk-'));
  writeFileSync(join(dir, 'stack.yaml'), STACK);
  eddy = await startEddy(['--stack', join(dir, 'stack.yaml')]);
  process.env.AWS_ENDPOINT_URL = eddy.endpoint;
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    maxAttempts: 1,
  };
  lambda = new LambdaClient(config);
  db = new DynamoDBClient(config);
});

after(async () => {
  lambda?.destroy();
  db?.destroy();
  delete process.env.AWS_ENDPOINT_URL;
  if (eddy) assert.equal(await eddy.stop(), 0);
  rmSync(dir, { recursive: true, force: true });
});

const decode = (payload) => JSON.parse(Buffer.from(payload).toString('utf8'));

async function expectError(promise, name, status) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, name);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

test('functions: list, get, invoke, errors', async () => {
  const list = await lambda.send(new ListFunctionsCommand({}));
  assert.deepEqual(list.Functions.map((f) => f.FunctionName), ['echo', 'fails', 'single', 'sleepy']);
  const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'echo' }));
  assert.equal(fn.Configuration.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:echo');
  assert.equal(fn.Concurrency.ReservedConcurrentExecutions, 3);

  const ok = await lambda.send(new InvokeCommand({
    FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ n: 1, s: 'x' })),
  }));
  assert.equal(ok.StatusCode, 200);
  assert.equal(ok.FunctionError, undefined);
  assert.equal(ok.ExecutedVersion, '$LATEST');
  assert.deepEqual(decode(ok.Payload), { n: 1, s: 'x' });

  const failed = await lambda.send(new InvokeCommand({ FunctionName: 'fails' }));
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.deepEqual(decode(failed.Payload), { errorType: 'TestFailure', errorMessage: 'test.fail always fails' });

  const timedOut = await lambda.send(new InvokeCommand({
    FunctionName: 'sleepy', Payload: Buffer.from('{"ms": 1500}'),
  }));
  assert.equal(timedOut.FunctionError, 'Unhandled');
  const error = decode(timedOut.Payload);
  assert.equal(error.errorType, 'Sandbox.Timedout');
  assert.match(error.errorMessage, /Task timed out after 1\.00 seconds/);

  const dry = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  const queued = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }));
  assert.equal(queued.StatusCode, 202);

  await expectError(lambda.send(new InvokeCommand({ FunctionName: 'nope' })), 'ResourceNotFoundException', 404);
  await expectError(lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })),
    'InvalidRequestContentException', 400);
  await expectError(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), 'ResourceNotFoundException', 404);
});

test('a function at its concurrency limit throttles a caller that cannot start in time', async () => {
  // reservedConcurrentExecutions 1: the second call waits for the slot (1 s here), then 429.
  const slow = lambda.send(new InvokeCommand({ FunctionName: 'single', Payload: Buffer.from('{"ms": 2500}') }));
  await new Promise((r) => setTimeout(r, 200));
  await expectError(lambda.send(new InvokeCommand({ FunctionName: 'single', Payload: Buffer.from('{"ms": 0}') })),
    'TooManyRequestsException', 429);
  const done = await slow;
  assert.deepEqual(decode(done.Payload), { slept: 2500 });
  const after = await lambda.send(new InvokeCommand({ FunctionName: 'single', Payload: Buffer.from('{"ms": 0}') }));
  assert.deepEqual(decode(after.Payload), { slept: 0 });
});

test('event source mappings: create, get, update, list, delete, and delivery', async () => {
  const table = await db.send(new DescribeTableCommand({ TableName: 'sdk-orders' }));
  const stream = table.Table.LatestStreamArn;
  const failures = join(dir, 'failures.jsonl');
  const created = await lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:fails',
    EventSourceArn: stream,
    StartingPosition: 'TRIM_HORIZON',
    BatchSize: 10,
    MaximumRetryAttempts: 0,
    DestinationConfig: { OnFailure: { Destination: `file:${failures}` } },
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  }));
  assert.equal(created.$metadata.httpStatusCode, 202);
  assert.equal(created.State, 'Creating');
  assert.deepEqual(created.FunctionResponseTypes, ['ReportBatchItemFailures']);
  const uuid = created.UUID;

  await expectError(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: 'fails', EventSourceArn: stream, StartingPosition: 'LATEST',
  })), 'ResourceConflictException', 409);
  await expectError(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: 'echo', EventSourceArn: stream, StartingPosition: 'AT_TIMESTAMP',
  })), 'InvalidParameterValueException', 400);
  await expectError(lambda.send(new CreateEventSourceMappingCommand({
    FunctionName: 'echo', EventSourceArn: stream, StartingPosition: 'LATEST', ParallelizationFactor: 11,
  })), 'ValidationException', 400);

  // The failing function and no retries: the record goes to the file, the mapping says so.
  await db.send(new PutItemCommand({ TableName: 'sdk-orders', Item: { id: { S: 'a' } } }));
  const deadline = Date.now() + 10000;
  while (!existsSync(failures) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const record = JSON.parse(readFileSync(failures, 'utf8').trim().split('\n')[0]);
  assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(record.DDBStreamBatchInfo.streamArn, stream);
  const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
  assert.equal(got.State, 'Enabled');
  assert.equal(got.LastProcessingResult, 'PROBLEM: Function call failed');

  const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 500, Enabled: false }));
  assert.equal(updated.$metadata.httpStatusCode, 202);
  assert.equal(updated.BatchSize, 500);
  const listed = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: stream }));
  assert.deepEqual(listed.EventSourceMappings.map((m) => m.UUID), [uuid]);
  const none = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'echo' }));
  assert.deepEqual(none.EventSourceMappings, []);

  const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  assert.equal(deleted.State, 'Deleting');
  await expectError(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })), 'ResourceNotFoundException', 404);
});
