import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { newTestCa } from '../msp/testing/test-ca';
import { newSignedProposal, testSigner, type TestSigner } from '../testing/client-transactions';
import { computeTxId, MalformedProposalError, unpackProposal } from './proposal';

let client: TestSigner;

before(async () => {
  const ca = await newTestCa('Org1MSP');
  const member = await ca.issue({ commonName: 'user1', organizationalUnits: ['client'] });
  client = testSigner('Org1MSP', member.certificatePem, member.privateKey);
});

const request = { channelId: 'citytrust', chaincodeName: 'citytrust', args: ['put', 'k1', 'v1'] };

function signedProposalOf(proposal: peer.Proposal): peer.SignedProposal {
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  return signed;
}

test('the transaction id is the hex SHA-256 of the nonce followed by the creator', () => {
  assert.equal(computeTxId(Buffer.from('abc'), Buffer.from('def')), createHash('sha256').update('abcdef').digest('hex'));
  assert.equal(computeTxId(Buffer.from('abc'), Buffer.from('def')), 'bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721');
});

test('a client\'s proposal unpacks into its channel, transaction id, chaincode and arguments', () => {
  const { signedProposal, txId } = newSignedProposal(client, request);
  const unpacked = unpackProposal(signedProposal);
  assert.equal(unpacked.channelId, 'citytrust');
  assert.equal(unpacked.txId, txId);
  assert.equal(unpacked.txId, computeTxId(unpacked.signatureHeader.getNonce_asU8(), unpacked.signatureHeader.getCreator_asU8()));
  assert.equal(unpacked.chaincodeName, 'citytrust');
  assert.deepEqual(unpacked.input.getArgsList_asU8().map((a) => Buffer.from(a).toString()), ['put', 'k1', 'v1']);
  assert.deepEqual(Buffer.from(unpacked.signatureHeader.getCreator_asU8()), Buffer.from(client.serialized));
  assert.equal(unpacked.hasTransientData, false);
  assert.equal(unpacked.signedProposal, signedProposal);
});

test('the header bytes are kept exactly as the client serialised them', () => {
  const { signedProposal } = newSignedProposal(client, request);
  const unpacked = unpackProposal(signedProposal);
  const header = common.Header.deserializeBinary(peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8()).getHeader_asU8());
  assert.deepEqual(Buffer.from(unpacked.channelHeaderBytes), Buffer.from(header.getChannelHeader_asU8()));
  assert.deepEqual(Buffer.from(unpacked.signatureHeaderBytes), Buffer.from(header.getSignatureHeader_asU8()));
});

test('transient data is stripped from the payload that goes into the transaction, and the proposal hash covers the stripped payload', () => {
  const { signedProposal } = newSignedProposal(client, { ...request, transient: { secret: 'do not put me on the ledger' } });
  const unpacked = unpackProposal(signedProposal);
  assert.equal(unpacked.hasTransientData, true);

  const stripped = peer.ChaincodeProposalPayload.deserializeBinary(unpacked.strippedPayloadBytes);
  assert.equal(stripped.getTransientmapMap().getLength(), 0);
  const original = peer.ChaincodeProposalPayload.deserializeBinary(unpacked.proposal.getPayload_asU8());
  assert.deepEqual(Buffer.from(stripped.getInput_asU8()), Buffer.from(original.getInput_asU8()));
  assert.ok(!Buffer.from(unpacked.strippedPayloadBytes).includes('do not put me on the ledger'));

  // Fabric's GetProposalHash2: SHA-256(channel header ‖ signature header ‖ payload without transient map).
  const expected = createHash('sha256').update(unpacked.channelHeaderBytes).update(unpacked.signatureHeaderBytes).update(unpacked.strippedPayloadBytes).digest();
  assert.deepEqual(unpacked.proposalHash, expected);
});

test('a signed proposal without proposal bytes is refused as malformed', () => {
  assert.throws(() => unpackProposal(new peer.SignedProposal()), (error: unknown) =>
    error instanceof MalformedProposalError && /must contain a signed proposal/.test(error.message));
});

test('bytes that are not a proposal are refused, naming the part that does not parse', () => {
  const garbage = new peer.SignedProposal();
  garbage.setProposalBytes(Buffer.from([0xff, 0xff, 0xff]));
  assert.throws(() => unpackProposal(garbage), (error: unknown) => error instanceof MalformedProposalError && /the proposal does not parse/.test(error.message));

  const badHeader = new peer.Proposal();
  badHeader.setHeader(Buffer.from([0x0a, 0x05, 0x01]));
  assert.throws(() => unpackProposal(signedProposalOf(badHeader)), (error: unknown) =>
    error instanceof MalformedProposalError && /proposal header does not parse/.test(error.message));
});

test('a proposal that names no chaincode is refused as malformed', () => {
  const { signedProposal } = newSignedProposal(client, { ...request, chaincodeName: '' });
  assert.throws(() => unpackProposal(signedProposal), (error: unknown) => error instanceof MalformedProposalError && /names no chaincode/.test(error.message));
});
