import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { status as grpcStatus } from '@grpc/grpc-js';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { verifyLowS } from '@citytrust/network-config';
import { MemoryState } from '../chaincode-support/testing/memory-state';
import { chaincodeEndorsementPolicy } from '../embedded-ledger';
import { newTestCa } from '../msp/testing/test-ca';
import { hashOfBlock, newGenesisBlock, newSignedBlock } from '../protoutil/block';
import { unpackProposal } from '../protoutil/proposal';
import { openLedgerStore } from '../storage';
import { newSignedProposal, testSigner, type ProposalRequest, type TestSigner } from '../testing/client-transactions';
import { readWriteSet, ScriptedChaincode, type ScriptedAnswer } from '../testing/scripted-chaincode';
import { newTestNetwork, testEndorser, type TestNetwork } from '../testing/test-network';
import { EndorserError, type Endorser, type EndorserContext } from './endorser';

let network: TestNetwork;
let stranger: TestSigner;

before(async () => {
  network = await newTestNetwork();
  const ca = await newTestCa('StrangerMSP');
  const member = await ca.issue({ commonName: 'someone', organizationalUnits: ['client'] });
  stranger = testSigner('StrangerMSP', member.certificatePem, member.privateKey);
});
after(() => network.cleanup());

const written = () => readWriteSet({ namespace: network.chaincodeName, writes: [{ key: 'k', value: 'v' }] });

function endorserAnswering(answer: (args: string[]) => ScriptedAnswer = () => ({ payload: 'ok', readWriteSet: written() }), parts: Partial<EndorserContext> = {}) {
  const chaincode = new ScriptedChaincode((request) => answer(request.input.getArgsList_asU8().map((a) => Buffer.from(a).toString())));
  return { chaincode, endorser: testEndorser(network, { state: new MemoryState(), chaincode: () => chaincode, ...parts }) };
}

function proposal(overrides: Partial<ProposalRequest> = {}, signer = network.client(0)) {
  return newSignedProposal(signer, { channelId: network.channelId, chaincodeName: network.chaincodeName, args: ['get', 'k'], ...overrides });
}

async function refusal(action: Promise<unknown>): Promise<EndorserError> {
  try {
    await action;
  } catch (error) {
    assert.ok(error instanceof EndorserError, `expected an EndorserError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the endorser to refuse');
}

/** The checks of both calls on the same proposal: Evaluate's error, then Endorse's (default layout). */
async function bothRefusals(endorser: Endorser, signedProposal: peer.SignedProposal) {
  return { evaluate: await refusal(endorser.evaluate(signedProposal, [])), endorse: await refusal(endorser.endorse(signedProposal, [])) };
}

function endorsedAction(envelope: common.Envelope): peer.ChaincodeEndorsedAction {
  const transaction = peer.Transaction.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8());
  return peer.ChaincodeActionPayload.deserializeBinary(transaction.getActionsList()[0]!.getPayload_asU8()).getAction()!;
}

test('a proposal that does not parse is INVALID_ARGUMENT from both calls, with no endorser details', async () => {
  const { endorser, chaincode } = endorserAnswering();
  const garbage = new peer.SignedProposal();
  garbage.setProposalBytes(Buffer.from([0xff, 0xff, 0xff]));
  const { evaluate, endorse } = await bothRefusals(endorser, garbage);
  assert.equal(evaluate.code, grpcStatus.INVALID_ARGUMENT);
  assert.match(evaluate.message, /^failed to unpack transaction proposal: /);
  assert.equal(endorse.code, grpcStatus.INVALID_ARGUMENT);
  assert.deepEqual([evaluate.details, endorse.details], [[], []]);

  const empty = await refusal(endorser.endorse(new peer.SignedProposal(), []));
  assert.equal(empty.message, 'the proposed transaction must contain a signed proposal');
  assert.equal(chaincode.executed.length, 0);
});

test('a proposal for another channel: Evaluate is UNAVAILABLE (no config for it), Endorse FAILED_PRECONDITION (no plan)', async () => {
  const { endorser } = endorserAnswering();
  const { evaluate, endorse } = await bothRefusals(endorser, proposal({ channelId: 'elsewhere' }).signedProposal);
  assert.equal(evaluate.code, grpcStatus.UNAVAILABLE);
  assert.match(evaluate.message, /failed to get config for channel \[elsewhere\]/);
  assert.equal(endorse.code, grpcStatus.FAILED_PRECONDITION);
  assert.match(endorse.message, /elsewhere/);
});

test('a chaincode the channel does not run is FAILED_PRECONDITION from both calls', async () => {
  const { endorser, chaincode } = endorserAnswering();
  const { evaluate, endorse } = await bothRefusals(endorser, proposal({ chaincodeName: 'basic' }).signedProposal);
  assert.equal(evaluate.code, grpcStatus.FAILED_PRECONDITION);
  assert.match(evaluate.message, /^no peers available to evaluate chaincode basic in channel citytrust/);
  assert.equal(endorse.code, grpcStatus.FAILED_PRECONDITION);
  assert.equal(chaincode.executed.length, 0);
});

/** Evaluate: FAILED_PRECONDITION "evaluate call to endorser returned error: …"; Endorse: ABORTED with the first endorser's detail. */
async function assertProposalRefused(signedProposal: peer.SignedProposal, expected: RegExp) {
  const { endorser, chaincode } = endorserAnswering();
  const { evaluate, endorse } = await bothRefusals(endorser, signedProposal);
  const firstDepartment = network.departments[0]!;
  assert.equal(evaluate.code, grpcStatus.FAILED_PRECONDITION, evaluate.message);
  assert.match(evaluate.message, /^evaluate call to endorser returned error: /);
  assert.match(evaluate.message, expected);
  assert.equal(evaluate.details.length, 1);
  assert.equal(evaluate.details[0]!.mspId, firstDepartment);
  assert.match(evaluate.details[0]!.message, expected);
  assert.equal(endorse.code, grpcStatus.ABORTED);
  assert.equal(endorse.message, 'failed to endorse transaction, see attached details for more info');
  assert.deepEqual(endorse.details.map((d) => d.mspId), [firstDepartment]);
  assert.match(endorse.details[0]!.message, expected);
  assert.equal(chaincode.executed.length, 0, 'a refused proposal never reaches the chaincode');
}

test('a creator whose MSP is not on the channel is refused (access denied)', async () => {
  await assertProposalRefused(proposal({}, stranger).signedProposal, /access denied.*StrangerMSP/);
});

test('a proposal whose signature does not verify is refused (access denied)', async () => {
  const { signedProposal } = proposal();
  signedProposal.setSignature(proposal().signedProposal.getSignature_asU8());
  await assertProposalRefused(signedProposal, /access denied: the proposal's signature does not verify/);
});

test('a peer may not propose transactions: only clients and admins satisfy the Writers policy', async () => {
  await assertProposalRefused(proposal({}, network.peer(1)).signedProposal, /neither a client nor an admin/);
  const { endorser } = endorserAnswering();
  assert.equal((await endorser.evaluate(proposal({}, network.admin(1)).signedProposal, [])).getStatus(), 200);
});

test('a transaction id that is not SHA-256(nonce ‖ creator) is refused', async () => {
  await assertProposalRefused(proposal({ txId: 'f'.repeat(64) }).signedProposal, /incorrectly formed transaction id f{64}/);
});

test('a transaction id already on the ledger is refused as a duplicate', async () => {
  const { signedProposal, txId } = proposal();
  const { endorser } = endorserAnswering(undefined, { isCommitted: async (id) => id === txId });
  const { evaluate, endorse } = await bothRefusals(endorser, signedProposal);
  assert.equal(evaluate.code, grpcStatus.FAILED_PRECONDITION);
  assert.equal(evaluate.message, `evaluate call to endorser returned error: duplicate transaction found [${txId}]`);
  assert.equal(endorse.code, grpcStatus.ABORTED);
  assert.equal(endorse.details[0]!.message, `duplicate transaction found [${txId}]`);
});

test('a chaincode error is UNKNOWN "chaincode response 500, …" from Evaluate and ABORTED with that detail from Endorse', async () => {
  const { endorser } = endorserAnswering(() => ({ status: 500, message: 'license 42 is revoked' }));
  const { evaluate, endorse } = await bothRefusals(endorser, proposal().signedProposal);
  assert.equal(evaluate.code, grpcStatus.UNKNOWN);
  assert.equal(evaluate.message, 'evaluate call to endorser returned error: chaincode response 500, license 42 is revoked');
  assert.deepEqual(evaluate.details, [{ mspId: network.departments[0], message: 'chaincode response 500, license 42 is revoked' }]);
  assert.equal(endorse.code, grpcStatus.ABORTED);
  assert.equal(endorse.message, 'failed to endorse transaction, see attached details for more info');
  assert.deepEqual(endorse.details, [{ mspId: network.departments[0], message: 'chaincode response 500, license 42 is revoked' }]);
});

test('with endorsing organisations named, a failure is reported for each of them', async () => {
  const { endorser } = endorserAnswering(() => ({ status: 500, message: 'no' }));
  const named = [network.departments[2]!, network.departments[1]!];
  const error = await refusal(endorser.endorse(proposal().signedProposal, named));
  assert.equal(error.code, grpcStatus.ABORTED);
  assert.equal(error.message, 'failed to collect enough transaction endorsements, see attached details for more info');
  assert.deepEqual(error.details.map((d) => d.mspId), named);
});

test('a chaincode that gives no answer is ABORTED from Evaluate (the peer failed, not the chaincode)', async () => {
  const { endorser } = endorserAnswering(() => {
    throw new Error('chaincode stream terminated');
  });
  const error = await refusal(endorser.evaluate(proposal().signedProposal, []));
  assert.equal(error.code, grpcStatus.ABORTED);
  assert.match(error.message, /^evaluate call to endorser returned error: error in simulation: .*chaincode stream terminated/);
});

test('an endorsing organisation that is not on the channel is UNAVAILABLE, naming it', async () => {
  const { endorser } = endorserAnswering();
  const error = await refusal(endorser.endorse(proposal().signedProposal, [network.departments[0]!, 'NoSuchMSP']));
  assert.equal(error.code, grpcStatus.UNAVAILABLE);
  assert.match(error.message, /failed to find any endorsing peers for org\(s\): NoSuchMSP/);
});

test('Evaluate passes over unknown target organisations, and refuses when none is known', async () => {
  const { endorser } = endorserAnswering();
  const response = await endorser.evaluate(proposal().signedProposal, ['NoSuchMSP', network.departments[1]!]);
  assert.equal(response.getStatus(), 200);
  const error = await refusal(endorser.evaluate(proposal().signedProposal, ['NoSuchMSP']));
  assert.equal(error.code, grpcStatus.FAILED_PRECONDITION);
  assert.match(error.message, /no peers available to evaluate chaincode citytrust in channel citytrust/);
});

test('Evaluate returns the chaincode\'s response from a simulation on committed state, and signs nothing', async () => {
  const state = new MemoryState();
  const { endorser, chaincode } = endorserAnswering(([fn, key]) => ({ payload: `${fn}(${key})` }), { state });
  const response = await endorser.evaluate(proposal({ args: ['get', 'license'] }).signedProposal, []);
  assert.equal(response.getStatus(), 200);
  assert.equal(Buffer.from(response.getPayload_asU8()).toString(), 'get(license)');
  assert.equal(chaincode.executed.length, 1);
  assert.equal(chaincode.executed[0]!.state, state);
  assert.equal(chaincode.executed[0]!.namespace, network.chaincodeName);
});

test('by default Endorse picks the smallest layout that satisfies MAJORITY: the first two of three departments', async () => {
  const { endorser, chaincode } = endorserAnswering(() => ({ payload: 'done', readWriteSet: written(), eventName: 'Registered' }));
  const { signedProposal, txId } = proposal({ args: ['register', 'citizen-1'] });
  const envelope = await endorser.endorse(signedProposal, []);
  assert.equal(chaincode.executed.length, 1, 'simulated once, whatever the number of endorsers');
  assert.equal(envelope.getSignature_asU8().length, 0, 'the client signs the prepared transaction');

  const action = endorsedAction(envelope);
  const responsePayloadBytes = action.getProposalResponsePayload_asU8();
  const endorsements = action.getEndorsementsList();
  assert.deepEqual(endorsements.map((e) => network.msps.deserialize(e.getEndorser_asU8()).mspId), network.departments.slice(0, 2));
  for (const endorsement of endorsements) {
    const endorser = network.msps.deserialize(endorsement.getEndorser_asU8());
    assert.ok(endorser.roles.has('peer'));
    // Checked with the key itself: the MSPs remember signatures the endorser made, so they would not re-check.
    assert.equal(await verifyLowS(endorser.publicKey, Buffer.concat([responsePayloadBytes, endorsement.getEndorser_asU8()]), endorsement.getSignature_asU8()), true);
  }
  assert.equal(network.endorsementPolicy.evaluate(endorsements.map((e) => network.msps.deserialize(e.getEndorser_asU8()))).satisfied, true);

  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes);
  assert.deepEqual(Buffer.from(responsePayload.getProposalHash_asU8()), unpackProposal(signedProposal).proposalHash);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  assert.equal(chaincodeAction.getChaincodeId()!.getName(), network.chaincodeName);
  assert.equal(chaincodeAction.getChaincodeId()!.getVersion(), network.description.chaincode.version);
  assert.equal(Buffer.from(chaincodeAction.getResponse()!.getPayload_asU8()).toString(), 'done');
  assert.deepEqual(Buffer.from(chaincodeAction.getResults_asU8()), Buffer.from(written().serializeBinary()));
  const event = peer.ChaincodeEvent.deserializeBinary(chaincodeAction.getEvents_asU8());
  assert.deepEqual([event.getEventName(), event.getTxId(), event.getChaincodeId()], ['Registered', txId, network.chaincodeName]);
  assert.equal(ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8()).getNsRwsetList().length, 1);
});

test('named endorsing organisations are used as given: the client takes responsibility for the policy', async () => {
  const { endorser } = endorserAnswering();
  const envelope = await endorser.endorse(proposal().signedProposal, [network.departments[2]!, network.departments[2]!]);
  assert.deepEqual(endorsedAction(envelope).getEndorsementsList().map((e) => network.msps.deserialize(e.getEndorser_asU8()).mspId), [network.departments[2]]);
});

test('the default layout follows the policy: ALL takes every department, a signature policy its named one', async () => {
  const layoutFor = async (endorsementPolicy: string) => {
    const policy = chaincodeEndorsementPolicy({ ...network.description, chaincode: { ...network.description.chaincode, endorsementPolicy } });
    const { endorser } = endorserAnswering(undefined, { endorsementPolicy: policy });
    const envelope = await endorser.endorse(proposal().signedProposal, []);
    return endorsedAction(envelope).getEndorsementsList().map((e) => network.msps.deserialize(e.getEndorser_asU8()).mspId);
  };
  assert.deepEqual(await layoutFor('ALL'), network.departments);
  assert.deepEqual(await layoutFor('ANY'), network.departments.slice(0, 1));
  assert.deepEqual(await layoutFor(`OR('${network.departments[2]}.peer')`), [network.departments[2]]);
});

test('qscc GetChainInfo is answered by Evaluate from the block store', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'endorser-qscc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openLedgerStore(dir, { log: () => undefined });
  t.after(() => store.close());
  const genesis = await newGenesisBlock(network.channelId, new common.Config(), network.orderer);
  await store.commitBlock(genesis);
  const next = await newSignedBlock(1, hashOfBlock(genesis), [], network.orderer);
  await store.commitBlock(next);

  const { endorser, chaincode } = endorserAnswering(undefined, { blocks: store });
  const response = await endorser.evaluate(proposal({ chaincodeName: 'qscc', args: ['GetChainInfo', network.channelId] }).signedProposal, []);
  assert.equal(response.getStatus(), 200);
  const info = common.BlockchainInfo.deserializeBinary(response.getPayload_asU8());
  assert.equal(info.getHeight(), 2);
  assert.deepEqual(Buffer.from(info.getCurrentblockhash_asU8()), hashOfBlock(next));
  assert.deepEqual(Buffer.from(info.getPreviousblockhash_asU8()), hashOfBlock(genesis));
  assert.equal(chaincode.executed.length, 0);

  const unknown = await refusal(endorser.evaluate(proposal({ chaincodeName: 'qscc', args: ['GetNothing', network.channelId] }).signedProposal, []));
  assert.equal(unknown.code, grpcStatus.UNKNOWN);
  assert.match(unknown.message, /^evaluate call to endorser returned error: chaincode response 400, requested function GetNothing not found/);
  const submitted = await refusal(endorser.endorse(proposal({ chaincodeName: 'qscc', args: ['GetChainInfo', network.channelId] }).signedProposal, []));
  assert.equal(submitted.code, grpcStatus.ABORTED);
  assert.match(submitted.details[0]!.message, /evaluate it, do not submit it/);
});
