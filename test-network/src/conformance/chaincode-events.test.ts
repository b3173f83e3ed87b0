import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointers, type ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { chainInfo, text } from './ledger-reads';

/**
 * Chaincode events through the Gateway's ChaincodeEvents stream: from a start block, and resumed
 * from a checkpoint without losing or repeating an event, as an off-chain listener relies on.
 */

interface Emitted {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly eventName: string;
  readonly payload: string;
}

let net: ConformanceNetwork;
let emitted: Emitted[];

before(async () => {
  net = await startConformanceNetwork('events');
  const contract = net.system();
  emitted = [];
  // One after another, so their order on the ledger is known; each is its own transaction.
  for (const [eventName, payload] of [['LicenceIssued', 'licence 1'], ['LicenceSuspended', 'licence 1'], ['LicenceIssued', 'licence 2']] as const) {
    const submitted = await contract.submitAsync('emit', { arguments: [eventName, payload] });
    const status = await submitted.getStatus();
    assert.equal(status.successful, true);
    emitted.push({ transactionId: status.transactionId, blockNumber: status.blockNumber, eventName, payload });
  }
});
after(async () => {
  await net?.close();
});

const summary = (event: ChaincodeEvent): Emitted => ({
  transactionId: event.transactionId,
  blockNumber: event.blockNumber,
  eventName: event.eventName,
  payload: text(event.payload),
});

/** The next `count` events of a stream's iterator, failing if they do not come within `timeoutMs`. */
async function take(iterator: AsyncIterator<ChaincodeEvent>, count: number, timeoutMs = 5_000): Promise<ChaincodeEvent[]> {
  const taken: ChaincodeEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (taken.length < count) {
    const next = await nextWithin(iterator, deadline - Date.now());
    if (next === 'timeout') throw new Error(`only ${taken.length} of ${count} events arrived within ${timeoutMs} ms`);
    if (next.done) throw new Error(`the stream ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

function nextWithin<T>(iterator: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(ms, 0))));
  return Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
}

test('events are delivered from a start block in ledger order, each with its transaction, block, name and payload', async () => {
  const events = await net.network().getChaincodeEvents(net.description.chaincode.name, { startBlock: emitted[0]!.blockNumber });
  try {
    assert.deepEqual((await take(events[Symbol.asyncIterator](), 3)).map(summary), emitted);
  } finally {
    events.close();
  }
});

test('a start block after an event\'s block leaves that event out', async () => {
  const events = await net.network().getChaincodeEvents(net.description.chaincode.name, { startBlock: emitted[1]!.blockNumber });
  try {
    assert.deepEqual((await take(events[Symbol.asyncIterator](), 2)).map(summary), emitted.slice(1));
  } finally {
    events.close();
  }
});

test('a listener that checkpoints the first event and resumes from the checkpoint receives exactly the other two', async () => {
  const checkpointer = checkpointers.inMemory();
  const first = await net.network().getChaincodeEvents(net.description.chaincode.name, { checkpoint: checkpointer, startBlock: emitted[0]!.blockNumber });
  try {
    const [event] = await take(first[Symbol.asyncIterator](), 1);
    assert.deepEqual(summary(event!), emitted[0]);
    await checkpointer.checkpointChaincodeEvent(event!);
  } finally {
    first.close();
  }
  assert.equal(checkpointer.getTransactionId(), emitted[0]!.transactionId);

  const resumed = await net.network().getChaincodeEvents(net.description.chaincode.name, { checkpoint: checkpointer });
  const iterator = resumed[Symbol.asyncIterator]();
  try {
    assert.deepEqual((await take(iterator, 2)).map(summary), emitted.slice(1));
    assert.equal(await nextWithin(iterator, 300), 'timeout', 'no further event: the first is not delivered again');
  } finally {
    resumed.close();
  }
});

test('the event of a transaction invalidated at commit is never delivered', async () => {
  const height = (await chainInfo(net.qscc(), net.description.channel)).getHeight();
  const events = await net.network().getChaincodeEvents(net.description.chaincode.name, { startBlock: BigInt(height) });
  try {
    const lone = await net.system().newProposal('emit', { arguments: ['LicenceForged', 'endorsed by one department'], endorsingOrganizations: [net.departments[0]!] }).endorse();
    const invalid = await (await lone.submit()).getStatus();
    assert.equal(invalid.successful, false);
    const valid = await (await net.system().submitAsync('emit', { arguments: ['LicenceIssued', 'licence 3'] })).getStatus();
    const [event] = await take(events[Symbol.asyncIterator](), 1);
    assert.deepEqual(summary(event!), { transactionId: valid.transactionId, blockNumber: valid.blockNumber, eventName: 'LicenceIssued', payload: 'licence 3' });
  } finally {
    events.close();
  }
});

test('a stream that starts at the current height waits for events committed after it was opened', async () => {
  const height = (await chainInfo(net.qscc(), net.description.channel)).getHeight();
  const events = await net.network().getChaincodeEvents(net.description.chaincode.name, { startBlock: BigInt(height) });
  try {
    const pending = take(events[Symbol.asyncIterator](), 1);
    const status = await (await net.system().submitAsync('emit', { arguments: ['LicenceRevoked', 'licence 2'] })).getStatus();
    const [event] = await pending;
    assert.deepEqual(summary(event!), { transactionId: status.transactionId, blockNumber: status.blockNumber, eventName: 'LicenceRevoked', payload: 'licence 2' });
  } finally {
    events.close();
  }
});
