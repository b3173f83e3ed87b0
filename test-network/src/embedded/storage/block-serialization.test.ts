import assert from 'node:assert/strict';
import { test } from 'node:test';
import { common } from '@hyperledger/fabric-protos';
import { deserializeBlock, serializeBlock } from './block-serialization';
import { TestChain, put } from './test-support/blocks';

test('a block is stored in Fabric\'s block file serialisation: number, data hash, previous hash, envelopes, metadata', () => {
  const chain = new TestChain();
  chain.next([]);
  const block = chain.next([{ txId: 'tx-k', writes: [put('k', 'v')] }]);
  const bytes = serializeBlock(block);
  const header = block.getHeader()!;
  const envelope = block.getData()!.getDataList_asU8()[0]!;
  // varint(1), then bytes(32-byte data hash): 0x20 prefix, as protowire.AppendBytes writes it.
  assert.equal(bytes[0], 1);
  assert.equal(bytes[1], 32);
  assert.deepEqual(bytes.subarray(2, 34), Buffer.from(header.getDataHash_asU8()));
  assert.equal(bytes[34], 32);
  assert.deepEqual(bytes.subarray(35, 67), Buffer.from(header.getPreviousHash_asU8()));
  assert.equal(bytes[67], 1, 'one envelope');
  const envelopeStart = 67 + 1 + (envelope.length < 128 ? 1 : 2);
  assert.deepEqual(bytes.subarray(envelopeStart, envelopeStart + envelope.length), Buffer.from(envelope));
});

test('deserialising gives back the same block, protobuf bytes and all', () => {
  const chain = new TestChain();
  const genesis = chain.next([]);
  const block = chain.next([{ txId: 'tx-a', writes: [put('a', '1')] }, { txId: 'tx-b', writes: [put('b', '2')] }]);
  for (const original of [genesis, block]) {
    assert.deepEqual(Buffer.from(deserializeBlock(serializeBlock(original)).serializeBinary()), Buffer.from(original.serializeBinary()));
  }
});

test('truncated or padded bytes are refused with what was being read', () => {
  const chain = new TestChain();
  const bytes = serializeBlock(chain.next([{ txId: 'tx-k', writes: [put('k', 'v')] }]));
  assert.throws(() => deserializeBlock(bytes.subarray(0, 20)), /the bytes end inside the data hash \(32 bytes announced, 18 left\)/);
  assert.throws(() => deserializeBlock(Buffer.concat([bytes, Buffer.from([0])])), /1 bytes follow the block's metadata/);
  assert.throws(() => deserializeBlock(new common.Block().serializeBinary()), /the bytes end inside/);
});
