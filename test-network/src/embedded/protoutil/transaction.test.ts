import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { newTestCa } from '../msp/testing/test-ca';
import { newSignedProposal, testSigner, type TestSigner } from '../testing/client-transactions';
import { unpackProposal } from './proposal';
import { prepareTransaction, unpackTransaction } from './transaction';

let client: TestSigner;

before(async () => {
  const ca = await newTestCa('Org1MSP');
  const member = await ca.issue({ commonName: 'user1', organizationalUnits: ['client'] });
  client = testSigner('Org1MSP', member.certificatePem, member.privateKey);
});

function endorsedAction(proposalHash: Uint8Array, endorsers: string[]): peer.ChaincodeEndorsedAction {
  const action = new peer.ChaincodeAction();
  action.setResults(Buffer.from('read-write set'));
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setProposalHash(proposalHash);
  responsePayload.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  endorsed.setEndorsementsList(endorsers.map((name) => {
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(Buffer.from(name));
    endorsement.setSignature(Buffer.from(`signature of ${name}`));
    return endorsement;
  }));
  return endorsed;
}

function prepared(transient?: Record<string, string>) {
  const { signedProposal } = newSignedProposal(client, { channelId: 'citytrust', chaincodeName: 'citytrust', args: ['put', 'k', 'v'], ...(transient ? { transient } : {}) });
  const proposal = unpackProposal(signedProposal);
  return { proposal, envelope: prepareTransaction(proposal, endorsedAction(proposal.proposalHash, ['peerA', 'peerB'])) };
}

test('the prepared transaction carries the proposal\'s headers byte for byte and is not yet signed', () => {
  const { proposal, envelope } = prepared();
  assert.equal(envelope.getSignature_asU8().length, 0);
  const header = common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!;
  assert.deepEqual(Buffer.from(header.getChannelHeader_asU8()), Buffer.from(proposal.channelHeaderBytes));
  assert.deepEqual(Buffer.from(header.getSignatureHeader_asU8()), Buffer.from(proposal.signatureHeaderBytes));
});

test('the transaction has one action: the signature header, the stripped proposal payload and the endorsed action', () => {
  const { proposal, envelope } = prepared({ secret: 'transient value' });
  const transaction = peer.Transaction.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8());
  assert.equal(transaction.getActionsList().length, 1);
  const action = transaction.getActionsList()[0]!;
  assert.deepEqual(Buffer.from(action.getHeader_asU8()), Buffer.from(proposal.signatureHeaderBytes));
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  assert.deepEqual(Buffer.from(actionPayload.getChaincodeProposalPayload_asU8()), Buffer.from(proposal.strippedPayloadBytes));
  assert.ok(!Buffer.from(envelope.serializeBinary()).includes('transient value'), 'transient data never reaches the transaction');
  assert.equal(actionPayload.getAction()!.getEndorsementsList().length, 2);
});

test('an endorser transaction unpacks into its headers, response payload, chaincode action and endorsements', () => {
  const { proposal, envelope } = prepared();
  envelope.setSignature(Buffer.from('client signature'));
  const tx = unpackTransaction(envelope.serializeBinary());
  assert.equal(tx.channelHeader.getTxId(), proposal.txId);
  assert.equal(tx.channelHeader.getType(), common.HeaderType.ENDORSER_TRANSACTION);
  assert.deepEqual(Buffer.from(tx.payloadBytes), Buffer.from(envelope.getPayload_asU8()));
  assert.equal(Buffer.from(tx.signature).toString(), 'client signature');
  assert.deepEqual(Buffer.from(tx.signatureHeaderBytes), Buffer.from(proposal.signatureHeaderBytes));
  assert.ok(tx.endorser);
  assert.deepEqual(Buffer.from(tx.endorser.strippedPayloadBytes), Buffer.from(proposal.strippedPayloadBytes));
  assert.deepEqual(Buffer.from(tx.endorser.proposalResponsePayload.getProposalHash_asU8()), proposal.proposalHash);
  assert.equal(Buffer.from(tx.endorser.chaincodeAction.getResults_asU8()).toString(), 'read-write set');
  assert.deepEqual(tx.endorser.endorsements.map((e) => Buffer.from(e.getEndorser_asU8()).toString()), ['peerA', 'peerB']);
});

test('a transaction of another type unpacks without an endorser part', () => {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId('citytrust');
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(new common.SignatureHeader().serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(new common.ConfigEnvelope().serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const tx = unpackTransaction(envelope.serializeBinary());
  assert.equal(tx.channelHeader.getType(), common.HeaderType.CONFIG);
  assert.equal(tx.endorser, undefined);
});

test('an endorser transaction with two actions, or none, is refused (Fabric supports exactly one)', () => {
  const { envelope } = prepared();
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const actions of [[...transaction.getActionsList(), ...transaction.getActionsList()], []]) {
    const changed = new peer.Transaction();
    changed.setActionsList(actions);
    payload.setData(changed.serializeBinary());
    envelope.setPayload(payload.serializeBinary());
    assert.throws(() => unpackTransaction(envelope.serializeBinary()), new RegExp(`exactly one action, not ${actions.length}`));
  }
});

test('an envelope whose payload has no header, or that does not parse at all, is refused', () => {
  const envelope = new common.Envelope();
  envelope.setPayload(new common.Payload().serializeBinary());
  assert.throws(() => unpackTransaction(envelope.serializeBinary()), /no header/);
  assert.throws(() => unpackTransaction(Buffer.from([0xff, 0xff])));
});
