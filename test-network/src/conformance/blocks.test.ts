import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { common, msp } from '@hyperledger/fabric-protos';
import { blockHash, hashChainProblems } from './block-hash-chain';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { allBlocks, blockBytesByNumber, chainInfo, channelHeaderOf, transactionsFilter } from './ledger-reads';

/**
 * The blocks themselves, as any Fabric tool reads them: Fabric's protobuf messages, a genesis
 * block with the channel configuration, and a hash chain a reader can verify on its own.
 */

let net: ConformanceNetwork;
let blocks: common.Block[];

before(async () => {
  net = await startConformanceNetwork('blocks');
  const [first] = net.departments as [string];
  const contract = net.system();
  // Several blocks, among them (batch timeout permitting) one with several transactions, and an invalid transaction.
  await contract.submitTransaction('put', 'blocks/a', '1');
  await Promise.all(['b', 'c', 'd'].map((k) => contract.submitTransaction('put', `blocks/${k}`, k)));
  const lone = await contract.newProposal('put', { arguments: ['blocks/lone', 'x'], endorsingOrganizations: [first] }).endorse();
  await (await lone.submit()).getStatus();
  await contract.submitTransaction('delete', 'blocks/a');
  blocks = await allBlocks(net.network(), net.qscc(), net.description.channel);
});
after(async () => {
  await net?.close();
});

test('Deliver from block 0 returns every block up to the height, each decoding as Fabric\'s common.Block', () => {
  assert.ok(blocks.length >= 5, `${blocks.length} blocks`);
  blocks.forEach((block, number) => {
    const decoded = common.Block.deserializeBinary(block.serializeBinary());
    assert.equal(decoded.getHeader()?.getNumber(), number);
    const envelopes = decoded.getData()?.getDataList_asU8() ?? [];
    assert.ok(envelopes.length > 0, `block ${number} holds transactions`);
    for (const envelope of envelopes) {
      const header = channelHeaderOf(envelope);
      assert.equal(header.getChannelId(), net.description.channel);
      assert.equal(header.getType(), number === 0 ? common.HeaderType.CONFIG : common.HeaderType.ENDORSER_TRANSACTION);
    }
    assert.equal(transactionsFilter(decoded).length, envelopes.length, `block ${number} has one validation code per transaction`);
  });
  const codes = blocks.slice(1).flatMap((block) => [...transactionsFilter(block)]);
  assert.ok(codes.includes(10), `the one-department transaction is in a block, recorded ENDORSEMENT_POLICY_FAILURE (codes ${codes.join(', ')})`);
});

test('each block\'s previous_hash is SHA-256 of the DER header of the block before, and its data_hash SHA-256 of its envelopes', async () => {
  assert.deepEqual(hashChainProblems(blocks), []);
  const info = await chainInfo(net.qscc(), net.description.channel);
  const last = blocks[blocks.length - 1]!;
  assert.equal(info.getHeight(), blocks.length);
  assert.equal(Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'), blockHash(last).toString('hex'), 'GetChainInfo names the last block\'s hash');
  assert.equal(Buffer.from(info.getPreviousblockhash_asU8()).toString('hex'), Buffer.from(last.getHeader()!.getPreviousHash_asU8()).toString('hex'));
});

test('block 0 holds one CONFIG envelope whose ConfigEnvelope carries every department\'s MSP and the orderer\'s', () => {
  const [envelope, ...others] = blocks[0]!.getData()!.getDataList_asU8();
  assert.equal(others.length, 0);
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope!).getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  const channelGroup = config?.getChannelGroup();
  assert.ok(channelGroup, 'the ConfigEnvelope holds a channel group');

  const application = channelGroup.getGroupsMap().get('Application');
  assert.deepEqual([...(application?.getGroupsMap().keys() ?? [])].sort(), [...net.departments].sort());
  for (const department of net.crypto.departments) {
    const mspConfig = fabricMspConfig(application!.getGroupsMap().get(department.mspId)!);
    assert.equal(mspConfig.getName(), department.mspId);
    assert.deepEqual(mspConfig.getRootCertsList_asU8().map((pem) => Buffer.from(pem).toString().trim()), [department.caCertificatePem.trim()]);
  }
  const orderer = channelGroup.getGroupsMap().get('Orderer')?.getGroupsMap().get(net.crypto.orderer.mspId);
  assert.ok(orderer, `the Orderer group holds ${net.crypto.orderer.mspId}`);
  assert.equal(fabricMspConfig(orderer).getName(), net.crypto.orderer.mspId);
});

test('a block read through Deliver is byte for byte the block qscc GetBlockByNumber returns', async () => {
  for (const [number, block] of blocks.entries()) {
    const fromQscc = await blockBytesByNumber(net.qscc(net.departments[1]), net.description.channel, number);
    assert.ok(Buffer.from(block.serializeBinary()).equals(Buffer.from(fromQscc)), `block ${number} is the same from Deliver and from qscc`);
  }
});

function fabricMspConfig(organisation: common.ConfigGroup): msp.FabricMSPConfig {
  const value = organisation.getValuesMap().get('MSP');
  assert.ok(value, 'the organisation has an MSP value');
  const config = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  assert.equal(config.getType(), 0, 'a FABRIC (X.509) MSP');
  return msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
}
