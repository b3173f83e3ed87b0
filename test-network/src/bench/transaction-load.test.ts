import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Contract } from '@hyperledger/fabric-gateway';
import { runClosedLoop, runOpenLoop, type TransactionCall } from './transaction-load';

/** The part of a fabric-gateway Contract the load loops use, answering as `outcome` says per call. */
function fakeContract(outcome: (call: TransactionCall, n: number) => 'valid' | 'mvcc' | 'endorse error', delayMs = 2): { contract: Contract; calls: TransactionCall[] } {
  const calls: TransactionCall[] = [];
  const later = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  const contract = {
    async submitAsync(name: string, options: { arguments: string[] }) {
      const call = { name, arguments: options.arguments };
      const n = calls.push(call);
      await later();
      const result = outcome(call, n);
      if (result === 'endorse error') throw Object.assign(new Error('chaincode response 500, boom'), { name: 'EndorseError', code: 10 });
      return {
        async getStatus() {
          await later();
          return { successful: result === 'valid', code: result === 'valid' ? 0 : 11, transactionId: `tx${n}`, blockNumber: 1n };
        },
      };
    },
  };
  return { contract: contract as unknown as Contract, calls };
}

test('a closed loop counts VALID commits, invalid codes by name and errors by kind', async () => {
  const { contract, calls } = fakeContract((_call, n) => (n % 10 === 0 ? 'mvcc' : n % 10 === 5 ? 'endorse error' : 'valid'));
  let written = 0;
  const reading = await runClosedLoop(contract, () => ({ name: 'put', arguments: [`k${written++}`, 'v'] }), { concurrency: 4, seconds: 0.1 });
  const mvcc = reading.invalid.MVCC_READ_CONFLICT ?? 0;
  const errors = reading.errors['EndorseError ABORTED'] ?? 0;
  assert.ok(reading.committed > 0);
  assert.equal(reading.committed + mvcc + errors, calls.length, 'every submission is counted once');
  assert.ok(mvcc > 0 && errors > 0);
  assert.equal(reading.firstError, 'chaincode response 500, boom');
  assert.equal(reading.perSecond, reading.committed / reading.seconds);
  assert.ok(reading.p50Ms >= 4, 'latency spans submission and commit status');
  assert.match(reading.sampleTxId ?? '', /^tx\d+$/);
  assert.equal(new Set(calls.map((c) => c.arguments[0])).size, calls.length, 'each call asked the workload for its own transaction');
});

test('a closed loop keeps at most `concurrency` transactions in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const contract = {
    async submitAsync() {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { getStatus: async () => (inFlight--, { successful: true, code: 0, transactionId: 't', blockNumber: 1n }) };
    },
  } as unknown as Contract;
  await runClosedLoop(contract, () => ({ name: 'put', arguments: [] }), { concurrency: 3, seconds: 0.05 });
  assert.equal(most, 3);
});

test('an open loop submits at the offered rate whatever the answers take', async () => {
  const { contract, calls } = fakeContract(() => 'valid', 20);
  const reading = await runOpenLoop(contract, () => ({ name: 'put', arguments: ['k', 'v'] }), { perSecond: 200, seconds: 0.25 });
  assert.equal(calls.length, 50, '200/s for 0.25 s');
  assert.equal(reading.committed, 50);
  assert.equal(reading.skipped, 0);
  assert.equal(reading.offeredPerSecond, 200);
  assert.ok(reading.p50Ms >= 40, 'latency counts from when each transaction was due');
});

test('an open loop skips submissions, and says so, when too many are still in flight', async () => {
  const { contract, calls } = fakeContract(() => 'valid', 500);
  const reading = await runOpenLoop(contract, () => ({ name: 'put', arguments: ['k', 'v'] }), { perSecond: 400, seconds: 0.1, maxInFlight: 10 });
  assert.equal(calls.length, 10);
  assert.equal(reading.skipped, 30);
});
