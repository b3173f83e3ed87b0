import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { channelMsps, type ChannelMsps } from '../msp';
import { newTestCa } from '../msp/testing/test-ca';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import { hashOfBlock, newGenesisBlock, newSignedBlock, setTransactionsFilter, transactionsFilter } from './block';
import { computeTxId } from './proposal';
import { newSigningIdentity, type SigningIdentity } from './signing-identity';

let orderer: SigningIdentity;
let msps: ChannelMsps;

before(async () => {
  const ca = await newTestCa('OrdererMSP');
  const node = await ca.issue({ commonName: 'orderer0', organizationalUnits: ['orderer'] });
  orderer = newSigningIdentity('OrdererMSP', node.certificatePem, node.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  msps = channelMsps([{ mspId: 'OrdererMSP', rootCertificatesPem: [ca.certificatePem], nodeOUs: true }]);
});

const envelopes = [Buffer.from('envelope one'), Buffer.from('envelope two')];

function slot(block: common.Block, index: number): Uint8Array {
  return block.getMetadata()!.getMetadataList_asU8()[index]!;
}

test('a block\'s header holds its number, the previous block\'s hash and the hash of its envelopes', async () => {
  const previousHash = createHash('sha256').update('block 6').digest();
  const block = await newSignedBlock(7, previousHash, envelopes, orderer);
  const header = block.getHeader()!;
  assert.equal(header.getNumber(), 7);
  assert.deepEqual(Buffer.from(header.getPreviousHash_asU8()), previousHash);
  assert.deepEqual(Buffer.from(header.getDataHash_asU8()), blockDataHash(envelopes));
  assert.deepEqual(block.getData()!.getDataList_asU8().map((e) => Buffer.from(e)), envelopes);
});

test('a block carries all five metadata slots, as protoutil.NewBlock makes it', async () => {
  const block = await newSignedBlock(1, Buffer.alloc(32), envelopes, orderer);
  assert.equal(block.getMetadata()!.getMetadataList().length, 5);
  assert.equal(slot(block, common.BlockMetadataIndex.TRANSACTIONS_FILTER).length, 0, 'the committer fills the transactions filter');
});

test('the SIGNATURES metadata is signed by the orderer over value ‖ signature header ‖ the header\'s DER bytes', async () => {
  const block = await newSignedBlock(3, Buffer.alloc(32, 9), envelopes, orderer, 0);
  const metadata = common.Metadata.deserializeBinary(slot(block, common.BlockMetadataIndex.SIGNATURES));
  assert.equal(metadata.getSignaturesList().length, 1);
  const signature = metadata.getSignaturesList()[0]!;
  const signatureHeader = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
  assert.deepEqual(Buffer.from(signatureHeader.getCreator_asU8()), Buffer.from(orderer.serialized));
  assert.equal(signatureHeader.getNonce_asU8().length, 24);

  const header = block.getHeader()!;
  const signed = Buffer.concat([
    metadata.getValue_asU8(),
    signature.getSignatureHeader_asU8(),
    blockHeaderBytes({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() }),
  ]);
  const signer = msps.deserialize(signatureHeader.getCreator_asU8());
  assert.ok(signer.roles.has('orderer'));
  assert.equal(await msps.verify(signer, signed, signature.getSignature_asU8()), true);
  assert.equal(await msps.verify(signer, Buffer.concat([signed, Buffer.from([0])]), signature.getSignature_asU8()), false);
});

test('the last config index is in the signed OrdererBlockMetadata and in the LAST_CONFIG slot', async () => {
  const block = await newSignedBlock(9, Buffer.alloc(32), envelopes, orderer, 4);
  const signed = common.Metadata.deserializeBinary(slot(block, common.BlockMetadataIndex.SIGNATURES));
  assert.equal(common.OrdererBlockMetadata.deserializeBinary(signed.getValue_asU8()).getLastConfig()!.getIndex(), 4);
  const lastConfig = common.Metadata.deserializeBinary(slot(block, common.BlockMetadataIndex.LAST_CONFIG));
  assert.equal(common.LastConfig.deserializeBinary(lastConfig.getValue_asU8()).getIndex(), 4);
  assert.equal(lastConfig.getSignaturesList().length, 0);
});

test('the transactions filter is one validation code per transaction, set by the committer', async () => {
  const block = await newSignedBlock(1, Buffer.alloc(32), envelopes, orderer);
  setTransactionsFilter(block, Uint8Array.from([peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]));
  assert.deepEqual([...transactionsFilter(block)], [0, 11]);
  const reread = common.Block.deserializeBinary(block.serializeBinary());
  assert.deepEqual([...transactionsFilter(reread)], [0, 11]);
  assert.equal(reread.getMetadata()!.getMetadataList().length, 5);
});

test('a block\'s hash is the header hash its successor links to', async () => {
  const first = await newSignedBlock(0, new Uint8Array(0), envelopes, orderer);
  const second = await newSignedBlock(1, hashOfBlock(first), [Buffer.from('next')], orderer);
  const h = first.getHeader()!;
  assert.deepEqual(hashOfBlock(first), blockHeaderHash({ number: 0, previousHash: h.getPreviousHash_asU8(), dataHash: h.getDataHash_asU8() }));
  assert.deepEqual(Buffer.from(second.getHeader()!.getPreviousHash_asU8()), hashOfBlock(first));
});

test('the genesis block is block 0 with one valid CONFIG envelope holding the channel\'s config, signed by the orderer', async () => {
  const config = new common.Config();
  config.setSequence(1);
  const channelGroup = new common.ConfigGroup();
  channelGroup.setModPolicy('Admins');
  config.setChannelGroup(channelGroup);
  const timestamp = new Date('2026-01-02T03:04:05Z');
  const genesis = await newGenesisBlock('citytrust', config, orderer, timestamp);

  assert.equal(genesis.getHeader()!.getNumber(), 0);
  assert.equal(genesis.getHeader()!.getPreviousHash_asU8().length, 0);
  assert.deepEqual([...transactionsFilter(genesis)], [peer.TxValidationCode.VALID]);
  const data = genesis.getData()!.getDataList_asU8();
  assert.equal(data.length, 1);
  assert.deepEqual(Buffer.from(genesis.getHeader()!.getDataHash_asU8()), blockDataHash(data));

  const envelope = common.Envelope.deserializeBinary(data[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(payload.getHeader()!.getSignatureHeader_asU8());
  assert.equal(channelHeader.getType(), common.HeaderType.CONFIG);
  assert.equal(channelHeader.getChannelId(), 'citytrust');
  assert.equal(channelHeader.getEpoch(), 0);
  assert.equal(channelHeader.getTimestamp()!.toDate().toISOString(), timestamp.toISOString());
  assert.equal(channelHeader.getTxId(), computeTxId(signatureHeader.getNonce_asU8(), signatureHeader.getCreator_asU8()));

  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  assert.deepEqual(Buffer.from(configEnvelope.getConfig()!.serializeBinary()), Buffer.from(config.serializeBinary()));

  const signer = msps.deserialize(signatureHeader.getCreator_asU8());
  assert.equal(await msps.verify(signer, envelope.getPayload_asU8(), envelope.getSignature_asU8()), true);
  const lastConfig = common.Metadata.deserializeBinary(slot(genesis, common.BlockMetadataIndex.LAST_CONFIG));
  assert.equal(common.LastConfig.deserializeBinary(lastConfig.getValue_asU8()).getIndex(), 0);
});
