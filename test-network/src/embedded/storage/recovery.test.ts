import assert from 'node:assert/strict';
import { appendFile, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { common } from '@hyperledger/fabric-protos';
import { blockFilePath, readRecords } from './block-file';
import { serializeBlock } from './block-serialization';
import { encodeVarint } from './varint';
import { openLedgerStore, type LedgerStore, type LedgerStoreOptions } from './ledger-store';
import { BlockFileCorruptionError } from './recovery';
import { TestChain, put } from './test-support/blocks';
import { withTempDir } from './test-support/temp-dir';

/** A block's record as the writer lays it down: varint length, then the block. */
function recordOf(block: common.Block): Buffer {
  const bytes = serializeBlock(block);
  return Buffer.concat([encodeVarint(bytes.length), bytes]);
}

/** Block n writes key `k<n>` and overwrites `shared`. */
function nextBlock(chain: TestChain): common.Block {
  const n = chain.height;
  return chain.next([{ txId: `tx-${n}`, writes: [put(`k${n}`, `v-${n}`), put('shared', `from-${n}`)] }]);
}

async function commitBlocks(directory: string, chain: TestChain, count: number, options: LedgerStoreOptions = {}): Promise<void> {
  const store = await openLedgerStore(directory, { log: () => undefined, ...options });
  try {
    for (let i = 0; i < count; i++) await store.commitBlock(nextBlock(chain));
  } finally {
    await store.close();
  }
}

async function reopen(directory: string, options: LedgerStoreOptions = {}): Promise<{ store: LedgerStore; log: string[] }> {
  const log: string[] = [];
  const store = await openLedgerStore(directory, { log: (line) => log.push(line), ...options });
  return { store, log };
}

const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : Buffer.from(value).toString());
const firstFile = (directory: string) => blockFilePath(join(directory, 'chains'), 0);

describe('recovery on open', () => {
  it('cuts off a block torn in half by a crash, keeps the rest, and appends after it', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 3);
      const intactSize = (await stat(firstFile(directory))).size;
      const torn = nextBlock(chain);
      const record = recordOf(torn);
      await appendFile(firstFile(directory), record.subarray(0, record.length / 2));

      const { store, log } = await reopen(directory);
      try {
        assert.equal(store.height, 3);
        assert.equal((await stat(firstFile(directory))).size, intactSize);
        assert.match(log.join('\n'), new RegExp(`cut a torn tail at byte offset ${intactSize} \\(a record promising .* block bytes.*block 3 was being appended`));
        assert.equal(await store.transaction('tx-3'), undefined);
        await store.commitBlock(torn);
        assert.equal(text((await store.get('basic', 'shared'))?.value), 'from-3');
      } finally {
        await store.close();
      }
      const again = await reopen(directory);
      try {
        assert.equal(again.store.height, 4);
        assert.deepEqual(again.log, []);
        assert.deepEqual(await again.store.blockBytes(3), Buffer.from(torn.serializeBinary()));
      } finally {
        await again.store.close();
      }
    }));

  it('cuts off a partial length prefix', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 2);
      await appendFile(firstFile(directory), Buffer.from([0x96]));
      const { store, log } = await reopen(directory);
      await store.close();
      assert.equal(store.height, 2);
      assert.match(log[0] ?? '', /a partial length prefix \(1 bytes\)/);
    }));

  it('re-indexes and re-applies blocks that reached the block file but not LevelDB', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 2);
      // What a kill between the block file's fsync and the LevelDB batch leaves behind.
      await appendFile(firstFile(directory), Buffer.concat([recordOf(nextBlock(chain)), recordOf(nextBlock(chain))]));

      const { store, log } = await reopen(directory);
      try {
        assert.deepEqual([store.height, store.lastBlockHash], [4, chain.lastHash]);
        assert.deepEqual(log, ['re-indexed and re-applied blocks 2..3 found in the block files above the savepoint']);
        assert.deepEqual((await store.get('basic', 'k3'))?.version, { blockNum: 3, txNum: 0 });
        assert.equal(text((await store.get('basic', 'shared'))?.value), 'from-3');
        assert.deepEqual(await store.transaction('tx-2'), { blockNum: 2, txNum: 0, validationCode: 0 });
        let historyLength = 0;
        for await (const modification of store.history('basic', 'shared')) historyLength += modification.txId.length > 0 ? 1 : 0;
        assert.equal(historyLength, 4);
        await store.commitBlock(nextBlock(chain));
        assert.equal(store.height, 5);
      } finally {
        await store.close();
      }
    }));

  it('rolls to a new block file past the size limit and reads and recovers across files', () =>
    withTempDir(async (directory) => {
      const options = { maxBlockFileBytes: 600 };
      const chain = new TestChain();
      await commitBlocks(directory, chain, 12, options);
      const files = (await readdir(join(directory, 'chains'))).sort();
      assert.ok(files.length >= 3, `expected several block files, found ${files.join(', ')}`);
      for (const file of files) assert.ok((await stat(join(directory, 'chains', file))).size <= 600);
      // A block fsynced into a freshly rolled file just before a crash.
      const unapplied = nextBlock(chain);
      await writeFile(blockFilePath(join(directory, 'chains'), files.length), recordOf(unapplied));

      const { store, log } = await reopen(directory, options);
      try {
        assert.equal(store.height, 13);
        assert.match(log.join('\n'), /re-applied blocks 12\.\.12/);
        for (let n = 0; n < 13; n++) assert.equal((await store.block(n)).getHeader()?.getNumber(), n);
        await store.commitBlock(nextBlock(chain));
        assert.equal(text((await store.get('basic', 'shared'))?.value), 'from-13');
      } finally {
        await store.close();
      }
    }));

  it('refuses to open on a complete record that is not a block, naming file, block and offset, and leaves the file alone', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 2);
      const offset = (await stat(firstFile(directory))).size;
      const garbage = Buffer.from('not a protobuf block at all');
      await appendFile(firstFile(directory), Buffer.concat([encodeVarint(garbage.length), garbage, recordOf(nextBlock(chain))]));
      const sizeBefore = (await stat(firstFile(directory))).size;

      await assert.rejects(openLedgerStore(directory, { log: () => undefined }), (error: unknown) => {
        assert.ok(error instanceof BlockFileCorruptionError);
        assert.deepEqual([error.file, error.blockNum, error.offset], [firstFile(directory), 2, offset]);
        assert.match(error.message, new RegExp(`blockfile_000000: the record at byte offset ${offset}, where block 2 was expected,`));
        assert.match(error.message, /restore its directory from a copy\. The file is not trimmed automatically/);
        return true;
      });
      assert.equal((await stat(firstFile(directory))).size, sizeBefore);
    }));

  it('refuses a stored block that does not chain to the one before it', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 2);
      const fork = new TestChain();
      fork.height = 2;
      fork.lastHash = Buffer.alloc(32, 1);
      await appendFile(firstFile(directory), recordOf(nextBlock(fork)));
      await assert.rejects(openLedgerStore(directory, { log: () => undefined }), /where block 2 was expected, holds a block that has previous hash 0101.* but block 1's header hash is/);
    }));

  it('rebuilds state, history and indexes from the block files when the database is gone', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 4);
      await rm(join(directory, 'ledger-db'), { recursive: true });
      const { store, log } = await reopen(directory);
      try {
        assert.deepEqual(log, ['re-indexed and re-applied blocks 0..3 found in the block files above the savepoint']);
        assert.equal(store.height, 4);
        assert.deepEqual(await store.transaction('tx-3'), { blockNum: 3, txNum: 0, validationCode: 0 });
        assert.equal(text((await store.get('basic', 'shared'))?.value), 'from-3');
      } finally {
        await store.close();
      }
    }));

  it('finds a flipped byte inside a stored block when reading it back, naming the block and its offset', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 4);
      await rm(join(directory, 'ledger-db'), { recursive: true });
      const bytes = await readFile(firstFile(directory));
      const block2 = readRecords(bytes, 0, 0).records[2]!;
      const at = bytes.indexOf('from-2', block2.location.offset);
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(firstFile(directory), bytes);
      await assert.rejects(
        openLedgerStore(directory, { log: () => undefined }),
        new RegExp(`the record at byte offset ${block2.recordOffset}, where block 2 was expected, holds a block that has data hash .* but its transactions hash to`),
      );
    }));

  it('rolls back a savepoint that points past the end of the block files, rebuilding from what the files hold', () =>
    withTempDir(async (directory) => {
      const chain = new TestChain();
      await commitBlocks(directory, chain, 2);
      const resumed = new TestChain();
      resumed.height = chain.height;
      resumed.lastHash = chain.lastHash;
      await commitBlocks(directory, chain, 1);
      const records = readRecords(await readFile(firstFile(directory)), 0, 0).records;
      await truncate(firstFile(directory), records[1]!.end);

      const { store, log } = await reopen(directory);
      try {
        assert.match(log[0] ?? '', /the savepoint says block 2 ends at byte \d+ of .*blockfile_000000, but the file holds only \d+ bytes: rolling back/);
        assert.equal(store.height, 2);
        assert.equal(await store.get('basic', 'k2'), undefined);
        assert.equal(await store.transaction('tx-2'), undefined);
        assert.equal(text((await store.get('basic', 'shared'))?.value), 'from-1');
        await store.commitBlock(nextBlock(resumed));
        assert.equal(store.height, 3);
      } finally {
        await store.close();
      }
    }));
});
