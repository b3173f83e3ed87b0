import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { text } from './ledger-reads';

/**
 * Range, partial composite key and history queries, as chaincode sees them through the shim
 * (`getStateByRange[WithPagination]`, `getStateByPartialCompositeKey[WithPagination]`,
 * `getHistoryForKey`), answered by the ledger from committed state.
 */

interface QueryPage {
  readonly records: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly bookmark: string;
  readonly fetchedRecordsCount: number;
}

interface HistoryRecord {
  readonly txId: string;
  readonly value: string | null;
  readonly isDelete: boolean;
  readonly timestamp: string;
}

let net: ConformanceNetwork;
const rangeKeys = ['range/a', 'range/b', 'range/c', 'range/d', 'range/e'];
const compositeKey = (...parts: string[]) => `\u0000${parts.map((p) => `${p}\u0000`).join('')}`;

before(async () => {
  net = await startConformanceNetwork('queries');
  const contract = net.system();
  // Written concurrently: the order of commits must not matter to what the queries return.
  await Promise.all([
    ...rangeKeys.map((key) => contract.submitTransaction('put', key, `value of ${key}`)),
    contract.submitTransaction('put', 'range0', 'just past the range'),
    contract.submitTransaction('putComposite', 'licence', '["Finance","2024"]', 'finance 2024'),
    contract.submitTransaction('putComposite', 'licence', '["Finance","2025"]', 'finance 2025'),
    contract.submitTransaction('putComposite', 'licence', '["Tax","2024"]', 'tax 2024'),
    contract.submitTransaction('putComposite', 'permit', '["Finance","2024"]', 'another object type'),
  ]);
});
after(async () => {
  await net?.close();
});

async function query(fn: 'queryRange' | 'queryByPartialCompositeKey', ...args: string[]): Promise<QueryPage> {
  return JSON.parse(text(await net.system().evaluateTransaction(fn, ...args))) as QueryPage;
}

test('a range query returns the simple keys in [start, end) in key order, with their values', async () => {
  const page = await query('queryRange', 'range/', 'range0', '0', '');

  assert.deepEqual(page.records.map((r) => r.key), rangeKeys);
  assert.deepEqual(page.records.map((r) => r.value), rangeKeys.map((key) => `value of ${key}`));
  assert.equal(page.bookmark, '');
  assert.equal(page.fetchedRecordsCount, 5);
});

test('a range query\'s end is exclusive and its bounds may be left open; composite keys never appear in it', async () => {
  assert.deepEqual((await query('queryRange', 'range/b', 'range/d', '0', '')).records.map((r) => r.key), ['range/b', 'range/c']);
  assert.deepEqual((await query('queryRange', 'range/d', '', '0', '')).records.map((r) => r.key), ['range/d', 'range/e', 'range0']);
  const everything = (await query('queryRange', '', '', '0', '')).records.map((r) => r.key);
  assert.ok(everything.includes('range/a') && everything.includes('range0'));
  assert.ok(everything.every((key) => !key.startsWith('\u0000')), `no composite key among ${JSON.stringify(everything)}`);
});

test('a paged range query returns pageSize records and a bookmark to the next page; the last page\'s bookmark is empty', async () => {
  const pages: QueryPage[] = [];
  let bookmark = '';
  do {
    const page = await query('queryRange', 'range/', 'range0', '2', bookmark);
    pages.push(page);
    bookmark = page.bookmark;
  } while (bookmark !== '' && pages.length < 10);

  assert.deepEqual(pages.map((p) => p.records.map((r) => r.key)), [['range/a', 'range/b'], ['range/c', 'range/d'], ['range/e']]);
  assert.deepEqual(pages.map((p) => p.fetchedRecordsCount), [2, 2, 1]);
  assert.deepEqual(pages.map((p) => p.bookmark), ['range/c', 'range/e', '']);
});

test('a page that ends exactly at the last match comes back with an empty bookmark', async () => {
  const page = await query('queryRange', 'range/', 'range0', '5', '');
  assert.deepEqual(page.records.map((r) => r.key), rangeKeys);
  assert.equal(page.bookmark, '');
});

test('a paged query that matches nothing comes back empty, with an empty bookmark', async () => {
  // Its QueryResponseMetadata encodes to no bytes, which the shim hands over as no metadata at all.
  assert.deepEqual(await query('queryRange', 'nothing/', 'nothing0', '5', ''), { records: [], bookmark: '', fetchedRecordsCount: 0 });
  assert.deepEqual(await query('queryByPartialCompositeKey', 'no-such-type', '[]', '5', ''), { records: [], bookmark: '', fetchedRecordsCount: 0 });
});

test('a partial composite key query returns the keys of that object type starting with those attributes', async () => {
  const finance = await query('queryByPartialCompositeKey', 'licence', '["Finance"]', '0', '');
  assert.deepEqual(finance.records, [
    { key: compositeKey('licence', 'Finance', '2024'), value: 'finance 2024' },
    { key: compositeKey('licence', 'Finance', '2025'), value: 'finance 2025' },
  ]);

  const licences = await query('queryByPartialCompositeKey', 'licence', '[]', '0', '');
  assert.deepEqual(licences.records.map((r) => r.value), ['finance 2024', 'finance 2025', 'tax 2024']);
});

test('a paged partial composite key query pages through the matches with bookmarks', async () => {
  const first = await query('queryByPartialCompositeKey', 'licence', '[]', '2', '');
  assert.deepEqual(first.records.map((r) => r.value), ['finance 2024', 'finance 2025']);
  assert.equal(first.bookmark, compositeKey('licence', 'Tax', '2024'));

  const second = await query('queryByPartialCompositeKey', 'licence', '[]', '2', first.bookmark);
  assert.deepEqual(second.records.map((r) => r.value), ['tax 2024']);
  assert.equal(second.bookmark, '');
});

test('a key\'s history lists every committed change newest first, a delete included, with the transactions that made them', async () => {
  const contract = net.system();
  const txIds: string[] = [];
  for (const [fn, ...args] of [['put', 'history/key', 'first'], ['put', 'history/key', 'second'], ['delete', 'history/key'], ['put', 'history/key', 'third']] as const) {
    const submitted = await contract.submitAsync(fn, { arguments: [...args] });
    assert.equal((await submitted.getStatus()).successful, true);
    txIds.push(submitted.getTransactionId());
  }

  const history = JSON.parse(text(await contract.evaluateTransaction('history', 'history/key'))) as HistoryRecord[];

  assert.deepEqual(history.map(({ txId, value, isDelete }) => ({ txId, value, isDelete })), [
    { txId: txIds[3], value: 'third', isDelete: false },
    { txId: txIds[2], value: null, isDelete: true },
    { txId: txIds[1], value: 'second', isDelete: false },
    { txId: txIds[0], value: 'first', isDelete: false },
  ]);
  const times = history.map((r) => r.timestamp);
  assert.deepEqual([...times].sort().reverse(), times, 'timestamps newest first');
  assert.ok(times.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(t)), `RFC 3339 with nanoseconds: ${times.join(', ')}`);
});

test('a key that was never written has an empty history', async () => {
  assert.deepEqual(JSON.parse(text(await net.system().evaluateTransaction('history', 'history/never-written'))), []);
});
