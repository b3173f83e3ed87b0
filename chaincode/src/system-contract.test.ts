import './testing/quiet-chaincode-logs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'fabric-contract-api';
import { SystemContract } from './system-contract';
import type { ChaincodeVersion, KeyModificationRecord, QueryPage, WriteThenReadResult } from './system-contract-results';
import { InMemoryLedger, MvccConflictError, type TransactionOptions } from './testing/in-memory-ledger';

const contract = new SystemContract();

/** Simulates and commits one transaction, as a submit does. */
async function submit<T>(ledger: InMemoryLedger, invoke: (ctx: Context) => Promise<T>, options?: TransactionOptions): Promise<T> {
  const transaction = ledger.newTransaction(options);
  const result = await invoke(transaction.context());
  ledger.commit(transaction);
  return result;
}

/** Simulates one transaction without committing it, as an evaluate does. */
async function evaluate<T>(ledger: InMemoryLedger, invoke: (ctx: Context) => Promise<T>): Promise<T> {
  return invoke(ledger.newTransaction().context());
}

function parsed<T>(json: string): T {
  return JSON.parse(json) as T;
}

/** A ledger holding `values` at simple keys, each written by its own transaction. */
async function ledgerWith(values: Record<string, string>): Promise<InMemoryLedger> {
  const ledger = new InMemoryLedger();
  for (const [key, value] of Object.entries(values)) await submit(ledger, (ctx) => contract.put(ctx, key, value));
  return ledger;
}

test('is the contract named "system"', () => {
  assert.equal(contract.getName(), 'system');
});

test('version names the chaincode, its package version and its contracts, as canonical JSON', async () => {
  const packageVersion = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const json = await evaluate(new InMemoryLedger(), (ctx) => contract.version(ctx));
  assert.equal(json, `{"chaincode":"citytrust","contracts":["system","seal","trail","license","credit"],"version":${JSON.stringify(packageVersion)}}`);
  assert.deepEqual(parsed<ChaincodeVersion>(json), { chaincode: 'citytrust', version: packageVersion, contracts: ['system', 'seal', 'trail', 'license', 'credit'] });
});

test('put writes the value as its UTF-8 bytes and reads nothing', async () => {
  const ledger = new InMemoryLedger();
  const transaction = ledger.newTransaction();
  await contract.put(transaction.context(), 'department~财政局', 'trust score ✓');
  assert.deepEqual([...transaction.writes], [['department~财政局', Buffer.from('trust score ✓', 'utf8')]]);
  assert.equal(transaction.reads.size, 0);
});

test('get returns the committed value', async () => {
  const ledger = await ledgerWith({ k: 'v1' });
  assert.equal(await evaluate(ledger, (ctx) => contract.get(ctx, 'k')), 'v1');
});

test('get of a key never written says it was not found', async () => {
  await assert.rejects(evaluate(new InMemoryLedger(), (ctx) => contract.get(ctx, 'missing')), { message: 'key "missing" not found: it was never written, or it was deleted' });
});

test('put refuses an empty key and an empty value, which Fabric would record as a delete', async () => {
  const ledger = new InMemoryLedger();
  await assert.rejects(submit(ledger, (ctx) => contract.put(ctx, '', 'v')), { name: 'InvalidArgumentError', message: 'key must be a non-empty key' });
  await assert.rejects(submit(ledger, (ctx) => contract.put(ctx, 'k', '')), { message: /^value must not be empty: Fabric records an empty write as a delete; call delete\(key\)/ });
});

test('writeThenRead reads the value committed before the transaction, not its own write', async () => {
  const ledger = new InMemoryLedger();
  const first = parsed<WriteThenReadResult>(await submit(ledger, (ctx) => contract.writeThenRead(ctx, 'k', 'one')));
  assert.deepEqual(first, { key: 'k', written: 'one', committedBefore: null });
  const second = parsed<WriteThenReadResult>(await submit(ledger, (ctx) => contract.writeThenRead(ctx, 'k', 'two')));
  assert.deepEqual(second, { key: 'k', written: 'two', committedBefore: 'one' });
  assert.equal(ledger.committedValue('k'), 'two');
});

test('increment counts from 1 on an absent key and returns the new count', async () => {
  const ledger = new InMemoryLedger();
  assert.equal(await submit(ledger, (ctx) => contract.increment(ctx, 'counter')), '1');
  assert.equal(await submit(ledger, (ctx) => contract.increment(ctx, 'counter')), '2');
  assert.equal(ledger.committedValue('counter'), '2');
});

test('increment refuses a key that does not hold a decimal counter', async () => {
  const ledger = await ledgerWith({ name: 'Finance', padded: '007', huge: String(Number.MAX_SAFE_INTEGER) });
  await assert.rejects(submit(ledger, (ctx) => contract.increment(ctx, 'name')), { message: /^key "name" holds "Finance", not a counter/ });
  await assert.rejects(submit(ledger, (ctx) => contract.increment(ctx, 'padded')), { message: /^key "padded" holds "007", not a counter/ });
  await assert.rejects(submit(ledger, (ctx) => contract.increment(ctx, 'huge')), { message: /not a counter below 9007199254740991/ });
});

test('two increments simulated on the same version conflict: the second to commit fails MVCC', async () => {
  const ledger = await ledgerWith({ counter: '5' });
  const first = ledger.newTransaction();
  const second = ledger.newTransaction();
  assert.equal(await contract.increment(first.context(), 'counter'), '6');
  assert.equal(await contract.increment(second.context(), 'counter'), '6');
  ledger.commit(first);
  assert.throws(() => ledger.commit(second), MvccConflictError);
  assert.equal(ledger.committedValue('counter'), '6');
});

test('delete removes a key, and deleting an absent key is a blind delete that reads nothing', async () => {
  const ledger = await ledgerWith({ k: 'v' });
  await submit(ledger, (ctx) => contract.delete(ctx, 'k'));
  await assert.rejects(evaluate(ledger, (ctx) => contract.get(ctx, 'k')), { message: /not found/ });
  const blind = ledger.newTransaction();
  await contract.delete(blind.context(), 'never-written');
  assert.equal(blind.reads.size, 0);
  assert.deepEqual([...blind.writes.keys()], ['never-written']);
});

test('delete refuses an empty key', async () => {
  await assert.rejects(submit(new InMemoryLedger(), (ctx) => contract.delete(ctx, '')), { message: 'key must be a non-empty key' });
});

/** Department ratings at composite keys (rating, department, year). */
async function ratings(): Promise<InMemoryLedger> {
  const ledger = new InMemoryLedger();
  const rows: Array<[string, string, string]> = [
    ['Finance', '2024', 'A'],
    ['Finance', '2025', 'AA'],
    ['Health', '2024', 'B'],
    ['Transport', '2025', 'A'],
  ];
  for (const [department, year, rating] of rows) {
    await submit(ledger, (ctx) => contract.putComposite(ctx, 'rating', JSON.stringify([department, year]), rating));
  }
  await submit(ledger, (ctx) => contract.put(ctx, 'plain', 'simple key'));
  return ledger;
}

function compositeKey(...parts: string[]): string {
  return `\u0000${parts.map((part) => `${part}\u0000`).join('')}`;
}

test('putComposite writes at the composite key of the object type and attributes', async () => {
  const ledger = await ratings();
  assert.equal(ledger.committedValue(compositeKey('rating', 'Finance', '2025')), 'AA');
  assert.equal(await evaluate(ledger, (ctx) => contract.get(ctx, compositeKey('rating', 'Health', '2024'))), 'B');
});

test('queryByPartialCompositeKey with page size 0 returns every match in key order', async () => {
  const ledger = await ratings();
  const page = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '["Finance"]', '0', '')));
  assert.deepEqual(page, {
    records: [
      { key: compositeKey('rating', 'Finance', '2024'), value: 'A' },
      { key: compositeKey('rating', 'Finance', '2025'), value: 'AA' },
    ],
    bookmark: '',
    fetchedRecordsCount: 2,
  });
  const all = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', '0', '')));
  assert.deepEqual(all.records.map((record) => record.value), ['A', 'AA', 'B', 'A']);
});

test('queryByPartialCompositeKey pages through the matches with the bookmark it returns', async () => {
  const ledger = await ratings();
  const pages: QueryPage[] = [];
  let bookmark = '';
  do {
    const page = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', '3', bookmark)));
    pages.push(page);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  assert.deepEqual(pages.map((page) => page.fetchedRecordsCount), [3, 1]);
  assert.deepEqual(pages.flatMap((page) => page.records.map((record) => record.value)), ['A', 'AA', 'B', 'A']);
});

test('putComposite and queryByPartialCompositeKey refuse unusable object types and attributes', async () => {
  const ledger = new InMemoryLedger();
  const put = (objectType: string, attributesJson: string) => submit(ledger, (ctx) => contract.putComposite(ctx, objectType, attributesJson, 'v'));
  await assert.rejects(put('', '["a"]'), { message: 'objectType must be a non-empty string' });
  await assert.rejects(put('rating', 'Finance'), { message: 'attributesJson must be a JSON array of strings such as ["Finance","2024"], got "Finance"' });
  await assert.rejects(put('rating', '{"department":"Finance"}'), { message: /^attributesJson must be a JSON array of strings/ });
  await assert.rejects(put('rating', '["Finance",2024]'), { message: 'attributesJson[1] must be a string, got 2024' });
  await assert.rejects(put('rating', '["Finance",""]'), { message: 'attributesJson[1] must be a non-empty string' });
  await assert.rejects(put('rating', '["Fin\\u0000ance"]'), { message: /^attributesJson\[0\] must not contain U\+0000 or U\+10FFFF/ });
  await assert.rejects(put('rat\u{10FFFF}ing', '[]'), { message: /^objectType must not contain U\+0000 or U\+10FFFF/ });
  await assert.rejects(submit(ledger, (ctx) => contract.putComposite(ctx, 'rating', '["a"]', '')), { message: /^value must not be empty/ });
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', 'nope', '0', '')), { message: /^attributesJson must be a JSON array/ });
});

test('queryRange returns simple keys from start (inclusive) to end (exclusive) and never composite keys', async () => {
  const ledger = await ledgerWith({ a: '1', b: '2', c: '3', d: '4' });
  await submit(ledger, (ctx) => contract.putComposite(ctx, 'rating', '["Finance"]', 'A'));
  const keys = async (start: string, end: string) =>
    parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryRange(ctx, start, end, '0', ''))).records.map((record) => record.key);
  assert.deepEqual(await keys('b', 'd'), ['b', 'c']);
  assert.deepEqual(await keys('', 'c'), ['a', 'b']);
  assert.deepEqual(await keys('c', ''), ['c', 'd']);
  assert.deepEqual(await keys('', ''), ['a', 'b', 'c', 'd']);
});

test('queryRange keeps the state database\'s UTF-8 byte order rather than re-sorting', async () => {
  // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
  const ledger = await ledgerWith({ '\u{1F600}': 'emoji', '\uFF5E': 'fullwidth tilde', z: 'ascii' });
  const page = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', '0', '')));
  assert.deepEqual(page.records.map((record) => record.value), ['ascii', 'fullwidth tilde', 'emoji']);
});

test('queryRange pages with the bookmark, and the last page has an empty bookmark', async () => {
  const ledger = await ledgerWith({ a: '1', b: '2', c: '3', d: '4', e: '5' });
  const first = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', '2', '')));
  assert.deepEqual(first, { records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], bookmark: 'c', fetchedRecordsCount: 2 });
  const second = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', '2', first.bookmark)));
  assert.deepEqual(second.records.map((record) => record.key), ['c', 'd']);
  const last = parsed<QueryPage>(await evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', '2', second.bookmark)));
  assert.deepEqual(last, { records: [{ key: 'e', value: '5' }], bookmark: '', fetchedRecordsCount: 1 });
});

test('queries refuse a page size that is not a non-negative integer', async () => {
  const ledger = new InMemoryLedger();
  for (const pageSize of ['x', '-1', '1.5', '', '01', ' 1', '2147483648']) {
    await assert.rejects(evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', pageSize, '')), {
      name: 'InvalidArgumentError',
      message: `pageSize must be a non-negative integer no greater than 2147483647 (0 for no paging), got ${JSON.stringify(pageSize)}`,
    });
  }
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', 'ten', '')), { message: /^pageSize must be a non-negative integer/ });
});

test('queries refuse a bookmark without a page size', async () => {
  const ledger = new InMemoryLedger();
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '', '0', 'c')), { message: 'bookmark is only meaningful with pageSize > 0; send an empty bookmark or a page size, got "c"' });
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', '0', 'c')), { message: /^bookmark is only meaningful with pageSize > 0/ });
});

test('queryRange refuses bounds in the composite key namespace', async () => {
  const ledger = new InMemoryLedger();
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryRange(ctx, '\u0000rating', '', '0', '')), { message: /^startKey must not start with U\+0000, the composite key namespace; use queryByPartialCompositeKey/ });
  await assert.rejects(evaluate(ledger, (ctx) => contract.queryRange(ctx, '', '\u0000', '0', '')), { message: /^endKey must not start with U\+0000/ });
});

test('queries close every iterator they open', async () => {
  const ledger = await ratings();
  const queries: Array<(ctx: Context) => Promise<string>> = [
    (ctx) => contract.queryRange(ctx, '', '', '0', ''),
    (ctx) => contract.queryRange(ctx, '', '', '1', ''),
    (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', '0', ''),
    (ctx) => contract.queryByPartialCompositeKey(ctx, 'rating', '[]', '1', ''),
    (ctx) => contract.history(ctx, 'plain'),
  ];
  for (const query of queries) {
    const transaction = ledger.newTransaction();
    await query(transaction.context());
    assert.equal(transaction.iterators.length, 1);
    assert.ok(transaction.iterators.every((iterator) => iterator.closed));
  }
});

test('history lists every committed change newest first, deletes with a null value, timestamps to the nanosecond', async () => {
  const ledger = new InMemoryLedger();
  await submit(ledger, (ctx) => contract.put(ctx, 'k', 'one'), { txId: 'tx-a', timestamp: { seconds: 1_767_225_600, nanos: 5 } });
  await submit(ledger, (ctx) => contract.delete(ctx, 'k'), { txId: 'tx-b', timestamp: { seconds: 1_767_225_601, nanos: 123_456_789 } });
  await submit(ledger, (ctx) => contract.put(ctx, 'k', 'two'), { txId: 'tx-c', timestamp: { seconds: 1_767_225_602, nanos: 0 } });
  const history = parsed<KeyModificationRecord[]>(await evaluate(ledger, (ctx) => contract.history(ctx, 'k')));
  assert.deepEqual(history, [
    { txId: 'tx-c', value: 'two', isDelete: false, timestamp: '2026-01-01T00:00:02.000000000Z' },
    { txId: 'tx-b', value: null, isDelete: true, timestamp: '2026-01-01T00:00:01.123456789Z' },
    { txId: 'tx-a', value: 'one', isDelete: false, timestamp: '2026-01-01T00:00:00.000000005Z' },
  ]);
});

test('history of a key never written is empty, and of an empty key is refused', async () => {
  const ledger = new InMemoryLedger();
  assert.equal(await evaluate(ledger, (ctx) => contract.history(ctx, 'k')), '[]');
  await assert.rejects(evaluate(ledger, (ctx) => contract.history(ctx, '')), { message: 'key must be a non-empty key' });
});

test('emit sets the chaincode event and records it under (event, name, txId), so the transaction writes', async () => {
  const ledger = new InMemoryLedger();
  const transaction = ledger.newTransaction({ txId: 'tx-emit' });
  await contract.emit(transaction.context(), 'RatingChanged', '{"department":"Finance"}');
  assert.deepEqual(transaction.event, { name: 'RatingChanged', payload: Buffer.from('{"department":"Finance"}') });
  assert.deepEqual([...transaction.writes], [
    [compositeKey('event', 'RatingChanged', 'tx-emit'), Buffer.from('{"eventName":"RatingChanged","payload":"{\\"department\\":\\"Finance\\"}"}')],
  ]);
});

test('emit accepts an empty payload but refuses an empty event name', async () => {
  const ledger = new InMemoryLedger();
  const transaction = ledger.newTransaction();
  await contract.emit(transaction.context(), 'Ping', '');
  assert.deepEqual(transaction.event, { name: 'Ping', payload: Buffer.alloc(0) });
  await assert.rejects(submit(ledger, (ctx) => contract.emit(ctx, '', 'payload')), { message: 'eventName must be a non-empty event name' });
});

test('timestamp is the transaction\'s own timestamp, the same whenever and wherever it is simulated', async () => {
  const ledger = new InMemoryLedger();
  const options = { txId: 'tx-t', timestamp: { seconds: 1_767_225_600, nanos: 42 } };
  const endorsements = await Promise.all([1, 2].map(() => contract.timestamp(ledger.newTransaction(options).context())));
  assert.deepEqual(endorsements, ['2026-01-01T00:00:00.000000042Z', '2026-01-01T00:00:00.000000042Z']);
});

test('writes nothing in the domain contracts\' namespaces: no forged seal key, trail, license, credit record or their events', async () => {
  const ledger = new InMemoryLedger();
  const trailKey = '\u0000trail\u0000E:914403001922038216\u00002027-01-01T00:00:00.000000000Z\u0000' + 'a'.repeat(64) + '\u0000';
  const refusals: Array<[string, (ctx: Context) => Promise<unknown>, RegExp]> = [
    ['put a trail key', (ctx) => contract.put(ctx, trailKey, '{}'), /^key is in the trail contract's namespace \("trail"\): only the trail contract writes there/],
    ['delete a seal key', (ctx) => contract.delete(ctx, '\u0000seal-key\u0000' + 'b'.repeat(64) + '\u0000'), /^key is in the seal contract's namespace \("seal-key"\)/],
    ['increment an authorization', (ctx) => contract.increment(ctx, '\u0000authorization\u0000x\u0000'), /^key is in the trail contract's namespace \("authorization"\)/],
    ['writeThenRead a data item', (ctx) => contract.writeThenRead(ctx, '\u0000data-item\u0000MR-X\u0000', 'v'), /^key is in the trail contract's namespace \("data-item"\)/],
    ['putComposite a consent', (ctx) => contract.putComposite(ctx, 'consent-by-subject', '["P:x","y"]', 'v'), /^objectType is in the trail contract's namespace \("consent-by-subject"\)/],
    ['emit trail.access', (ctx) => contract.emit(ctx, 'trail.access', '{}'), /^eventName "trail\.access" is in the trail contract's event namespace \(trail\.\*\)/],
    ['emit seal.anything', (ctx) => contract.emit(ctx, 'seal.anything', '{}'), /^eventName "seal\.anything" is in the seal contract's event namespace \(seal\.\*\)/],
    ['put a license', (ctx) => contract.putComposite(ctx, 'license', '["1.2.156.3005.2.x"]', '{"status":"valid"}'), /^objectType is in the license contract's namespace \("license"\)/],
    ['emit license.issued', (ctx) => contract.emit(ctx, 'license.issued', '{}'), /^eventName "license\.issued" is in the license contract's event namespace \(license\.\*\)/],
    ['put a credit record', (ctx) => contract.putComposite(ctx, 'credit-record', '["E:x","y"]', 'v'), /^objectType is in the credit contract's namespace \("credit-record"\)/],
    ['emit credit.repair', (ctx) => contract.emit(ctx, 'credit.repair', '{}'), /^eventName "credit\.repair" is in the credit contract's event namespace \(credit\.\*\)/],
  ];
  for (const [name, write, message] of refusals) {
    const transaction = ledger.newTransaction();
    await assert.rejects(write(transaction.context()), { message }, name);
    assert.equal(transaction.writes.size, 0, name);
    assert.equal(transaction.event, undefined, name);
  }
  // Names that merely resemble the domain's stay the system contract's.
  await submit(ledger, (ctx) => contract.emit(ctx, 'trails', 'p'));
  await submit(ledger, (ctx) => contract.putComposite(ctx, 'trail-like', '[]', 'v'));
});
