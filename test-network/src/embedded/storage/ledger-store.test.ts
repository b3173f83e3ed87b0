import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import type { KeyModification, VersionedKeyValue } from '../ledger-state';
import { openLedgerStore, type LedgerStore } from './ledger-store';
import { TestChain, del, put } from './test-support/blocks';
import { withTempDir } from './test-support/temp-dir';

async function withStore(body: (store: LedgerStore, chain: TestChain, directory: string) => Promise<void>): Promise<void> {
  await withTempDir(async (directory) => {
    const store = await openLedgerStore(directory, { log: () => undefined });
    try {
      await body(store, new TestChain(), directory);
    } finally {
      await store.close();
    }
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : Buffer.from(value).toString());
const entries = (items: VersionedKeyValue[]) => items.map((item) => [item.key, text(item.value)]);
const modifications = (items: KeyModification[]) => items.map((item) => [item.txId, item.isDelete, text(item.value)]);

describe('LedgerStore', () => {
  it('starts empty and commits blocks in order, giving back the stored bytes', () =>
    withStore(async (store, chain) => {
      assert.equal(store.height, 0);
      assert.equal(store.lastBlockHash, undefined);
      const genesis = chain.next([{ txId: 'config-0', config: true }]);
      await store.commitBlock(genesis);
      const first = chain.next([{ txId: 'tx-1', writes: [put('a', '1')] }]);
      await store.commitBlock(first);
      assert.equal(store.height, 2);
      assert.deepEqual(store.lastBlockHash, chain.lastHash);
      assert.deepEqual(await store.blockBytes(1), Buffer.from(first.serializeBinary()));
      assert.equal((await store.block(0)).getHeader()?.getNumber(), 0);
      assert.equal(await store.blockNumberByHash(chain.lastHash!), 1);
      assert.equal(await store.blockNumberByHash(Buffer.alloc(32)), undefined);
      await assert.rejects(store.blockBytes(2), /block 2 is not in the ledger: its height is 2/);
    }));

  it('refuses a block out of order or not chained to the last one, writing nothing', () =>
    withStore(async (store, chain) => {
      await store.commitBlock(chain.next([{ txId: 'config-0', config: true }]));
      const skipped = new TestChain();
      skipped.height = 2;
      skipped.lastHash = chain.lastHash;
      await assert.rejects(store.commitBlock(skipped.next([])), /cannot commit: the block is numbered 2 where block 1 was expected/);
      const forked = new TestChain();
      forked.height = 1;
      forked.lastHash = Buffer.alloc(32, 9);
      await assert.rejects(store.commitBlock(forked.next([])), /has previous hash 0909.* but block 0's header hash is/);
      await store.commitBlock(chain.next([{ txId: 'tx-1', writes: [put('a', '1')] }]));
      assert.equal(store.height, 2);
    }));

  it('versions each value with the height of the transaction that wrote it, and forgets deleted keys', () =>
    withStore(async (store, chain) => {
      await store.commitBlock(chain.next([{ txId: 'config-0', config: true }]));
      await store.commitBlock(chain.next([{ txId: 'tx-1', writes: [put('a', 'one'), put('b', 'bee')] }, { txId: 'tx-2', writes: [put('a', 'two')] }]));
      await store.commitBlock(chain.next([{ txId: 'tx-3', writes: [del('b')] }]));
      const a = await store.get('basic', 'a');
      assert.deepEqual([text(a?.value), a?.version], ['two', { blockNum: 1, txNum: 1 }]);
      assert.equal(await store.get('basic', 'b'), undefined);
      assert.equal(await store.get('other', 'a'), undefined);
    }));

  it('never applies the writes of invalid transactions, but indexes their ids with their codes', () =>
    withStore(async (store, chain) => {
      await store.commitBlock(chain.next([{ txId: 'config-0', config: true }]));
      await store.commitBlock(
        chain.next([
          { txId: 'tx-ok', writes: [put('a', 'kept')] },
          { txId: 'tx-conflict', writes: [put('a', 'lost'), put('c', 'lost')], validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT },
        ]),
      );
      assert.equal(text((await store.get('basic', 'a'))?.value), 'kept');
      assert.equal(await store.get('basic', 'c'), undefined);
      assert.deepEqual(await collect(store.history('basic', 'c')), []);
      assert.deepEqual(await store.transaction('config-0'), { blockNum: 0, txNum: 0, validationCode: peer.TxValidationCode.VALID });
      assert.deepEqual(await store.transaction('tx-conflict'), { blockNum: 1, txNum: 1, validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT });
      assert.equal(await store.transaction('tx-unknown'), undefined);
    }));

  it('answers a duplicated tx id with its first, valid occurrence', () =>
    withStore(async (store, chain) => {
      await store.commitBlock(chain.next([{ txId: 'tx-dup', writes: [put('a', '1')] }]));
      await store.commitBlock(chain.next([{ txId: 'tx-dup', writes: [put('a', '2')], validationCode: peer.TxValidationCode.DUPLICATE_TXID }]));
      assert.deepEqual(await store.transaction('tx-dup'), { blockNum: 0, txNum: 0, validationCode: peer.TxValidationCode.VALID });
    }));

  it('ranges over [start, end) of one namespace in byte order, composite keys included', () =>
    withStore(async (store, chain) => {
      const composite = '\u0000asset\u0000b\u0000';
      const keys = ['b', 'a', 'ab', '\u00e9', 'B', composite, '\u0000asset\u0000a\u0000', 'a\u0000z'];
      await store.commitBlock(
        chain.next([
          { txId: 'tx-1', writes: keys.map((key) => put(key, `v-${key}`)) },
          { txId: 'tx-2', writes: [put('a', 'neighbour', 'basic2'), put('zzz', 'neighbour', 'bas'), put('x', 'neighbour', 'basic\u0001')] },
        ]),
      );
      const all = await collect(store.range('basic', '', ''));
      assert.deepEqual(
        all.map((entry) => entry.key),
        ['\u0000asset\u0000a\u0000', composite, 'B', 'a', 'a\u0000z', 'ab', 'b', '\u00e9'],
      );
      assert.deepEqual(all[1]?.version, { blockNum: 0, txNum: 0 });
      assert.deepEqual(entries(await collect(store.range('basic', 'a', 'b'))), [
        ['a', 'v-a'],
        ['a\u0000z', 'v-a\u0000z'],
        ['ab', 'v-ab'],
      ]);
      assert.deepEqual(
        (await collect(store.range('basic', '\u0000asset\u0000', '\u0000asset\u0001'))).map((entry) => entry.key),
        ['\u0000asset\u0000a\u0000', composite],
      );
      assert.deepEqual(entries(await collect(store.range('basic', 'b', ''))), [
        ['b', 'v-b'],
        ['\u00e9', 'v-\u00e9'],
      ]);
      assert.deepEqual(await collect(store.range('basic', 'b', 'a')), []);
    }));

  it('yields a range lazily: a consumer may stop early', () =>
    withStore(async (store, chain) => {
      const writes = Array.from({ length: 2000 }, (_, i) => put(`key-${String(i).padStart(5, '0')}`, 'x'.repeat(100)));
      await store.commitBlock(chain.next([{ txId: 'tx-bulk', writes }]));
      const firstThree: string[] = [];
      for await (const entry of store.range('basic', '', '')) {
        firstThree.push(entry.key);
        if (firstThree.length === 3) break;
      }
      assert.deepEqual(firstThree, ['key-00000', 'key-00001', 'key-00002']);
    }));

  it('keeps the history of a key newest first, deletes included, apart from keys it prefixes', () =>
    withStore(async (store, chain) => {
      await store.commitBlock(chain.next([{ txId: 'tx-1', writes: [put('a', 'one'), put('a\u0000b', 'other key')], timestamp: { seconds: 100, nanos: 1 } }]));
      await store.commitBlock(chain.next([{ txId: 'tx-2', writes: [del('a')], timestamp: { seconds: 200, nanos: 2 } }]));
      await store.commitBlock(chain.next([{ txId: 'tx-3', writes: [put('a', 'three')], timestamp: { seconds: 300, nanos: 3 } }]));
      const history = await collect(store.history('basic', 'a'));
      assert.deepEqual(modifications(history), [
        ['tx-3', false, 'three'],
        ['tx-2', true, ''],
        ['tx-1', false, 'one'],
      ]);
      assert.deepEqual(history.map((entry) => entry.timestamp), [
        { seconds: 300, nanos: 3 },
        { seconds: 200, nanos: 2 },
        { seconds: 100, nanos: 1 },
      ]);
      assert.deepEqual(await collect(store.history('basic', 'missing')), []);
    }));

  it('refuses a namespace that would blur the namespace/key boundary', () =>
    withStore(async (store) => {
      await assert.rejects(store.get('bad\u0000ns', 'k'), /namespace "bad\\u0000ns" must be a non-empty string without U\+0000/);
    }));

  it('applies overlapping commit calls one after another in call order', () =>
    withStore(async (store, chain) => {
      const blocks = Array.from({ length: 5 }, (_, i) => chain.next([{ txId: `tx-${i}`, writes: [put('counter', String(i))] }]));
      await Promise.all(blocks.map((block) => store.commitBlock(block)));
      assert.equal(store.height, 5);
      assert.equal(text((await store.get('basic', 'counter'))?.value), '4');
    }));

  it('has everything back after close and reopen, and goes on from there', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      const first = await openLedgerStore(directory, { log: () => undefined });
      await first.commitBlock(chain.next([{ txId: 'config-0', config: true }]));
      await first.commitBlock(chain.next([{ txId: 'tx-1', writes: [put('a', '1')] }]));
      await first.close();
      const lines: string[] = [];
      const second = await openLedgerStore(directory, { log: (line) => lines.push(line) });
      try {
        assert.deepEqual([second.height, second.lastBlockHash], [2, chain.lastHash]);
        assert.deepEqual(lines, [], 'a clean shutdown needs no recovery');
        assert.deepEqual(await second.transaction('tx-1'), { blockNum: 1, txNum: 0, validationCode: 0 });
        await second.commitBlock(chain.next([{ txId: 'tx-2', writes: [put('a', '2')] }]));
        assert.deepEqual((await second.get('basic', 'a'))?.version, { blockNum: 2, txNum: 0 });
        assert.ok((await second.block(1)) instanceof common.Block);
      } finally {
        await second.close();
      }
    }));
});
