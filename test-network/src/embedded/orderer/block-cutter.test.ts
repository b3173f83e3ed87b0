import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { BlockCutter, EnvelopeTooLargeError, type BlockCutting } from './block-cutter';

const cutting: BlockCutting = { maxMessageCount: 3, preferredMaxBytes: 100, absoluteMaxBytes: 1000, batchTimeoutMs: 2000 };

/** An envelope of `size` bytes whose content names it, so batches read as lists of names. */
function envelope(name: string, size = 10): Uint8Array {
  return Buffer.from(name.padEnd(size, '.'));
}

function names(batch: Uint8Array[]): string[] {
  return batch.map((e) => Buffer.from(e).toString().replace(/\.+$/, ''));
}

/** A cutter whose batches are collected, with the batch timer under the test's control. */
function cutterWith(t: TestContext, overrides: Partial<BlockCutting> = {}) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const batches: string[][] = [];
  const cutter = new BlockCutter({ ...cutting, ...overrides }, (batch) => batches.push(names(batch)));
  return { cutter, batches };
}

test('a block is cut as soon as MaxMessageCount transactions are pending', (t) => {
  const { cutter, batches } = cutterWith(t);
  for (const name of ['a', 'b', 'c', 'd']) cutter.order(envelope(name));
  assert.deepEqual(batches, [['a', 'b', 'c']]);
});

test('a transaction that would take the batch past PreferredMaxBytes first cuts what is pending', (t) => {
  const { cutter, batches } = cutterWith(t, { maxMessageCount: 100 });
  cutter.order(envelope('a', 40));
  cutter.order(envelope('b', 40));
  assert.deepEqual(batches, [], 'exactly 80 bytes pending: no cut yet');
  cutter.order(envelope('c', 30));
  assert.deepEqual(batches, [['a', 'b']]);
  cutter.order(envelope('d', 70));
  assert.deepEqual(batches, [['a', 'b']], 'c and d fill the batch to exactly PreferredMaxBytes, which is allowed');
  cutter.cut();
  assert.deepEqual(batches, [['a', 'b'], ['c', 'd']]);
});

test('a transaction larger than PreferredMaxBytes goes in a block of its own, after what was pending', (t) => {
  const { cutter, batches } = cutterWith(t);
  cutter.order(envelope('a'));
  cutter.order(envelope('big', 101));
  assert.deepEqual(batches, [['a'], ['big']]);
  cutter.order(envelope('big2', 500));
  assert.deepEqual(batches, [['a'], ['big'], ['big2']], 'with nothing pending, no empty block is cut before it');
});

test('a transaction larger than AbsoluteMaxBytes is refused and leaves the pending batch alone', (t) => {
  const { cutter, batches } = cutterWith(t);
  cutter.order(envelope('a'));
  assert.throws(() => cutter.order(envelope('huge', 1001)), (error: unknown) =>
    error instanceof EnvelopeTooLargeError && /1001 bytes, larger than the channel's AbsoluteMaxBytes \(1000\)/.test(error.message));
  cutter.order(envelope('b'));
  cutter.cut();
  assert.deepEqual(batches, [['a', 'b']]);
});

test('what is pending is cut BatchTimeout after the first pending transaction arrived', (t) => {
  const { cutter, batches } = cutterWith(t);
  cutter.order(envelope('a'));
  t.mock.timers.tick(1500);
  cutter.order(envelope('b'));
  t.mock.timers.tick(499);
  assert.deepEqual(batches, []);
  t.mock.timers.tick(1);
  assert.deepEqual(batches, [['a', 'b']], 'the timer runs from a, not from b');
  t.mock.timers.tick(10_000);
  assert.deepEqual(batches, [['a', 'b']], 'nothing pending, no empty block');
});

test('a cut for size stops the batch timer; the next transaction starts a new one', (t) => {
  const { cutter, batches } = cutterWith(t);
  for (const name of ['a', 'b', 'c']) cutter.order(envelope(name));
  t.mock.timers.tick(1000);
  cutter.order(envelope('d'));
  t.mock.timers.tick(1999);
  assert.deepEqual(batches, [['a', 'b', 'c']]);
  t.mock.timers.tick(1);
  assert.deepEqual(batches, [['a', 'b', 'c'], ['d']]);
});

test('cut() hands over what is pending at once, and does nothing when nothing is', (t) => {
  const { cutter, batches } = cutterWith(t);
  cutter.cut();
  assert.deepEqual(batches, []);
  cutter.order(envelope('a'));
  cutter.cut();
  assert.deepEqual(batches, [['a']]);
  t.mock.timers.tick(5000);
  assert.deepEqual(batches, [['a']], 'the batch timer was stopped by the cut');
});

test('transactions keep their order across batches', (t) => {
  const { cutter, batches } = cutterWith(t, { maxMessageCount: 4, preferredMaxBytes: 50 });
  const sizes = [10, 30, 20, 60, 5, 5, 5, 5, 45, 1];
  sizes.forEach((size, i) => cutter.order(envelope(`t${i}`, size)));
  cutter.cut();
  assert.deepEqual(batches.flat(), sizes.map((_, i) => `t${i}`));
  assert.deepEqual(batches, [['t0', 't1'], ['t2'], ['t3'], ['t4', 't5', 't6', 't7'], ['t8', 't9']]);
});
