import type * as grpc from '@grpc/grpc-js';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Context, Contract } from 'fabric-contract-api';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { ChaincodeConnection, SimulationResult } from './chaincode-connection';
import { connectChaincodeServer } from './connect-chaincode-server';
import { ChaincodeStreamClosedError, ChaincodeTimeoutError, ChaincodeUnreachableError } from './errors';
import { MemoryState } from './testing/memory-state';
import { plainReadWriteSet } from './testing/read-write-set';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';

// The shim logs every transaction at INFO to the console; the tests read outcomes, not logs.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'CRITICAL';

const CHANNEL = 'citychannel';
const NAMESPACE = 'citytrust';
const CHAINCODE_ID = 'citytrust_1.0:0123456789abcdef';
/** A fixed creator certificate: the shim parses it for `ctx.clientIdentity`; nothing checks its signature here. */
const CREATOR_PEM = `-----BEGIN CERTIFICATE-----
MIICGTCCAb+gAwIBAgIUdcbnNyxBLL5cU38LI5pBC5hAPY0wCgYIKoZIzj0EAwIw
YTELMAkGA1UEBhMCQ04xFzAVBgNVBAoMDkZpbmFuY2UgQnVyZWF1MQ8wDQYDVQQL
DAZjbGllbnQxKDAmBgNVBAMMH2NsZXJrQGZpbmFuY2UuY2l0eXRydXN0LmV4YW1w
bGUwIBcNMjYxMTIzMTc1NTIzWhgPMjEyNjEwMzAxNzU1MjNaMGExCzAJBgNVBAYT
AkNOMRcwFQYDVQQKDA5GaW5hbmNlIEJ1cmVhdTEPMA0GA1UECwwGY2xpZW50MSgw
JgYDVQQDDB9jbGVya0BmaW5hbmNlLmNpdHl0cnVzdC5leGFtcGxlMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAETFSwgame0BU/Rq0wHUEduY02QWABJSTCxB/54zc5
IicZx998DXXBCd77GHqRB1QrTjNboTcL5uoUXA22+mQPtaNTMFEwHQYDVR0OBBYE
FH9I+Ohf7c2GFl+vE2BdirbLtVboMB8GA1UdIwQYMBaAFH9I+Ohf7c2GFl+vE2Bd
irbLtVboMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAMsT9JXN
1Vh5zbPmRhreHq7YgQJDqYbBDmyBRLf13D4RAiBixOi3ct8FcEtRbCHTHqrOBI5u
xeBFiUb1XDKkOc5tTw==
-----END CERTIFICATE-----
`;

/** Places where a running transaction waits for the test, to control interleaving. */
const gates = new Map<string, { reached: () => void; release: Promise<void> }>();

function gate(name: string): { reached: Promise<void>; release: () => void } {
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  gates.set(name, { reached, release: new Promise<void>((resolve) => (release = resolve)) });
  return { reached: reachedPromise, release };
}

/**
 * A contract that exercises the stub API; plain methods, no decorators. Results are returned as
 * JSON strings: fabric-contract-api serialises strings as they are.
 */
class LedgerProbeContract extends Contract {
  constructor() {
    super('probe');
  }

  async get(ctx: Context, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getState(key)).toString();
  }

  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  async del(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  async readWriteRead(ctx: Context, key: string, value: string): Promise<string> {
    const before = Buffer.from(await ctx.stub.getState(key)).toString();
    await ctx.stub.putState(key, Buffer.from(value));
    const after = Buffer.from(await ctx.stub.getState(key)).toString();
    return JSON.stringify({ before, after });
  }

  async rangeKeys(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const keys: string[] = [];
    for await (const { key } of ctx.stub.getStateByRange(startKey, endKey)) keys.push(key);
    return JSON.stringify(keys);
  }

  async firstKey(ctx: Context, startKey: string, endKey: string): Promise<string> {
    const iterator = await ctx.stub.getStateByRange(startKey, endKey);
    const first = await iterator.next();
    await iterator.close();
    return first.value.key;
  }

  async page(ctx: Context, startKey: string, endKey: string, pageSize: string, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(startKey, endKey, Number(pageSize), bookmark);
    const keys: string[] = [];
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) keys.push(result.value.key);
    await iterator.close();
    return JSON.stringify({ keys, fetched: metadata.fetchedRecordsCount, bookmark: metadata.bookmark });
  }

  async pageThenPut(ctx: Context): Promise<void> {
    await ctx.stub.getStateByRangeWithPagination('a', 'z', 2, '');
    await ctx.stub.putState('after-page', Buffer.from('x'));
  }

  async assetsOf(ctx: Context, owner: string): Promise<string> {
    const attributes: string[][] = [];
    for await (const { key } of ctx.stub.getStateByPartialCompositeKey('asset', [owner])) {
      attributes.push(ctx.stub.splitCompositeKey(key).attributes);
    }
    return JSON.stringify(attributes);
  }

  async history(ctx: Context, key: string): Promise<string> {
    const modifications: { txId: string; value: string; isDelete: boolean; seconds: number }[] = [];
    for await (const m of ctx.stub.getHistoryForKey(key)) {
      modifications.push({ txId: m.txId, value: Buffer.from(m.value).toString(), isDelete: m.isDelete, seconds: Number(m.timestamp.seconds) });
    }
    return JSON.stringify(modifications);
  }

  async emit(ctx: Context, name: string, payload: string): Promise<void> {
    ctx.stub.setEvent(name, Buffer.from(payload));
  }

  async fail(_ctx: Context, message: string): Promise<void> {
    throw new Error(message);
  }

  async richQuery(ctx: Context): Promise<void> {
    await ctx.stub.getQueryResult('{"selector":{}}');
  }

  async privateData(ctx: Context): Promise<void> {
    await ctx.stub.getPrivateData('secrets', 'k');
  }

  async keyLevelEndorsement(ctx: Context): Promise<void> {
    await ctx.stub.setStateValidationParameter('k', Buffer.from('policy'));
  }

  async callOther(ctx: Context): Promise<void> {
    await ctx.stub.invokeChaincode('other', ['fn'], CHANNEL);
  }

  async waitAt(ctx: Context, name: string, key: string): Promise<string> {
    const value = Buffer.from(await ctx.stub.getState(key)).toString();
    const waiting = gates.get(name)!;
    waiting.reached();
    await waiting.release;
    await ctx.stub.putState(key, Buffer.from(`${value}+${name}`));
    return value;
  }
}

interface ChaincodeServerHandle {
  /** Drops the server and its streams, as a crashed chaincode would. */
  kill(): void;
}

async function startChaincodeServer(port: number): Promise<ChaincodeServerHandle> {
  // Loaded after the log level is set: the shim reads it when its loggers are created.
  const shim = require('fabric-shim') as typeof import('fabric-shim').Shim;
  const { JSONSerializer } = require('fabric-contract-api') as typeof import('fabric-contract-api');
  const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (...args: unknown[]) => import('fabric-shim').ChaincodeInterface;
  const chaincode = new ChaincodeFromContract([LedgerProbeContract], { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } }, {}, 'probe', '1.0');
  // Without tlsProps the shim serves plain text; its typings wrongly make them required.
  const options = { ccid: CHAINCODE_ID, address: `127.0.0.1:${port}` } as import('fabric-shim').ChaincodeServerOpts;
  const server = shim.server(chaincode, options);
  await server.start();
  return { kill: () => (server as unknown as { _server: grpc.Server })._server.forceShutdown() };
}


interface Harness {
  readonly connection: ChaincodeConnection;
  readonly server: ChaincodeServerHandle;
  readonly state: MemoryState;
  invoke(fn: string, ...args: string[]): Promise<SimulationResult>;
}

async function startHarness(t: TestContext): Promise<Harness> {
  const port = await freePort();
  const server = await startChaincodeServer(port);
  const connection = await connectChaincodeServer({ address: `127.0.0.1:${port}`, connectTimeoutMs: 5_000 });
  t.after(() => {
    connection.close();
    server.kill();
  });
  const state = new MemoryState();
  return { connection, server, state, invoke: (fn, ...args) => invoke(connection, state, newTxId(), fn, args) };
}

function invoke(connection: ChaincodeConnection, state: MemoryState, txId: string, fn: string, args: string[], timeoutMs?: number): Promise<SimulationResult> {
  const input = new peer.ChaincodeInput();
  input.setArgsList([fn, ...args].map((arg) => Buffer.from(arg)));
  return connection.execute({ channelId: CHANNEL, txId, namespace: NAMESPACE, signedProposal: signedProposal(txId, input), input, state, ...(timeoutMs ? { timeoutMs } : {}) });
}

function newTxId(): string {
  return randomBytes(32).toString('hex');
}

function signedProposal(txId: string, input: peer.ChaincodeInput): peer.SignedProposal {
  const creator = new msp.SerializedIdentity();
  creator.setMspid('FinanceMSP');
  creator.setIdBytes(Buffer.from(CREATOR_PEM));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator.serializeBinary());
  signatureHeader.setNonce(randomBytes(24));
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(CHANNEL);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(NAMESPACE);
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  signed.setSignature(Buffer.from('not checked by the chaincode'));
  return signed;
}

function payloadText(result: SimulationResult): string {
  return Buffer.from(result.response.getPayload_asU8()).toString();
}

function assertSuccess(result: SimulationResult): void {
  assert.equal(result.response.getStatus(), 200, result.response.getMessage());
}

function commitKeys(state: MemoryState, keys: string[]): void {
  state.commit(keys.map((key) => ({ namespace: NAMESPACE, key, value: `value of ${key}` })));
}

test('registers the chaincode under the id its server announces', async (t) => {
  const { connection } = await startHarness(t);
  assert.equal(connection.chaincodeId, CHAINCODE_ID);
});

test('get, put and delete appear in the read-write set with the committed versions read', async (t) => {
  const { state, invoke } = await startHarness(t);
  state.commit([{ namespace: NAMESPACE, key: 'license-1', value: 'active' }]);
  const version = state.commit([{ namespace: NAMESPACE, key: 'license-2', value: 'revoked' }]);

  const read = await invoke('get', 'license-2');
  assertSuccess(read);
  assert.equal(payloadText(read), 'revoked');
  assert.deepEqual(plainReadWriteSet(read.readWriteSet), [{ namespace: NAMESPACE, reads: [{ key: 'license-2', version }], writes: [], rangeQueries: [] }]);

  const missing = await invoke('get', 'license-9');
  assert.deepEqual(plainReadWriteSet(missing.readWriteSet)[0]!.reads, [{ key: 'license-9' }]);

  const put = await invoke('put', 'license-3', 'pending');
  assert.deepEqual(plainReadWriteSet(put.readWriteSet)[0]!.writes, [{ key: 'license-3', isDelete: false, value: 'pending' }]);

  const deleted = await invoke('del', 'license-1');
  assert.deepEqual(plainReadWriteSet(deleted.readWriteSet)[0]!.writes, [{ key: 'license-1', isDelete: true, value: '' }]);
});

test('a read after a write in the same transaction returns the committed value, as in Fabric', async (t) => {
  const { state, invoke } = await startHarness(t);
  const version = state.commit([{ namespace: NAMESPACE, key: 'score', value: '700' }]);
  const result = await invoke('readWriteRead', 'score', '650');
  assert.deepEqual(JSON.parse(payloadText(result)), { before: '700', after: '700' });
  const [ns] = plainReadWriteSet(result.readWriteSet);
  assert.deepEqual(ns!.reads, [{ key: 'score', version }]);
  assert.deepEqual(ns!.writes, [{ key: 'score', isDelete: false, value: '650' }]);
});

test('a range query returns every key, in order, across batches of 100, and records them for phantom checks', async (t) => {
  const { state, invoke } = await startHarness(t);
  const keys = Array.from({ length: 250 }, (_, i) => `permit-${String(i).padStart(3, '0')}`);
  commitKeys(state, [...keys, 'other']);
  const result = await invoke('rangeKeys', 'permit-', 'permit.');
  assertSuccess(result);
  assert.deepEqual(JSON.parse(payloadText(result)), keys);
  const [range] = plainReadWriteSet(result.readWriteSet)[0]!.rangeQueries;
  assert.equal(range!.startKey, 'permit-');
  assert.equal(range!.endKey, 'permit.');
  assert.equal(range!.exhausted, true);
  assert.deepEqual(range!.reads?.map((read) => read.key), keys);
});

test('a range closed early records what the peer read: the first batch and one result ahead', async (t) => {
  const { state, invoke } = await startHarness(t);
  const keys = Array.from({ length: 250 }, (_, i) => `permit-${String(i).padStart(3, '0')}`);
  commitKeys(state, keys);
  const result = await invoke('firstKey', 'permit-', 'permit.');
  assert.equal(payloadText(result), 'permit-000');
  const [range] = plainReadWriteSet(result.readWriteSet)[0]!.rangeQueries;
  assert.equal(range!.exhausted, false);
  assert.equal(range!.endKey, 'permit-100');
  assert.equal(range!.reads?.length, 101);
});

test('a paginated range returns pages with the fetched count and the next page\'s bookmark', async (t) => {
  const { state, invoke } = await startHarness(t);
  commitKeys(state, ['asset1', 'asset2', 'asset3', 'asset4', 'asset5', 'other']);

  const first = await invoke('page', 'asset', 'asset9', '2', '');
  assert.deepEqual(JSON.parse(payloadText(first)), { keys: ['asset1', 'asset2'], fetched: 2, bookmark: 'asset3' });
  const [firstRange] = plainReadWriteSet(first.readWriteSet)[0]!.rangeQueries;
  assert.deepEqual({ ...firstRange, reads: firstRange!.reads?.map((read) => read.key) }, { startKey: 'asset', endKey: 'asset2', exhausted: false, reads: ['asset1', 'asset2'] });

  const second = await invoke('page', 'asset', 'asset9', '2', 'asset3');
  assert.deepEqual(JSON.parse(payloadText(second)), { keys: ['asset3', 'asset4'], fetched: 2, bookmark: 'asset5' });
  assert.equal(plainReadWriteSet(second.readWriteSet)[0]!.rangeQueries[0]!.startKey, 'asset3', 'the bookmark is where the page starts');

  const last = await invoke('page', 'asset', 'asset9', '2', 'asset5');
  assert.deepEqual(JSON.parse(payloadText(last)), { keys: ['asset5'], fetched: 1, bookmark: '' });
  const [lastRange] = plainReadWriteSet(last.readWriteSet)[0]!.rangeQueries;
  assert.deepEqual([lastRange!.endKey, lastRange!.exhausted], ['asset9', true]);
});

test('a transaction that writes after a paginated query fails, as Fabric allows pages only in read-only transactions', async (t) => {
  const { invoke } = await startHarness(t);
  const result = await invoke('pageThenPut');
  assert.equal(result.response.getStatus(), 500);
  assert.match(result.response.getMessage(), /PUT_STATE failed: .*paginated quer.*read-only/);
});

test('a partial composite key query ranges over the composite prefix', async (t) => {
  const { state, invoke } = await startHarness(t);
  const compositeKey = (...parts: string[]) => `\u0000${parts.map((part) => `${part}\u0000`).join('')}`;
  commitKeys(state, [compositeKey('asset', 'alice', 'a1'), compositeKey('asset', 'alice', 'a2'), compositeKey('asset', 'bob', 'b1'), 'alice']);
  const result = await invoke('assetsOf', 'alice');
  assert.deepEqual(JSON.parse(payloadText(result)), [
    ['alice', 'a1'],
    ['alice', 'a2'],
  ]);
  const [range] = plainReadWriteSet(result.readWriteSet)[0]!.rangeQueries;
  assert.equal(range!.startKey, compositeKey('asset', 'alice'));
  assert.equal(range!.endKey, `${compositeKey('asset', 'alice')}\u{10FFFF}`);
  assert.equal(range!.reads?.length, 2);
});

test('key history comes newest first and is not part of the read-write set', async (t) => {
  const { state, invoke } = await startHarness(t);
  state.commit([{ namespace: NAMESPACE, key: 'license', value: 'issued' }], 'tx-issue');
  state.commit([{ namespace: NAMESPACE, key: 'license', value: 'renewed' }], 'tx-renew');
  state.commit([{ namespace: NAMESPACE, key: 'license', value: undefined }], 'tx-revoke');
  const result = await invoke('history', 'license');
  assertSuccess(result);
  assert.deepEqual(
    JSON.parse(payloadText(result)).map(({ txId, value, isDelete }: { txId: string; value: string; isDelete: boolean }) => [txId, value, isDelete]),
    [
      ['tx-revoke', '', true],
      ['tx-renew', 'renewed', false],
      ['tx-issue', 'issued', false],
    ],
  );
  assert.equal(result.readWriteSet.getNsRwsetList().length, 0);
});

test('the chaincode event carries the chaincode name and transaction id, filled in by the peer', async (t) => {
  const { connection, state } = await startHarness(t);
  const txId = newTxId();
  const result = await invoke(connection, state, txId, 'emit', ['LicenseRevoked', '{"license":"1"}']);
  assert.equal(result.event?.getEventName(), 'LicenseRevoked');
  assert.equal(Buffer.from(result.event!.getPayload_asU8()).toString(), '{"license":"1"}');
  assert.equal(result.event?.getChaincodeId(), NAMESPACE);
  assert.equal(result.event?.getTxId(), txId);

  const quiet = await invoke(connection, state, newTxId(), 'put', ['k', 'v']);
  assert.equal(quiet.event, undefined);
});

test('a chaincode error answers status 500 with the chaincode\'s message', async (t) => {
  const { invoke } = await startHarness(t);
  const result = await invoke('fail', 'license 7 is revoked');
  assert.equal(result.response.getStatus(), 500);
  assert.equal(result.response.getMessage(), 'license 7 is revoked');
});

test('a chaincode that cannot run the transaction (an ERROR answer) gives status 500 with its message', async (t) => {
  const { connection, state } = await startHarness(t);
  const input = new peer.ChaincodeInput();
  input.setArgsList([Buffer.from('get'), Buffer.from('k')]);
  const unreadableProposal = new peer.SignedProposal();
  const result = await connection.execute({ channelId: CHANNEL, txId: newTxId(), namespace: NAMESPACE, signedProposal: unreadableProposal, input, state });
  assert.equal(result.response.getStatus(), 500);
  assert.match(result.response.getMessage(), /Proposal header is empty/);
});

test('refuses what the embedded ledger does not support, saying why', async (t) => {
  const { invoke } = await startHarness(t);
  const refusals: [string, RegExp][] = [
    ['richQuery', /GET_QUERY_RESULT failed: .*CouchDB/],
    ['privateData', /GET_STATE failed: .*private data \(collection "secrets"\)/],
    ['keyLevelEndorsement', /PUT_STATE_METADATA failed: .*key-level endorsement/],
    ['callOther', /INVOKE_CHAINCODE failed: .*chaincode-to-chaincode/],
  ];
  for (const [fn, message] of refusals) {
    const result = await invoke(fn);
    assert.equal(result.response.getStatus(), 500, fn);
    assert.match(result.response.getMessage(), message);
  }
});

test('many transactions run at once over one stream, each with its own simulation', async (t) => {
  const { state, invoke } = await startHarness(t);
  const count = 200;
  commitKeys(state, Array.from({ length: count }, (_, i) => `account-${i}`));
  const results = await Promise.all(Array.from({ length: count }, (_, i) => invoke('readWriteRead', `account-${i}`, `balance ${i}`)));
  results.forEach((result, i) => {
    assert.deepEqual(JSON.parse(payloadText(result)), { before: `value of account-${i}`, after: `value of account-${i}` });
    const [ns] = plainReadWriteSet(result.readWriteSet);
    assert.deepEqual(ns!.writes, [{ key: `account-${i}`, isDelete: false, value: `balance ${i}` }]);
  });
});

test('a waiting transaction does not hold up the others on the stream', async (t) => {
  const { state, invoke } = await startHarness(t);
  commitKeys(state, ['slow', 'fast']);
  const slowGate = gate('slow');
  const slow = invoke('waitAt', 'slow', 'slow');
  await slowGate.reached;
  const fast = await invoke('readWriteRead', 'fast', 'done');
  assertSuccess(fast);
  slowGate.release();
  const slowResult = await slow;
  assert.deepEqual(plainReadWriteSet(slowResult.readWriteSet)[0]!.writes, [{ key: 'slow', isDelete: false, value: 'value of slow+slow' }]);
});

test('connects to a chaincode server that starts after dialling began', async (t) => {
  const port = await freePort();
  const connecting = connectChaincodeServer({ address: `127.0.0.1:${port}`, connectTimeoutMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const server = await startChaincodeServer(port);
  const connection = await connecting;
  t.after(() => {
    connection.close();
    server.kill();
  });
  assert.equal(connection.chaincodeId, CHAINCODE_ID);
  assertSuccess(await invoke(connection, new MemoryState(), newTxId(), 'put', ['k', 'v']));
});

test('names the address when no chaincode server answers in time', async () => {
  const port = await freePort();
  const started = Date.now();
  await assert.rejects(connectChaincodeServer({ address: `127.0.0.1:${port}`, connectTimeoutMs: 400 }), (err: unknown) => {
    assert.ok(err instanceof ChaincodeUnreachableError);
    assert.match(err.message, new RegExp(`chaincode server at 127\\.0\\.0\\.1:${port} did not register within 400 ms`));
    return true;
  });
  assert.ok(Date.now() - started < 3_000, 'gives up soon after the timeout');
});

test('a lost chaincode server settles `closed` with the reason and fails transactions under way and later', async (t) => {
  const { connection, server, state } = await startHarness(t);
  commitKeys(state, ['k']);
  const lostGate = gate('lost');
  const underWay = invoke(connection, state, newTxId(), 'waitAt', ['lost', 'k']);
  await lostGate.reached;
  server.kill();

  await assert.rejects(underWay, ChaincodeStreamClosedError);
  const reason = await connection.closed;
  assert.ok(reason instanceof ChaincodeStreamClosedError);
  assert.match(reason.message, new RegExp(`chaincode ${CHAINCODE_ID} at 127\\.0\\.0\\.1:\\d+ is closed`));
  await assert.rejects(invoke(connection, state, newTxId(), 'get', ['k']), ChaincodeStreamClosedError);
  lostGate.release();
});

test('a transaction the chaincode does not finish in time rejects, and the stream goes on', async (t) => {
  const { connection, state } = await startHarness(t);
  commitKeys(state, ['k']);
  const slowGate = gate('timeout');
  const txId = newTxId();
  const slow = invoke(connection, state, txId, 'waitAt', ['timeout', 'k'], 200);
  await slowGate.reached;
  await assert.rejects(invoke(connection, state, txId, 'get', ['k']), /already executing/);
  await assert.rejects(slow, ChaincodeTimeoutError);
  slowGate.release();
  assertSuccess(await invoke(connection, state, newTxId(), 'get', ['k']));
});

test('close() settles `closed` without an error and refuses further transactions', async (t) => {
  const { connection, state } = await startHarness(t);
  connection.close();
  assert.equal(await connection.closed, undefined);
  await assert.rejects(invoke(connection, state, newTxId(), 'get', ['k']), /closed: the ledger closed it/);
});
