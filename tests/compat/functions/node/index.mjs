// Handlers for tests/compat/test_runtime_api.py, run by AWS's Runtime Interface Client
// (npm aws-lambda-ric) as Runtime API processes of `eddy serve`. They use the AWS SDK for
// JavaScript v3 as a Lambda handler would: no endpoint in the code (AWS_ENDPOINT_URL, set by
// Eddy, points the SDK at Eddy).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const table = process.env.TABLE_NAME;
// Counts this process's invocations: a warm environment keeps it.
let invocations = 0;

// What the handler sees: its event, its context and Lambda's environment variables.
export const inspect = async (event, context) => {
  invocations += 1;
  const env = {};
  for (const name of [
    '_HANDLER', 'LAMBDA_TASK_ROOT', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
    'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL', 'AWS_LAMBDA_RUNTIME_API', 'TZ',
    'TABLE_NAME', '_X_AMZN_TRACE_ID',
  ]) {
    env[name] = process.env[name] ?? null;
  }
  return {
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingMs: context.getRemainingTimeInMillis(),
    memoryLimitInMB: context.memoryLimitInMB,
    cwd: process.cwd(),
    pid: process.pid,
    invocations,
    env,
  };
};

// A REST route: POST /items {"id", "text"} puts an item through SDK v3; API Gateway proxy form.
export const rest = async (event) => {
  const body = JSON.parse(event.body);
  await db.send(new PutCommand({ TableName: table, Item: { id: body.id, text: body.text } }));
  return {
    statusCode: 201,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: body.id, resource: event.resource, method: event.httpMethod }),
  };
};

// A stream mapping's function: marks every inserted item with the length of its text.
export const stream = async (event) => {
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT') continue;
    const text = record.dynamodb.NewImage.text?.S ?? '';
    await db.send(new UpdateCommand({
      TableName: table,
      Key: { id: record.dynamodb.Keys.id.S },
      UpdateExpression: 'SET textLength = :n, seenBy = :f',
      ExpressionAttributeValues: { ':n': text.length, ':f': process.env.AWS_LAMBDA_FUNCTION_NAME },
    }));
  }
  return null;
};

// A handler error: the handler's promise rejects with an error of its own kind.
export const handled = (event) => {
  const error = new Error(`cannot handle ${event.what}`);
  error.name = 'NotHandledError';
  return Promise.reject(error);
};

// A throw, synchronous, from a handler that is not async.
export const thrower = (event) => {
  throw new TypeError('something is undefined');
};

// Sleeps for event.ms; a timeout kills the process.
export const sleep = async (event) => {
  invocations += 1;
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return { slept: event.ms, pid: process.pid, invocations, runtimeApi: process.env.AWS_LAMBDA_RUNTIME_API };
};

// Exits in the middle of an invocation.
export const crash = async (event) => {
  console.error(`crashing on purpose: ${event.code}`);
  process.exit(event.code);
};

// Writes to stdout and stderr (the lines must reach Eddy's log, tagged).
export const log = async (event) => {
  console.log(`stdout line ${event.tag}`);
  process.stderr.write(`stderr line ${event.tag}\n`);
  return 'logged';
};

// A response over Lambda's 6 MB limit.
export const big = async () => 'x'.repeat(7 * 1024 * 1024);

// Megabytes of output: 60,000 lines, then one line of 1 MB. Eddy must keep up (the pipe never
// fills and blocks the function) and keep its log lines bounded.
export const chatty = async (event) => {
  const line = `chatty ${event.tag} `.padEnd(99, '.');
  for (let i = 0; i < 60000; i += 1) process.stdout.write(`${line}\n`);
  process.stdout.write(`${`last ${event.tag} `.padEnd(1 << 20, '#')}\n`);
  return 'said a lot';
};
