import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { MemoryState } from '../chaincode-support/testing/memory-state';
import { channelMsps } from '../msp';
import { newGenesisBlock } from '../protoutil/block';
import { unpackProposal } from '../protoutil/proposal';
import { prepareTransaction, unpackTransaction } from '../protoutil/transaction';
import { validationCodeName } from '../protoutil/validation-code';
import { newSignedProposal, signPayload, signTransaction, type TestSigner } from '../testing/client-transactions';
import { readWriteSet, ScriptedChaincode, type NamespaceAccesses } from '../testing/scripted-chaincode';
import { newTestNetwork, testEndorser, type TestNetwork } from '../testing/test-network';
import { validateBlock, type ValidationContext } from './block-validator';

let network: TestNetwork;
let ns: string;

before(async () => {
  network = await newTestNetwork();
  ns = network.chaincodeName;
});
after(() => network.cleanup());

interface Built {
  readonly txId: string;
  /** The signed envelope bytes, as Submit would hand them to the orderer. */
  readonly bytes: Uint8Array;
  readonly prepared: common.Envelope;
}

/**
 * A transaction made the way a client makes one: a signed proposal, endorsed by the real
 * endorser (the chaincode answering with `access` as its read-write set), signed by the client.
 */
async function transaction(access: Omit<NamespaceAccesses, 'namespace'> & { namespace?: string }, options: { orgs?: string[]; signer?: TestSigner; state?: MemoryState } = {}): Promise<Built> {
  const signer = options.signer ?? network.client(0);
  const chaincode = new ScriptedChaincode(() => ({ readWriteSet: readWriteSet({ namespace: ns, ...access }) }));
  const endorser = testEndorser(network, { state: options.state ?? new MemoryState(), chaincode: () => chaincode });
  const { signedProposal, txId } = newSignedProposal(signer, { channelId: network.channelId, chaincodeName: ns, args: ['invoke'] });
  const prepared = await endorser.endorse(signedProposal, options.orgs ?? []);
  return { txId, prepared, bytes: signTransaction(signer, prepared) };
}

function context(state: MemoryState, overrides: Partial<ValidationContext> = {}): ValidationContext {
  return {
    channelId: network.channelId,
    namespace: ns,
    msps: network.msps,
    endorsementPolicy: network.endorsementPolicy,
    state,
    committedTxIds: async () => new Set(),
    ...overrides,
  };
}

async function codes(envelopes: readonly Uint8Array[], ctx: ValidationContext): Promise<string[]> {
  return (await validateBlock(envelopes, ctx)).map((v) => validationCodeName(v.code));
}

/** Takes a signed transaction apart, lets `change` edit its payload, and has the client sign it again. */
function resigned(built: Built, change: (payload: common.Payload) => void, signer = network.client(0)): Uint8Array {
  const payload = common.Payload.deserializeBinary(built.prepared.getPayload_asU8());
  change(payload);
  return signPayload(signer, payload);
}

/** Replaces the endorsements inside a transaction (and re-signs it as the client). */
function withEndorsements(built: Built, change: (endorsements: peer.Endorsement[]) => peer.Endorsement[]): Uint8Array {
  return resigned(built, (payload) => {
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = transaction.getActionsList()[0]!;
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction()!;
    endorsed.setEndorsementsList(change(endorsed.getEndorsementsList()));
    actionPayload.setAction(endorsed);
    action.setPayload(actionPayload.serializeBinary());
    transaction.setActionsList([action]);
    payload.setData(transaction.serializeBinary());
  });
}

test('a well-formed transaction endorsed by a majority of departments, reading current versions, is VALID', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'license', value: 'active' }]);
  const tx = await transaction({ reads: [{ key: 'license', version }, { key: 'absent' }], writes: [{ key: 'score', value: '700' }] });
  const [verdict] = await validateBlock([tx.bytes], context(state));
  assert.equal(verdict!.txId, tx.txId);
  assert.equal(verdict!.code, peer.TxValidationCode.VALID);
  assert.equal(verdict!.reason, undefined);
  assert.deepEqual(verdict!.writes?.map((ns) => [ns.namespace, ns.rwset.getWritesList().map((w) => w.getKey())]), [[ns, ['score']]], 'a valid verdict carries what the transaction writes');
});

test('a payload changed after the client signed it fails with BAD_CREATOR_SIGNATURE', async () => {
  const [a, b] = [await transaction({ writes: [{ key: 'k', value: 'a' }] }), await transaction({ writes: [{ key: 'k', value: 'b' }] })];
  const swapped = common.Envelope.deserializeBinary(a.bytes);
  swapped.setSignature(common.Envelope.deserializeBinary(b.bytes).getSignature_asU8());
  const flipped = common.Envelope.deserializeBinary(a.bytes);
  const signature = Buffer.from(flipped.getSignature_asU8());
  signature[signature.length - 1]! ^= 0x01;
  flipped.setSignature(signature);
  const unsigned = a.prepared.serializeBinary();
  assert.deepEqual(await codes([swapped.serializeBinary(), flipped.serializeBinary(), unsigned], context(new MemoryState())), [
    'BAD_CREATOR_SIGNATURE', 'BAD_CREATOR_SIGNATURE', 'BAD_CREATOR_SIGNATURE',
  ]);
});

test('a creator whose MSP is not on the channel fails with BAD_CREATOR_SIGNATURE, naming the MSP', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  const [department0, ...others] = network.crypto.departments;
  const withoutCreatorsMsp = channelMsps(others.map((d) => ({ mspId: d.mspId, rootCertificatesPem: [d.caCertificatePem], nodeOUs: true })));
  const [verdict] = await validateBlock([tx.bytes], context(new MemoryState(), { msps: withoutCreatorsMsp }));
  assert.equal(validationCodeName(verdict!.code), 'BAD_CREATOR_SIGNATURE');
  assert.match(verdict!.reason!, new RegExp(department0!.mspId));
});

test('a transaction id that is not SHA-256(nonce ‖ creator) fails with BAD_PROPOSAL_TXID, even when properly signed', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  const forged = resigned(tx, (payload) => {
    const header = payload.getHeader()!;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    channelHeader.setTxId('0'.repeat(64));
    header.setChannelHeader(channelHeader.serializeBinary());
  });
  assert.deepEqual(await codes([forged], context(new MemoryState())), ['BAD_PROPOSAL_TXID']);
});

test('a transaction id already on the ledger fails with DUPLICATE_TXID', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  const committed = new Set([tx.txId]);
  assert.deepEqual(await codes([tx.bytes], context(new MemoryState(), { committedTxIds: async (txIds) => new Set(txIds.filter((id) => committed.has(id))) })), ['DUPLICATE_TXID']);
});

test('the second copy of a transaction in one block fails with DUPLICATE_TXID', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  assert.deepEqual(await codes([tx.bytes, tx.bytes], context(new MemoryState())), ['VALID', 'DUPLICATE_TXID']);
});

test('one department\'s endorsement does not satisfy MAJORITY: ENDORSEMENT_POLICY_FAILURE', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] }, { orgs: [network.departments[0]!] });
  const [verdict] = await validateBlock([tx.bytes], context(new MemoryState()));
  assert.equal(validationCodeName(verdict!.code), 'ENDORSEMENT_POLICY_FAILURE');
  assert.ok(verdict!.reason);
});

test('an endorsement whose signature does not verify is dropped before the policy is evaluated', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] }, { orgs: network.departments.slice(0, 2) });
  assert.deepEqual(await codes([tx.bytes], context(new MemoryState())), ['VALID'], 'two of three departments is a majority');

  const forged = withEndorsements(tx, ([first, second]) => {
    // The second department's identity with the first department's signature.
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(second!.getEndorser_asU8());
    endorsement.setSignature(first!.getSignature_asU8());
    return [first!, endorsement];
  });
  const repeated = withEndorsements(tx, ([first]) => [first!, first!]);
  assert.deepEqual(await codes([forged], context(new MemoryState())), ['ENDORSEMENT_POLICY_FAILURE']);
  assert.deepEqual(await codes([repeated], context(new MemoryState())), ['ENDORSEMENT_POLICY_FAILURE'], 'one department endorsing twice counts once');
});

test('a read of a key changed since the simulation fails with MVCC_READ_CONFLICT', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'score', value: '700' }]);
  const readScore = await transaction({ reads: [{ key: 'score', version }], writes: [{ key: 'score', value: '710' }] });
  const readAbsent = await transaction({ reads: [{ key: 'newcomer' }], writes: [{ key: 'newcomer', value: 'x' }] });
  const readDeleted = await transaction({ reads: [{ key: 'score', version }] });
  state.commit([{ namespace: ns, key: 'score', value: '650' }, { namespace: ns, key: 'newcomer', value: 'first' }]);
  assert.deepEqual(await codes([readScore.bytes, readAbsent.bytes], context(state)), ['MVCC_READ_CONFLICT', 'MVCC_READ_CONFLICT']);
  state.commit([{ namespace: ns, key: 'score', value: undefined }]);
  assert.deepEqual(await codes([readDeleted.bytes], context(state)), ['MVCC_READ_CONFLICT']);
});

test('a read of a key written by an earlier valid transaction of the same block fails with MVCC_READ_CONFLICT', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'score', value: '700' }]);
  const first = await transaction({ reads: [{ key: 'score', version }], writes: [{ key: 'score', value: '710' }] });
  const second = await transaction({ reads: [{ key: 'score', version }], writes: [{ key: 'score', value: '720' }] });
  const blind = await transaction({ writes: [{ key: 'score', value: '730' }] });
  assert.deepEqual(await codes([first.bytes, second.bytes, blind.bytes], context(state)), ['VALID', 'MVCC_READ_CONFLICT', 'VALID']);
});

test('the writes of an invalid transaction do not conflict with later ones', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'score', value: '700' }]);
  const underEndorsed = await transaction({ writes: [{ key: 'score', value: '1' }] }, { orgs: [network.departments[0]!] });
  const reader = await transaction({ reads: [{ key: 'score', version }], writes: [{ key: 'score', value: '2' }] });
  assert.deepEqual(await codes([underEndorsed.bytes, reader.bytes], context(state)), ['ENDORSEMENT_POLICY_FAILURE', 'VALID']);
});

test('a key inserted into an exhausted range read fails with PHANTOM_READ_CONFLICT', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'a', value: '1' }, { namespace: ns, key: 'c', value: '3' }]);
  const ranged = await transaction({ ranges: [{ startKey: 'a', endKey: 'c', exhausted: true, reads: [{ key: 'a', version }] }], writes: [{ key: 'z', value: 'x' }] });
  assert.deepEqual(await codes([ranged.bytes], context(state)), ['VALID']);
  state.commit([{ namespace: ns, key: 'c', value: 'changed, but outside [a, c)' }]);
  assert.deepEqual(await codes([ranged.bytes], context(state)), ['VALID']);
  state.commit([{ namespace: ns, key: 'b', value: '2' }]);
  const [verdict] = await validateBlock([ranged.bytes], context(state));
  assert.equal(validationCodeName(verdict!.code), 'PHANTOM_READ_CONFLICT');
  assert.match(verdict!.reason!, /range/);
});

test('a range read that found nothing is VALID while the range stays empty, and a PHANTOM_READ_CONFLICT once a key appears in it', async () => {
  const state = new MemoryState();
  state.commit([{ namespace: ns, key: 'z', value: 'outside' }]);
  const empty = await transaction({ ranges: [{ startKey: 'a', endKey: 'c', exhausted: true, reads: [] }], writes: [{ key: 'b', value: 'its own write' }] });
  assert.deepEqual(await codes([empty.bytes], context(state)), ['VALID']);
  state.commit([{ namespace: ns, key: 'a', value: 'appeared' }]);
  assert.deepEqual(await codes([empty.bytes], context(state)), ['PHANTOM_READ_CONFLICT']);
});

test('a key deleted from, or updated within, a range read fails with PHANTOM_READ_CONFLICT', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'a', value: '1' }, { namespace: ns, key: 'b', value: '2' }]);
  const ranged = await transaction({ ranges: [{ startKey: 'a', endKey: '', exhausted: true, reads: [{ key: 'a', version }, { key: 'b', version }] }] });
  state.commit([{ namespace: ns, key: 'b', value: undefined }]);
  assert.deepEqual(await codes([ranged.bytes], context(state)), ['PHANTOM_READ_CONFLICT']);
  const again = await transaction({ ranges: [{ startKey: 'a', endKey: '', exhausted: true, reads: [{ key: 'a', version }] }] });
  state.commit([{ namespace: ns, key: 'a', value: 'updated' }]);
  assert.deepEqual(await codes([again.bytes], context(state)), ['PHANTOM_READ_CONFLICT']);
});

test('a range the chaincode stopped reading early is checked only up to the last key it read', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'a', value: '1' }, { namespace: ns, key: 'b', value: '2' }, { namespace: ns, key: 'd', value: '4' }]);
  const partial = await transaction({ ranges: [{ startKey: 'a', endKey: 'z', exhausted: false, reads: [{ key: 'a', version }, { key: 'b', version }] }] });
  state.commit([{ namespace: ns, key: 'c', value: 'after the last key read' }]);
  assert.deepEqual(await codes([partial.bytes], context(state)), ['VALID']);
  state.commit([{ namespace: ns, key: 'ab', value: 'between keys read' }]);
  assert.deepEqual(await codes([partial.bytes], context(state)), ['PHANTOM_READ_CONFLICT']);
});

test('a key an earlier transaction of the block inserts into a range read fails with PHANTOM_READ_CONFLICT', async () => {
  const state = new MemoryState();
  const version = state.commit([{ namespace: ns, key: 'a', value: '1' }]);
  const inserter = await transaction({ writes: [{ key: 'b', value: '2' }] });
  const ranged = await transaction({ ranges: [{ startKey: 'a', endKey: 'c', exhausted: true, reads: [{ key: 'a', version }] }] });
  assert.deepEqual(await codes([inserter.bytes, ranged.bytes], context(state)), ['VALID', 'PHANTOM_READ_CONFLICT']);
});

test('a write to another chaincode\'s namespace fails with ILLEGAL_WRITESET; reading it is allowed', async () => {
  const chaincode = new ScriptedChaincode(() => ({
    readWriteSet: readWriteSet({ namespace: ns, writes: [{ key: 'k', value: 'v' }] }, { namespace: 'lscc', writes: [{ key: 'citytrust', value: 'hijacked' }] }),
  }));
  const endorser = testEndorser(network, { state: new MemoryState(), chaincode: () => chaincode });
  const client = network.client(0);
  const { signedProposal } = newSignedProposal(client, { channelId: network.channelId, chaincodeName: ns, args: ['invoke'] });
  const illegal = signTransaction(client, await endorser.endorse(signedProposal, []));
  const reader = await transaction({ namespace: 'other', reads: [{ key: 'x' }] });
  assert.deepEqual(await codes([illegal, reader.bytes], context(new MemoryState())), ['ILLEGAL_WRITESET', 'VALID']);
});

test('endorsements of another proposal fail with INVALID_ENDORSER_TRANSACTION (Fabric: "proposal hash does not match")', async () => {
  const endorsed = await transaction({ writes: [{ key: 'k', value: 'endorsed' }] });
  const client = network.client(0);
  const { signedProposal } = newSignedProposal(client, { channelId: network.channelId, chaincodeName: ns, args: ['something', 'else'] });
  const endorsedAction = peer.ChaincodeActionPayload.deserializeBinary(
    peer.Transaction.deserializeBinary(common.Payload.deserializeBinary(endorsed.prepared.getPayload_asU8()).getData_asU8()).getActionsList()[0]!.getPayload_asU8(),
  ).getAction()!;
  const reused = signTransaction(client, prepareTransaction(unpackProposal(signedProposal), endorsedAction));
  const [verdict] = await validateBlock([reused], context(new MemoryState()));
  assert.equal(validationCodeName(verdict!.code), 'INVALID_ENDORSER_TRANSACTION');
  assert.match(verdict!.reason!, /proposal hash does not match/);
});

test('a CONFIG transaction after the genesis block fails with UNKNOWN_TX_TYPE', async () => {
  const genesis = await newGenesisBlock(network.channelId, new common.Config(), network.orderer);
  const configEnvelope = genesis.getData()!.getDataList_asU8()[0]!;
  assert.equal(unpackTransaction(configEnvelope).channelHeader.getType(), common.HeaderType.CONFIG);
  assert.deepEqual(await codes([configEnvelope], context(new MemoryState())), ['UNKNOWN_TX_TYPE']);
});

test('a header Fabric would not accept fails with BAD_COMMON_HEADER: a non-transaction type, or a non-zero epoch', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  const withChannelHeader = (change: (header: common.ChannelHeader) => void) => resigned(tx, (payload) => {
    const header = payload.getHeader()!;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    change(channelHeader);
    header.setChannelHeader(channelHeader.serializeBinary());
  });
  const message = withChannelHeader((h) => h.setType(common.HeaderType.MESSAGE));
  const epoch = withChannelHeader((h) => h.setEpoch(1));
  assert.deepEqual(await codes([message, epoch], context(new MemoryState())), ['BAD_COMMON_HEADER', 'BAD_COMMON_HEADER']);
});

test('a transaction for another channel fails with TARGET_CHAIN_NOT_FOUND; bytes that are no envelope with BAD_PAYLOAD', async () => {
  const tx = await transaction({ writes: [{ key: 'k', value: 'v' }] });
  const verdicts = await validateBlock([tx.bytes, Buffer.from([0xff, 0xff, 0xff])], context(new MemoryState(), { channelId: 'another-channel' }));
  assert.deepEqual(verdicts.map((v) => validationCodeName(v.code)), ['TARGET_CHAIN_NOT_FOUND', 'BAD_PAYLOAD']);
  assert.equal(verdicts[1]!.txId, '');
});
