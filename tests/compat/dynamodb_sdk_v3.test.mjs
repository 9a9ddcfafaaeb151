// Black-box compatibility tests of `eddy serve` with the AWS SDK for JavaScript v3
// (@aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb's DynamoDBDocument), run by Node's
// built-in test runner:
//
//   cd tests/compat && npm ci && EDDY_BIN=/path/to/eddy node --test dynamodb_sdk_v3.test.mjs
//
// The server is started once on a free loopback port; every test uses its own tables.
// Expected behaviour is DynamoDB's, as documented by AWS.

import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  paginateListTables,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument, NumberValue, paginateQuery as paginateDocQuery } from '@aws-sdk/lib-dynamodb';

import { startEddy } from './eddy_server.mjs';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const RUN = randomUUID().slice(0, 6);
let counter = 0;
const unique = (prefix) => `compat_js_${prefix}_${RUN}_${String(++counter).padStart(3, '0')}`;

// ---------------------------------------------------------------------------
// Server: eddy_server.mjs starts it on a free port and stops it with SIGTERM.
// ---------------------------------------------------------------------------

let eddy;
let endpoint;
let output = [];

async function startServer() {
  eddy = await startEddy();
  endpoint = eddy.endpoint;
  output = eddy.output;
}

async function stopServer() {
  return eddy?.stop();
}

let client;
let doc;
const tablesToDrop = [];

function clientConfig() {
  return {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    maxAttempts: 1, // no retries: a wrong answer fails at once
  };
}

before(async () => {
  await startServer();
  client = new DynamoDBClient(clientConfig());
  doc = DynamoDBDocument.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
});

after(async () => {
  for (const t of tablesToDrop) {
    try { await client.send(new DeleteTableCommand({ TableName: t })); } catch { /* gone */ }
  }
  client?.destroy();
  const code = await stopServer();
  assert.equal(code, 0, `eddy serve did not exit 0 on SIGTERM: ${code}\n${output.slice(-30).join('\n')}`);
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------


async function createTable(hash = ['pk', 'S'], range = null, extra = {}) {
  const name = extra.TableName || unique('t');
  const KeySchema = [{ AttributeName: hash[0], KeyType: 'HASH' }];
  const AttributeDefinitions = [{ AttributeName: hash[0], AttributeType: hash[1] }];
  if (range) {
    KeySchema.push({ AttributeName: range[0], KeyType: 'RANGE' });
    AttributeDefinitions.push({ AttributeName: range[0], AttributeType: range[1] });
  }
  const resp = await client.send(new CreateTableCommand({
    TableName: name, KeySchema, AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST', ...extra,
  }));
  tablesToDrop.push(name);
  await waitActive(name);
  return { name, resp };
}

async function waitActive(name) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table.TableStatus === 'ACTIVE') return Table;
    assert.ok(Date.now() < deadline, `table ${name} still ${Table.TableStatus}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rejectsWith(promise, name) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${name}, but the call succeeded`);
  assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, 400, `${name} must be HTTP 400`);
  assert.ok(err.message, 'error without a message');
  return err;
}

async function scanAll(TableName) {
  const items = [];
  for await (const page of paginateScan({ client }, { TableName, ConsistentRead: true })) items.push(...page.Items);
  return items;
}

const S = (v) => ({ S: v });
const N = (v) => ({ N: String(v) });

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('table lifecycle', () => {
  test('create, describe, list, update, delete', async () => {
    const name = unique('life');
    const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    const created = await client.send(new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      Tags: [{ Key: 'owner', Value: 'compat' }],
    }));
    tablesToDrop.push(name);
    assert.equal(created.$metadata.httpStatusCode, 200);
    assert.equal(created.TableDescription.TableArn, arn);
    assert.ok(['CREATING', 'ACTIVE'].includes(created.TableDescription.TableStatus));

    const t = await waitActive(name);
    assert.equal(t.TableName, name);
    assert.equal(t.TableArn, arn);
    assert.deepEqual(t.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    assert.equal(t.ItemCount, 0);
    assert.equal(t.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(t.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    assert.ok(t.LatestStreamArn.startsWith(`${arn}/stream/`));
    assert.ok(t.CreationDateTime instanceof Date);

    const tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'owner', Value: 'compat' }]);

    const names = [];
    for await (const page of paginateListTables({ client, pageSize: 2 }, {})) {
      assert.ok(page.TableNames.length <= 2);
      names.push(...page.TableNames);
    }
    assert.ok(names.includes(name));
    assert.deepEqual(names, [...names].sort());
    assert.equal(new Set(names).size, names.length);

    await client.send(new UpdateTableCommand({
      TableName: name, BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 3 },
    }));
    const updated = await waitActive(name);
    assert.equal(updated.ProvisionedThroughput.ReadCapacityUnits, 2);
    assert.equal(updated.ProvisionedThroughput.WriteCapacityUnits, 3);

    await rejectsWith(client.send(new CreateTableCommand({
      TableName: name, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    })), 'ResourceInUseException');

    const deleted = await client.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(deleted.TableDescription.TableName, name);
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        await client.send(new DescribeTableCommand({ TableName: name }));
      } catch (e) {
        assert.equal(e.name, 'ResourceNotFoundException');
        assert.equal(e.$metadata.httpStatusCode, 400);
        break;
      }
      assert.ok(Date.now() < deadline, 'table still there 10 s after DeleteTable');
      await new Promise((r) => setTimeout(r, 100));
    }
    await rejectsWith(client.send(new GetItemCommand({ TableName: name, Key: { pk: S('a'), sk: N(1) } })),
      'ResourceNotFoundException');
  });
});

describe('configuration', () => {
  test('AWS_ENDPOINT_URL from the environment', async () => {
    const { name } = await createTable();
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = endpoint;
    const envClient = new DynamoDBClient({
      region: REGION, credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other' }, maxAttempts: 1,
    });
    try {
      await envClient.send(new PutItemCommand({ TableName: name, Item: { pk: S('via-env') } }));
      const r = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('via-env') }, ConsistentRead: true }));
      assert.deepEqual(r.Item, { pk: S('via-env') });
    } finally {
      envClient.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});

describe('items', () => {
  test('put/get/update/delete with every ReturnValues', async () => {
    const { name } = await createTable();
    const item = { pk: S('k'), a: N(1), b: S('keep') };
    let r = await client.send(new PutItemCommand({ TableName: name, Item: item, ReturnValues: 'ALL_OLD' }));
    assert.equal(r.Attributes, undefined);
    r = await client.send(new PutItemCommand({ TableName: name, Item: item, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(r.Attributes, item);
    r = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('k') }, ConsistentRead: true }));
    assert.deepEqual(r.Item, item);
    r = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('nope') } }));
    assert.equal(r.Item, undefined);

    const update = (rv) => client.send(new UpdateItemCommand({
      TableName: name, Key: { pk: S('k') }, UpdateExpression: 'SET a = a + :one, c = :c',
      ExpressionAttributeValues: { ':one': N(1), ':c': S('new') }, ReturnValues: rv,
    }));
    const reset = () => client.send(new PutItemCommand({ TableName: name, Item: item }));
    const after = { pk: S('k'), a: N(2), b: S('keep'), c: S('new') };
    await reset();
    assert.equal((await update('NONE')).Attributes, undefined);
    await reset();
    assert.deepEqual((await update('ALL_OLD')).Attributes, item);
    await reset();
    assert.deepEqual((await update('UPDATED_OLD')).Attributes, { a: N(1) });
    await reset();
    assert.deepEqual((await update('ALL_NEW')).Attributes, after);
    await reset();
    assert.deepEqual((await update('UPDATED_NEW')).Attributes, { a: N(2), c: S('new') });

    await rejectsWith(client.send(new PutItemCommand({ TableName: name, Item: item, ReturnValues: 'ALL_NEW' })),
      'ValidationException');
    r = await client.send(new DeleteItemCommand({ TableName: name, Key: { pk: S('k') }, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(r.Attributes, after);
    r = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('k') }, ConsistentRead: true }));
    assert.equal(r.Item, undefined);
  });

  test('conditional check failure: name, status, item', async () => {
    const { name } = await createTable();
    const item = { pk: S('c'), n: N(5) };
    await client.send(new PutItemCommand({ TableName: name, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    const err = await rejectsWith(client.send(new PutItemCommand({
      TableName: name, Item: { pk: S('c'), n: N(6) }, ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })), 'ConditionalCheckFailedException');
    assert.equal(err.message, 'The conditional request failed');
    assert.deepEqual(err.Item, item);
    const err2 = await rejectsWith(client.send(new UpdateItemCommand({
      TableName: name, Key: { pk: S('c') }, UpdateExpression: 'SET n = :z', ConditionExpression: 'n > :v',
      ExpressionAttributeValues: { ':z': N(0), ':v': N(10) },
    })), 'ConditionalCheckFailedException');
    assert.equal(err2.Item, undefined);
    const r = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('c') }, ConsistentRead: true }));
    assert.deepEqual(r.Item, item);
    await client.send(new UpdateItemCommand({
      TableName: name, Key: { pk: S('c') }, UpdateExpression: 'SET n = :z', ConditionExpression: 'n = :v',
      ExpressionAttributeValues: { ':z': N(0), ':v': N(5) },
    }));
    await rejectsWith(client.send(new PutItemCommand({ TableName: name, Item: { pk: N(1) } })), 'ValidationException');
  });
});

describe('query and scan', () => {
  test('query paging with paginateQuery, order, conditions, filter', async () => {
    const { name } = await createTable(['pk', 'S'], ['sk', 'N']);
    for (let i = 0; i < 20; i += 10) {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: Array.from({ length: 10 }, (_, j) => ({
        PutRequest: { Item: { pk: S('p'), sk: N(i + j), even: { BOOL: (i + j) % 2 === 0 } } },
      })) } }));
    }
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: S('other'), sk: N(1) } }));
    const input = { TableName: name, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p') } };

    for (const forward of [true, false]) {
      const seen = [];
      let pages = 0;
      for await (const page of paginateQuery({ client, pageSize: 3 }, { ...input, ScanIndexForward: forward })) {
        pages++;
        assert.ok(page.Items.length <= 3);
        seen.push(...page.Items.map((x) => Number(x.sk.N)));
      }
      const expected = Array.from({ length: 20 }, (_, i) => (forward ? i : 19 - i));
      assert.deepEqual(seen, expected);
      assert.ok(pages >= 7);
    }

    let r = await client.send(new QueryCommand({
      TableName: name, KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':p': S('p'), ':a': N(4), ':b': N(8), ':t': { BOOL: true } },
      FilterExpression: 'even = :t', ProjectionExpression: 'sk',
    }));
    assert.deepEqual(r.Items, [{ sk: N(4) }, { sk: N(6) }, { sk: N(8) }]);
    assert.equal(r.Count, 3);
    assert.equal(r.ScannedCount, 5);
    r = await client.send(new QueryCommand({ ...input, Select: 'COUNT' }));
    assert.equal(r.Count, 20);
    assert.equal(r.Items, undefined);
    r = await client.send(new QueryCommand({
      TableName: name, KeyConditionExpression: 'pk = :p AND sk < :n',
      ExpressionAttributeValues: { ':p': S('p'), ':n': N(2) },
    }));
    assert.deepEqual(r.Items.map((x) => x.sk.N), ['0', '1']);
    await rejectsWith(client.send(new QueryCommand({
      TableName: name, KeyConditionExpression: 'sk = :n', ExpressionAttributeValues: { ':n': N(1) },
    })), 'ValidationException');
  });

  test('scan paging and parallel segments', async () => {
    const { name } = await createTable();
    const keys = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (let i = 0; i < keys.length; i += 20) {
      await client.send(new BatchWriteItemCommand({ RequestItems: {
        [name]: keys.slice(i, i + 20).map((k, j) => ({ PutRequest: { Item: { pk: S(k), n: N(i + j) } } })),
      } }));
    }
    const seen = [];
    for await (const page of paginateScan({ client, pageSize: 6 }, { TableName: name })) {
      assert.ok(page.Items.length <= 6);
      seen.push(...page.Items.map((x) => x.pk.S));
    }
    assert.deepEqual([...seen].sort(), keys);
    const segs = [];
    for (let seg = 0; seg < 3; seg++) {
      for await (const page of paginateScan({ client, pageSize: 5 }, { TableName: name, Segment: seg, TotalSegments: 3 })) {
        segs.push(...page.Items.map((x) => x.pk.S));
      }
    }
    assert.deepEqual(segs.sort(), keys);
    const r = await client.send(new ScanCommand({
      TableName: name, FilterExpression: 'n < :x', ExpressionAttributeValues: { ':x': N(5) },
    }));
    assert.equal(r.Count, 5);
    assert.equal(r.ScannedCount, 40);
  });
});

describe('batches', () => {
  test('batch write and get limits', async () => {
    const { name } = await createTable();
    const puts = (ks) => ks.map((k) => ({ PutRequest: { Item: { pk: S(k) } } }));
    const keys = Array.from({ length: 100 }, (_, i) => `b${String(i).padStart(3, '0')}`);
    for (let i = 0; i < 100; i += 25) {
      const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: puts(keys.slice(i, i + 25)) } }));
      assert.deepEqual(r.UnprocessedItems, {});
    }
    await rejectsWith(client.send(new BatchWriteItemCommand({
      RequestItems: { [name]: puts(Array.from({ length: 26 }, (_, i) => `x${i}`)) },
    })), 'ValidationException');
    await rejectsWith(client.send(new BatchWriteItemCommand({ RequestItems: { [name]: puts(['d', 'd']) } })),
      'ValidationException');

    let r = await client.send(new BatchGetItemCommand({ RequestItems: { [name]: { Keys: keys.map((k) => ({ pk: S(k) })) } } }));
    assert.deepEqual(r.UnprocessedKeys, {});
    assert.deepEqual(r.Responses[name].map((x) => x.pk.S).sort(), keys);
    await rejectsWith(client.send(new BatchGetItemCommand({
      RequestItems: { [name]: { Keys: [...keys, 'b100'].map((k) => ({ pk: S(k) })) } },
    })), 'ValidationException');
    r = await client.send(new BatchGetItemCommand({ RequestItems: { [name]: { Keys: [{ pk: S('b001') }, { pk: S('zzz') }] } } }));
    assert.deepEqual(r.Responses[name], [{ pk: S('b001') }]);
    assert.equal((await scanAll(name)).length, 100);
  });
});

describe('transactions', () => {
  test('cancellation reasons, all-or-nothing, idempotency', async () => {
    const { name } = await createTable();
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: S('a'), bal: N(10) } }));
    await client.send(new PutItemCommand({ TableName: name, Item: { pk: S('b'), bal: N(0) } }));
    const before = await scanAll(name);

    const err = await rejectsWith(client.send(new TransactWriteItemsCommand({ TransactItems: [
      { Update: { TableName: name, Key: { pk: S('a') }, UpdateExpression: 'SET bal = bal - :x',
        ExpressionAttributeValues: { ':x': N(20) } } },
      { ConditionCheck: { TableName: name, Key: { pk: S('b') }, ConditionExpression: 'bal > :z',
        ExpressionAttributeValues: { ':z': N(0) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      { Put: { TableName: name, Item: { pk: S('c') } } },
    ] })), 'TransactionCanceledException');
    assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed', 'None']);
    assert.deepEqual(err.CancellationReasons[1].Item, { pk: S('b'), bal: N(0) });
    assert.deepEqual(await scanAll(name), before);

    await rejectsWith(client.send(new TransactWriteItemsCommand({ TransactItems: [
      { Put: { TableName: name, Item: { pk: S('a') } } },
      { Delete: { TableName: name, Key: { pk: S('a') } } },
    ] })), 'ValidationException');

    const token = randomUUID();
    const req = { ClientRequestToken: token, TransactItems: [
      { Update: { TableName: name, Key: { pk: S('b') }, UpdateExpression: 'ADD bal :one',
        ExpressionAttributeValues: { ':one': N(1) } } },
      { Put: { TableName: name, Item: { pk: S('log'), note: S('once') } } },
    ] };
    await client.send(new TransactWriteItemsCommand(req));
    await client.send(new TransactWriteItemsCommand(req));
    const g = await client.send(new TransactGetItemsCommand({ TransactItems: [
      { Get: { TableName: name, Key: { pk: S('b') } } },
      { Get: { TableName: name, Key: { pk: S('log') } } },
      { Get: { TableName: name, Key: { pk: S('none') } } },
    ] }));
    assert.deepEqual(g.Responses[0].Item, { pk: S('b'), bal: N(1) });
    assert.deepEqual(g.Responses[1].Item, { pk: S('log'), note: S('once') });
    assert.equal(g.Responses[2].Item, undefined);
  });
});

describe('DynamoDBDocument', () => {
  test('marshalling of numbers, sets, binary and nested maps', async () => {
    const { name } = await createTable(['pk', 'S'], ['sk', 'N']);
    const item = {
      pk: 'doc', sk: 1, int: 42, neg: -7, frac: 1.5, str: 'héllo', empty: '', yes: true, nothing: null,
      strings: new Set(['a', 'b']), numbers: new Set([1, 2, 3]), bin: new Uint8Array([0, 1, 254, 255]),
      nested: { list: [1, 'two', { three: [3] }], map: { deep: { deeper: 'x' } } },
    };
    await doc.put({ TableName: name, Item: item });
    const { Item } = await doc.get({ TableName: name, Key: { pk: 'doc', sk: 1 }, ConsistentRead: true });
    assert.equal(Item.int, 42);
    assert.equal(Item.neg, -7);
    assert.equal(Item.frac, 1.5);
    assert.equal(Item.str, 'héllo');
    assert.equal(Item.empty, '');
    assert.equal(Item.yes, true);
    assert.equal(Item.nothing, null);
    assert.deepEqual(Item.strings, new Set(['a', 'b']));
    assert.deepEqual(Item.numbers, new Set([1, 2, 3]));
    assert.deepEqual(Buffer.from(Item.bin), Buffer.from([0, 1, 254, 255]));
    assert.deepEqual(Item.nested, item.nested);

    // exact big numbers survive with NumberValue
    const big = '12345678901234567890.123456789';
    await doc.put({ TableName: name, Item: { pk: 'doc', sk: 2, big: NumberValue.from(big) } });
    const raw = await client.send(new GetItemCommand({ TableName: name, Key: { pk: S('doc'), sk: N(2) } }));
    assert.equal(raw.Item.big.N, big);
    // (a client of its own: DynamoDBDocument.from() shares translation options per client)
    const wrappedClient = new DynamoDBClient({ ...clientConfig() });
    try {
      const wrapped = DynamoDBDocument.from(wrappedClient, { unmarshallOptions: { wrapNumbers: true } });
      const got = await wrapped.get({ TableName: name, Key: { pk: 'doc', sk: 2 } });
      assert.equal(got.Item.big.toString(), big);
    } finally {
      wrappedClient.destroy();
    }

    const upd = await doc.update({
      TableName: name, Key: { pk: 'doc', sk: 1 },
      UpdateExpression: 'SET nested.#l[2].three[0] = nested.#l[2].three[0] + :inc, nested.#m.added = :v ' +
        'ADD numbers :n DELETE strings :s REMOVE frac',
      ExpressionAttributeNames: { '#l': 'list', '#m': 'map' },
      ExpressionAttributeValues: { ':inc': 0.5, ':v': { k: [true] }, ':n': new Set([4]), ':s': new Set(['a']) },
      ReturnValues: 'ALL_NEW',
    });
    assert.deepEqual(upd.Attributes.nested.list[2], { three: [3.5] });
    assert.deepEqual(upd.Attributes.nested.map, { deep: { deeper: 'x' }, added: { k: [true] } });
    assert.deepEqual(upd.Attributes.numbers, new Set([1, 2, 3, 4]));
    assert.deepEqual(upd.Attributes.strings, new Set(['b']));
    assert.equal(upd.Attributes.frac, undefined);

    for (let i = 10; i < 17; i++) await doc.put({ TableName: name, Item: { pk: 'doc', sk: i, i } });
    const sks = [];
    for await (const page of paginateDocQuery({ client: doc, pageSize: 2 }, {
      TableName: name, KeyConditionExpression: 'pk = :p AND sk >= :from', ExpressionAttributeValues: { ':p': 'doc', ':from': 10 },
    })) sks.push(...page.Items.map((x) => x.sk));
    assert.deepEqual(sks, [10, 11, 12, 13, 14, 15, 16]);

    const q = await doc.query({
      TableName: name, KeyConditionExpression: 'pk = :p', FilterExpression: 'attribute_exists(big)',
      ExpressionAttributeValues: { ':p': 'doc' }, Select: 'COUNT',
    });
    assert.equal(q.Count, 1);
    assert.equal(q.ScannedCount, 9);
  });
});

describe('time to live', () => {
  test('UpdateTimeToLive and DescribeTimeToLive', async () => {
    const { name } = await createTable();
    const before = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    assert.deepEqual(before.TimeToLiveDescription, { TimeToLiveStatus: 'DISABLED' });
    const updated = await client.send(new UpdateTimeToLiveCommand({
      TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    }));
    assert.deepEqual(updated.TimeToLiveSpecification, { Enabled: true, AttributeName: 'expiresAt' });
    // The server sweeps once a minute (the default --ttl-interval): the change is in progress.
    const after = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    assert.deepEqual(after.TimeToLiveDescription,
      { TimeToLiveStatus: 'ENABLING', AttributeName: 'expiresAt' });
    await rejectsWith(client.send(new UpdateTimeToLiveCommand({
      TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    })), 'ValidationException');
    await rejectsWith(client.send(new DescribeTimeToLiveCommand({ TableName: unique('missing') })),
      'ResourceNotFoundException');
  });
});

describe('secondary indexes', () => {
  test('global and local indexes: create, query with paging, update, errors', async () => {
    const name = unique('idx');
    const created = await client.send(new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'owner', AttributeType: 'S' }, { AttributeName: 'at', AttributeType: 'N' },
      ],
      GlobalSecondaryIndexes: [{
        IndexName: 'by-owner',
        KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title'] },
      }],
      LocalSecondaryIndexes: [{
        IndexName: 'by-at',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }],
    }));
    tablesToDrop.push(name);
    assert.equal(created.TableDescription.GlobalSecondaryIndexes[0].IndexStatus, 'CREATING');
    const table = await waitActive(name);
    assert.equal(table.GlobalSecondaryIndexes[0].IndexStatus, 'ACTIVE');
    assert.equal(table.LocalSecondaryIndexes[0].IndexArn, `${table.TableArn}/index/by-at`);

    for (let i = 0; i < 30; i++) {
      const item = { pk: `p${i % 3}`, sk: i, title: `t${i}`, body: `b${i}`, at: 100 - i };
      if (i % 5 !== 0) item.owner = `o${i % 2}`; // sparse: every fifth has no owner
      await doc.put({ TableName: name, Item: item });
    }
    // Paging a global index: sort key order, projected attributes only.
    const seen = [];
    for await (const page of paginateDocQuery({ client: doc, pageSize: 4 }, {
      TableName: name, IndexName: 'by-owner', KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': 'o1' },
    })) {
      if (page.LastEvaluatedKey) assert.deepEqual(Object.keys(page.LastEvaluatedKey).sort(), ['owner', 'pk', 'sk']);
      seen.push(...page.Items);
    }
    assert.deepEqual(seen.map((i) => i.sk), [1, 3, 7, 9, 11, 13, 17, 19, 21, 23, 27, 29]);
    assert.deepEqual(Object.keys(seen[0]).sort(), ['owner', 'pk', 'sk', 'title']);
    // A local index, backwards, fetching a non-projected attribute from the table.
    const local = await doc.query({
      TableName: name, IndexName: 'by-at', KeyConditionExpression: 'pk = :p AND #a < :a',
      ExpressionAttributeNames: { '#a': 'at' }, ExpressionAttributeValues: { ':p': 'p0', ':a': 80 },
      ScanIndexForward: false, ProjectionExpression: 'sk, body', ConsistentRead: true,
    });
    assert.deepEqual(local.Items.map((i) => i.body), ['b21', 'b24', 'b27']);

    // A wrong-typed index key is refused and writes nothing.
    const err = await rejectsWith(client.send(new PutItemCommand({
      TableName: name, Item: { pk: S('p9'), sk: N(1), owner: N(5) },
    })), 'ValidationException');
    assert.equal(err.message, 'One or more parameter values were invalid: Type mismatch for Index Key owner Expected: S Actual: N IndexName: by-owner');
    await rejectsWith(client.send(new QueryCommand({
      TableName: name, IndexName: 'by-owner', ConsistentRead: true, KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': S('o1') },
    })), 'ValidationException');

    // A new index over the existing items, then its deletion.
    const updated = await client.send(new UpdateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'title', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: {
        IndexName: 'by-title', KeySchema: [{ AttributeName: 'title', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      } }],
    }));
    assert.equal(updated.TableDescription.GlobalSecondaryIndexes.find((g) => g.IndexName === 'by-title').IndexStatus, 'CREATING');
    const deadline = Date.now() + 30000;
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      const index = Table.GlobalSecondaryIndexes.find((g) => g.IndexName === 'by-title');
      if (index.IndexStatus === 'ACTIVE') {
        assert.equal(index.ItemCount, 30);
        assert.equal(index.Backfilling, undefined);
        break;
      }
      assert.ok(Date.now() < deadline, 'by-title never became ACTIVE');
      await new Promise((r) => setTimeout(r, 50));
    }
    const byTitle = await doc.query({
      TableName: name, IndexName: 'by-title', KeyConditionExpression: 'title = :t',
      ExpressionAttributeValues: { ':t': 't7' },
    });
    assert.deepEqual(byTitle.Items, [{ pk: 'p1', sk: 7, title: 't7', body: 'b7', at: 93, owner: 'o1' }]);
    await rejectsWith(client.send(new UpdateTableCommand({
      TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-at' } }],
    })), 'ValidationException');
    await client.send(new UpdateTableCommand({
      TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-title' } }],
    }));
    await rejectsWith(client.send(new QueryCommand({
      TableName: name, IndexName: 'by-title', KeyConditionExpression: 'title = :t',
      ExpressionAttributeValues: { ':t': S('t7') },
    })), 'ValidationException');
  });
});
