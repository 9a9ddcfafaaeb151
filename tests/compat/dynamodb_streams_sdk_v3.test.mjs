// DynamoDB Streams with the AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb-streams) against
// `eddy serve`, run by Node's built-in test runner:
//
//   cd tests/compat && npm ci && EDDY_BIN=/path/to/eddy node --test dynamodb_streams_sdk_v3.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';

import { startEddy } from './eddy_server.mjs';

let eddy;
let db;
let streams;

before(async () => {
  eddy = await startEddy(['--test-iterator-lifetime', '2s']);
  const config = {
    endpoint: eddy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    maxAttempts: 1,
  };
  db = new DynamoDBClient(config);
  streams = new DynamoDBStreamsClient(config);
});

after(async () => {
  db?.destroy();
  streams?.destroy();
  assert.equal(await eddy?.stop(), 0, 'eddy serve did not exit 0 on SIGTERM');
});

async function createTable(name, viewType) {
  const created = await db.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
  }));
  return created.TableDescription.LatestStreamArn;
}

async function readAll(arn) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const records = [];
  for (const shard of StreamDescription.Shards) {
    let { ShardIterator: iterator } = await streams.send(new GetShardIteratorCommand({
      StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON',
    }));
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
      records.push(...page.Records);
      if (page.Records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

test('records of puts, updates and transactions, as the SDK parses them', async () => {
  const arn = await createTable('js_stream_notes', 'NEW_AND_OLD_IMAGES');
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'js_stream_notes' }));
  assert.deepEqual(Streams.map((s) => s.StreamArn), [arn]);

  await db.send(new PutItemCommand({ TableName: 'js_stream_notes', Item: { id: { S: 'n1' }, text: { S: 'hello' } } }));
  await db.send(new UpdateItemCommand({
    TableName: 'js_stream_notes', Key: { id: { S: 'n1' } },
    UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'text' },
    ExpressionAttributeValues: { ':t': { S: 'hello world' } },
  }));
  await db.send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 'js_stream_notes', Item: { id: { S: 'n2' } } } },
    { Delete: { TableName: 'js_stream_notes', Key: { id: { S: 'n1' } } } },
  ] }));

  const records = await readAll(arn);
  assert.deepEqual(records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'INSERT', 'REMOVE']);
  const modify = records[1];
  assert.equal(modify.eventSource, 'aws:dynamodb');
  assert.equal(modify.eventVersion, '1.1');
  assert.equal(modify.awsRegion, 'us-east-1');
  assert.deepEqual(modify.dynamodb.Keys, { id: { S: 'n1' } });
  assert.deepEqual(modify.dynamodb.OldImage.text, { S: 'hello' });
  assert.deepEqual(modify.dynamodb.NewImage.text, { S: 'hello world' });
  assert.equal(modify.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.ok(modify.dynamodb.ApproximateCreationDateTime instanceof Date);
  assert.ok(Math.abs(modify.dynamodb.ApproximateCreationDateTime.getTime() - Date.now()) < 60000);
  assert.match(modify.dynamodb.SequenceNumber, /^\d{21,40}$/);
  assert.equal(records[3].dynamodb.NewImage, undefined);
});

test('errors by name and status', async () => {
  const arn = await createTable('js_stream_errors', 'KEYS_ONLY');
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const shardId = StreamDescription.Shards[0].ShardId;
  const expectError = async (command, name) => {
    await assert.rejects(streams.send(command), (e) => {
      assert.equal(e.name, name);
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  };
  await expectError(new DescribeStreamCommand({ StreamArn: `${arn.split('/stream/')[0]}/stream/2000-01-01T00:00:00.000` }),
    'ResourceNotFoundException');
  await expectError(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }),
    'ValidationException');
  const { ShardIterator } = await streams.send(new GetShardIteratorCommand({
    StreamArn: arn, ShardId: shardId, ShardIteratorType: 'LATEST',
  }));
  await expectError(new GetRecordsCommand({ ShardIterator: `x${ShardIterator.slice(1)}` }), 'ValidationException');
  await new Promise((r) => setTimeout(r, 2500)); // this server: --test-iterator-lifetime 2s
  await expectError(new GetRecordsCommand({ ShardIterator }), 'ExpiredIteratorException');
});
