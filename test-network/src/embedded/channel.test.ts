import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { common, peer } from '@hyperledger/fabric-protos';
import { Channel, ChannelUnavailableError, type LedgerLog } from './channel';
import type { ValidationContext } from './committer/block-validator';
import type { BlockCutting } from './orderer/block-cutter';
import { EnvelopeTooLargeError } from './orderer/block-cutter';
import { hashOfBlock, newGenesisBlock, transactionsFilter } from './protoutil/block';
import { openLedgerStore, type LedgerStore } from './storage';
import { newSignedProposal, signTransaction } from './testing/client-transactions';
import { readWriteSet, ScriptedChaincode } from './testing/scripted-chaincode';
import { newTestNetwork, testEndorser, type TestNetwork } from './testing/test-network';

let network: TestNetwork;

before(async () => {
  network = await newTestNetwork();
});
after(() => network.cleanup());

const cutting: BlockCutting = { maxMessageCount: 10, preferredMaxBytes: 1024 * 1024, absoluteMaxBytes: 64 * 1024, batchTimeoutMs: 20 };

interface Running {
  readonly channel: Channel;
  readonly store: LedgerStore;
  readonly logged: { event: string; fields: Record<string, unknown> | undefined }[];
}

/** A channel over a real ledger store in a temporary folder, holding the genesis block; closed and removed after the test. */
async function runningChannel(t: TestContext, options: { cutting?: Partial<BlockCutting>; validation?: Partial<ValidationContext>; log?: LedgerLog } = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'citytrust-channel-'));
  const store = await openLedgerStore(dir, { log: () => undefined });
  await store.commitBlock(await newGenesisBlock(network.channelId, new common.Config(), network.orderer));
  const logged: Running['logged'] = [];
  const channel = new Channel(store, {
    channelId: network.channelId,
    namespace: network.chaincodeName,
    msps: network.msps,
    endorsementPolicy: network.endorsementPolicy,
    state: store,
    committedTxIds: (txIds) => store.committedTxIds(txIds),
    ...options.validation,
  }, network.orderer, { ...cutting, ...options.cutting }, (event, fields) => {
    logged.push({ event, fields });
    options.log?.(event, fields);
  });
  t.after(async () => {
    await channel.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { channel, store, logged };
}

/** A client's signed transaction writing `key`, endorsed by the default (MAJORITY) layout or by `orgs`. */
async function signedTransaction(key: string, orgs: string[] = []): Promise<{ txId: string; bytes: Uint8Array }> {
  const chaincode = new ScriptedChaincode(() => ({ readWriteSet: readWriteSet({ namespace: network.chaincodeName, writes: [{ key, value: `value of ${key}` }] }) }));
  const endorser = testEndorser(network, { state: { get: async () => undefined, range: async function* () {}, history: async function* () {} }, chaincode: () => chaincode });
  const client = network.client(0);
  const { signedProposal, txId } = newSignedProposal(client, { channelId: network.channelId, chaincodeName: network.chaincodeName, args: ['put', key] });
  return { txId, bytes: signTransaction(client, await endorser.endorse(signedProposal, orgs)) };
}

test('commitStatus waits for the transaction\'s block and returns its record', async (t) => {
  const { channel, store } = await runningChannel(t);
  const tx = await signedTransaction('k1');
  const status = channel.commitStatus(tx.txId);
  channel.order(tx.bytes);
  assert.deepEqual(await status, { blockNum: 1, txNum: 0, validationCode: peer.TxValidationCode.VALID });
  assert.equal(Buffer.from((await store.get(network.chaincodeName, 'k1'))!.value).toString(), 'value of k1');
  assert.deepEqual(await channel.commitStatus(tx.txId), { blockNum: 1, txNum: 0, validationCode: peer.TxValidationCode.VALID }, 'a committed transaction answers at once');
});

test('an invalid transaction is committed with its validation code, and its writes are not applied', async (t) => {
  const { channel, store, logged } = await runningChannel(t);
  const underEndorsed = await signedTransaction('k2', [network.departments[0]!]);
  channel.order(underEndorsed.bytes);
  const record = await channel.commitStatus(underEndorsed.txId);
  assert.equal(record.validationCode, peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
  assert.equal(await store.get(network.chaincodeName, 'k2'), undefined);
  assert.ok(logged.some(({ event, fields }) => event === 'transaction invalid' && fields?.txId === underEndorsed.txId && fields.code === 'ENDORSEMENT_POLICY_FAILURE'));
});

test('transactions ordered together are committed in one block, in order, chained to the previous block', async (t) => {
  const { channel, store } = await runningChannel(t, { cutting: { maxMessageCount: 3, batchTimeoutMs: 60_000 } });
  const txs = await Promise.all(['a', 'b', 'c'].map((key) => signedTransaction(key)));
  for (const tx of txs) channel.order(tx.bytes);
  const records = await Promise.all(txs.map((tx) => channel.commitStatus(tx.txId)));
  assert.deepEqual(records.map((r) => [r.blockNum, r.txNum]), [[1, 0], [1, 1], [1, 2]]);
  const block = await store.block(1);
  assert.deepEqual([...transactionsFilter(block)], [0, 0, 0]);
  assert.deepEqual(Buffer.from(block.getHeader()!.getPreviousHash_asU8()), hashOfBlock(await store.block(0)));
});

test('blockAvailable resolves at once for a block the ledger holds, and on commit for the next one', async (t) => {
  const { channel } = await runningChannel(t);
  await channel.blockAvailable(0);
  let arrived = false;
  const next = channel.blockAvailable(1).then(() => (arrived = true));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(arrived, false);
  channel.order((await signedTransaction('k')).bytes);
  await next;
  assert.equal(channel.height, 2);
});

test('waits end with the reason when their signal aborts, even during the ledger lookup', async (t) => {
  const { channel } = await runningChannel(t);
  const controller = new AbortController();
  const block = channel.blockAvailable(5, controller.signal);
  const status = channel.commitStatus('0'.repeat(64), controller.signal);
  controller.abort(new Error('client went away'));
  await assert.rejects(block, /client went away/);
  await assert.rejects(status, /client went away/);
  await assert.rejects(channel.commitStatus('1'.repeat(64), controller.signal), /client went away/, 'an aborted signal ends a new wait at once');
  await assert.rejects(channel.blockAvailable(5, controller.signal), /client went away/);
});

test('an envelope larger than AbsoluteMaxBytes is refused at order', async (t) => {
  const { channel } = await runningChannel(t, { cutting: { absoluteMaxBytes: 100 } });
  assert.throws(() => channel.order(new Uint8Array(101)), EnvelopeTooLargeError);
});

test('after a failed commit the channel stops, and order says why and what to do', async (t) => {
  let failed!: () => void;
  const commitFailed = new Promise<void>((resolve) => (failed = resolve));
  const { channel } = await runningChannel(t, {
    validation: { committedTxIds: async () => { throw new Error('disk on fire'); } },
    log: (event) => event === 'commit failed' && failed(),
  });
  const tx = await signedTransaction('k');
  channel.order(tx.bytes);
  await commitFailed;
  assert.equal(channel.height, 1, 'nothing was committed');
  assert.throws(() => channel.order(tx.bytes), (error: unknown) =>
    error instanceof ChannelUnavailableError && /disk on fire/.test(error.message) && /restart/.test(error.message));
});

test('close commits what is pending, then refuses new transactions', async (t) => {
  const { channel, store } = await runningChannel(t, { cutting: { batchTimeoutMs: 60_000 } });
  const tx = await signedTransaction('k');
  channel.order(tx.bytes);
  await channel.close();
  assert.equal((await store.transaction(tx.txId))?.validationCode, peer.TxValidationCode.VALID);
  assert.throws(() => channel.order(tx.bytes), (error: unknown) => error instanceof ChannelUnavailableError && /shutting down/.test(error.message));
});
