import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateCache } from './state-cache';

const at = (blockNum: number, txNum = 0) => ({ blockNum, txNum });
const value = (text: string, blockNum: number) => ({ value: Buffer.from(text), version: at(blockNum) });

test('knows nothing until a read is remembered, then answers it, absence included', () => {
  const cache = new StateCache(8);
  assert.equal(cache.lookup('cc', 'a'), undefined);
  cache.remember(cache.beforeRead(), 'cc', 'a', value('1', 3));
  cache.remember(cache.beforeRead(), 'cc', 'gone', undefined);
  assert.deepEqual(cache.lookup('cc', 'a'), value('1', 3));
  assert.equal(cache.lookup('cc', 'gone'), null);
  assert.equal(cache.lookup('other', 'a'), undefined, 'namespaces are apart');
});

test('a committed block updates the keys held, deletes included, and leaves other keys out', () => {
  const cache = new StateCache(8);
  cache.remember(cache.beforeRead(), 'cc', 'a', value('1', 3));
  cache.remember(cache.beforeRead(), 'cc', 'b', value('2', 3));
  cache.committed([
    { namespace: 'cc', key: 'a', value: Buffer.from('new'), version: at(4, 1) },
    { namespace: 'cc', key: 'b', value: undefined, version: at(4, 2) },
    { namespace: 'cc', key: 'fresh', value: Buffer.from('x'), version: at(4, 3) },
  ]);
  assert.deepEqual(cache.lookup('cc', 'a'), { value: Buffer.from('new'), version: at(4, 1) });
  assert.equal(cache.lookup('cc', 'b'), null);
  assert.equal(cache.lookup('cc', 'fresh'), undefined);
});

test('a read that was in flight while a block committed is not remembered: it may predate the block', () => {
  const cache = new StateCache(8);
  const token = cache.beforeRead();
  cache.committed([{ namespace: 'cc', key: 'a', value: Buffer.from('new'), version: at(5) }]);
  cache.remember(token, 'cc', 'a', value('old', 2));
  assert.equal(cache.lookup('cc', 'a'), undefined);
});

test('holds at most its capacity, dropping the key least recently used', () => {
  const cache = new StateCache(2);
  cache.remember(cache.beforeRead(), 'cc', 'a', value('1', 1));
  cache.remember(cache.beforeRead(), 'cc', 'b', value('2', 1));
  cache.lookup('cc', 'a');
  cache.remember(cache.beforeRead(), 'cc', 'c', value('3', 1));
  assert.deepEqual([cache.lookup('cc', 'a') !== undefined, cache.lookup('cc', 'b'), cache.lookup('cc', 'c') !== undefined], [true, undefined, true]);
});
