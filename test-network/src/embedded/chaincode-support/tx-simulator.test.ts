import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryState } from './testing/memory-state';
import { plainReadWriteSet } from './testing/read-write-set';
import { TxSimulator } from './tx-simulator';

const NS = 'citytrust';

function stateWith(entries: Record<string, string>): MemoryState {
  const state = new MemoryState();
  state.commit(Object.entries(entries).map(([key, value]) => ({ namespace: NS, key, value })));
  return state;
}

async function drain(scan: { next(): Promise<{ key: string } | undefined> }): Promise<string[]> {
  const keys: string[] = [];
  for (let kv = await scan.next(); kv; kv = await scan.next()) keys.push(kv.key);
  return keys;
}

test('reads record the committed version, and a missing key with no version', async () => {
  const simulator = new TxSimulator(stateWith({ license: 'active' }), NS, 'tx1');
  assert.equal(Buffer.from((await simulator.getState('license'))!).toString(), 'active');
  assert.equal(await simulator.getState('absent'), undefined);
  assert.deepEqual(plainReadWriteSet(simulator.finish())[0]!.reads, [{ key: 'absent' }, { key: 'license', version: { blockNum: 1, txNum: 0 } }]);
});

test('a read after a write in the same transaction still sees committed state (no read-your-writes)', async () => {
  const simulator = new TxSimulator(stateWith({ score: '700' }), NS, 'tx1');
  simulator.setState('score', Buffer.from('650'));
  assert.equal(Buffer.from((await simulator.getState('score'))!).toString(), '700');
});

test('a key read twice keeps the version of its first read', async () => {
  const state = stateWith({ score: '700' });
  const simulator = new TxSimulator(state, NS, 'tx1');
  await simulator.getState('score');
  state.commit([{ namespace: NS, key: 'score', value: '710' }]);
  await simulator.getState('score');
  assert.deepEqual(plainReadWriteSet(simulator.finish())[0]!.reads, [{ key: 'score', version: { blockNum: 1, txNum: 0 } }]);
});

test('the last write of a key wins, deletes are writes with is_delete, and keys are sorted by UTF-8 bytes', async () => {
  const simulator = new TxSimulator(new MemoryState(), NS, 'tx1');
  simulator.setState('\u{1F600}', Buffer.from('emoji'));
  simulator.setState('\uFF21', Buffer.from('wide'));
  simulator.setState('b', Buffer.from('first'));
  simulator.setState('b', Buffer.from('second'));
  simulator.deleteState('a');
  simulator.setState('empty', new Uint8Array(0));
  assert.deepEqual(plainReadWriteSet(simulator.finish())[0]!.writes, [
    { key: 'a', isDelete: true, value: '' },
    { key: 'b', isDelete: false, value: 'second' },
    { key: 'empty', isDelete: true, value: '' },
    { key: '\uFF21', isDelete: false, value: 'wide' },
    { key: '\u{1F600}', isDelete: false, value: 'emoji' },
  ]);
});

test('the same simulation gives the same bytes', async () => {
  const run = async (order: string[]) => {
    const simulator = new TxSimulator(stateWith({ x: '1', y: '2' }), NS, 'tx1');
    for (const key of order) {
      await simulator.getState(key);
      simulator.setState(key, Buffer.from(key));
    }
    return Buffer.from(simulator.finish().serializeBinary());
  };
  assert.deepEqual(await run(['y', 'x', 'z']), await run(['z', 'x', 'y']));
});

test('a transaction that touched nothing has no namespace in its read-write set', () => {
  const rwset = new TxSimulator(new MemoryState(), NS, 'tx1').finish();
  assert.equal(rwset.getNsRwsetList().length, 0);
});

test('a range read to its end records every key and the requested end key as exhausted', async () => {
  const simulator = new TxSimulator(stateWith({ a1: '', a2: 'x', a3: 'y', b1: 'z' }), NS, 'tx1');
  assert.deepEqual(await drain(simulator.openRange('a', 'b', { paginated: false, pageSize: 0 })), ['a1', 'a2', 'a3']);
  const [ns] = plainReadWriteSet(simulator.finish());
  const v = { blockNum: 1, txNum: 0 };
  assert.deepEqual(ns!.rangeQueries, [{ startKey: 'a', endKey: 'b', exhausted: true, reads: [{ key: 'a1', version: v }, { key: 'a2', version: v }, { key: 'a3', version: v }] }]);
  assert.deepEqual(ns!.reads, [], 'range reads are not point reads');
});

test('a range stopped early records only what it read, ending at the last key returned', async () => {
  const simulator = new TxSimulator(stateWith({ a1: 'x', a2: 'y', a3: 'z' }), NS, 'tx1');
  const scan = simulator.openRange('a', '', { paginated: false, pageSize: 0 });
  await scan.next();
  scan.close();
  const emptyScan = simulator.openRange('c', 'd', { paginated: false, pageSize: 0 });
  assert.equal(await emptyScan.next(), undefined);
  assert.deepEqual(plainReadWriteSet(simulator.finish())[0]!.rangeQueries, [
    { startKey: 'a', endKey: 'a1', exhausted: false, reads: [{ key: 'a1', version: { blockNum: 1, txNum: 0 } }] },
    { startKey: 'c', endKey: 'd', exhausted: true },
  ]);
});

test('identical range queries are recorded once, in the order they were opened', async () => {
  const simulator = new TxSimulator(stateWith({ a: '1', b: '2' }), NS, 'tx1');
  await drain(simulator.openRange('b', 'c', { paginated: false, pageSize: 0 }));
  await drain(simulator.openRange('a', 'c', { paginated: false, pageSize: 0 }));
  await drain(simulator.openRange('b', 'c', { paginated: false, pageSize: 0 }));
  assert.deepEqual(
    plainReadWriteSet(simulator.finish())[0]!.rangeQueries.map((q) => q.startKey),
    ['b', 'a'],
  );
});

test('a page stops at its size, and its bookmark is the next key without recording it', async () => {
  const simulator = new TxSimulator(stateWith({ a1: 'x', a2: 'y', a3: 'z' }), NS, 'tx1');
  const scan = simulator.openRange('a', 'b', { paginated: true, pageSize: 2 });
  await scan.next();
  await scan.next();
  assert.equal(await scan.bookmarkAndClose(), 'a3');
  assert.deepEqual(plainReadWriteSet(simulator.finish())[0]!.rangeQueries[0]!.reads?.map((read) => read.key), ['a1', 'a2']);
});

test('paginated queries are allowed only in read-only transactions', async () => {
  const writer = new TxSimulator(new MemoryState(), NS, 'tx1');
  writer.setState('k', Buffer.from('v'));
  assert.throws(() => writer.openRange('a', 'b', { paginated: true, pageSize: 2 }), /read-only/);

  const reader = new TxSimulator(new MemoryState(), NS, 'tx2');
  reader.openRange('a', 'b', { paginated: true, pageSize: 2 });
  assert.throws(() => reader.deleteState('k'), /paginated query/);
});

test('nothing can be read or written once the simulation has finished', async () => {
  const state = stateWith({ k: 'v' });
  const simulator = new TxSimulator(state, NS, 'tx1');
  const pending = simulator.getState('k');
  const rwset = simulator.finish();
  await assert.rejects(pending, /has finished/);
  assert.throws(() => simulator.setState('k', Buffer.from('late')), /has finished/);
  assert.equal(rwset.getNsRwsetList().length, 0);
});
