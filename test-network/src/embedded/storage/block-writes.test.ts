import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { blockTransactions, validTransactionWrites } from './block-writes';
import { TestChain, del, envelopeOf, newBlock, put } from './test-support/blocks';

describe('blockTransactions', () => {
  it('reads each valid endorser transaction’s writes in read-write-set order, deletes as undefined', () => {
    const block = new TestChain().next([
      { txId: 'tx-a', writes: [put('k1', 'v1'), put('k2', 'v2', 'other'), del('k3')], timestamp: { seconds: 1_760_000_000, nanos: 42 } },
    ]);
    const [transaction] = blockTransactions(block);
    assert.equal(transaction?.txId, 'tx-a');
    assert.equal(transaction?.type, common.HeaderType.ENDORSER_TRANSACTION);
    assert.equal(transaction?.validationCode, peer.TxValidationCode.VALID);
    assert.deepEqual(transaction?.timestamp, { seconds: 1_760_000_000, nanos: 42 });
    assert.deepEqual(
      transaction?.writes.map((write) => [write.namespace, write.key, write.value && Buffer.from(write.value).toString()]),
      [
        ['basic', 'k1', 'v1'],
        ['basic', 'k3', undefined],
        ['other', 'k2', 'v2'],
      ],
    );
  });

  it('lists invalid transactions with their id and code but none of their writes', () => {
    const block = new TestChain().next([
      { txId: 'tx-valid', writes: [put('a', '1')] },
      { txId: 'tx-mvcc', writes: [put('a', '2')], validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT },
    ]);
    const [, invalid] = blockTransactions(block);
    assert.deepEqual([invalid?.txId, invalid?.validationCode, invalid?.writes], ['tx-mvcc', peer.TxValidationCode.MVCC_READ_CONFLICT, []]);
  });

  it('tolerates an unreadable envelope the committer marked invalid, indexing it under no id', () => {
    const block = new TestChain().next([Uint8Array.from([0xff, 0xff, 0xff])]);
    assert.deepEqual(blockTransactions(block).map((t) => [t.txId, t.validationCode, t.writes.length]), [['', peer.TxValidationCode.BAD_PAYLOAD, 0]]);
  });

  it('gives a config transaction its id and no state writes', () => {
    const [config] = blockTransactions(new TestChain().next([{ txId: 'genesis', config: true }]));
    assert.deepEqual([config?.txId, config?.type, config?.writes], ['genesis', common.HeaderType.CONFIG, []]);
  });

  it('refuses a block whose TRANSACTIONS_FILTER is missing or has the wrong length', () => {
    const envelopes = [envelopeOf({ txId: 'a' }), envelopeOf({ txId: 'b' })];
    assert.throws(() => blockTransactions(newBlock(3, Buffer.alloc(32), envelopes, [0])), /block 3 has 2 transactions but its TRANSACTIONS_FILTER metadata has 1 entries/);
    const unfiltered = newBlock(3, Buffer.alloc(32), envelopes, []);
    unfiltered.getMetadata()!.setMetadataList([]);
    assert.throws(() => blockTransactions(unfiltered), /has no entries; the committer must set one validation code per transaction/);
  });

  it('refuses a transaction marked VALID whose read-write set cannot be parsed', () => {
    const payload = new common.Payload();
    const header = new common.Header();
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setTxId('tx-broken');
    header.setChannelHeader(channelHeader.serializeBinary());
    payload.setHeader(header);
    payload.setData(Uint8Array.from([0x0a, 0x05, 0x01])); // a Transaction whose first action is cut short
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    const block = newBlock(7, Buffer.alloc(32), [envelope.serializeBinary()], [peer.TxValidationCode.VALID]);
    assert.throws(() => blockTransactions(block), /block 7 transaction 0 is marked VALID but the read-write set of transaction tx-broken cannot be parsed/);
  });
});

describe('validTransactionWrites', () => {
  it('keeps only valid transactions, with their block position, id and timestamp', () => {
    const block = new TestChain().next([
      { txId: 'bad', writes: [put('x', '1')], validationCode: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE },
      { txId: 'good', writes: [put('x', '2')], timestamp: { seconds: 5, nanos: 6 } },
    ]);
    const [only, ...rest] = validTransactionWrites(block);
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...only, writes: only?.writes.map((w) => [w.namespace, w.key, Buffer.from(w.value!).toString()]) }, {
      txNum: 1,
      txId: 'good',
      timestamp: { seconds: 5, nanos: 6 },
      writes: [['basic', 'x', '2']],
    });
  });
});
