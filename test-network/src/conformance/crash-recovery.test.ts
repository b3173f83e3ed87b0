import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Contract } from '@hyperledger/fabric-gateway';
import { hashChainProblems } from './block-hash-chain';
import { startConformanceNetwork, type ConformanceNetwork } from './conformance-network';
import { allBlocks, processedTransaction, text, validationCodeName } from './ledger-reads';

/**
 * Durability: a transaction whose commit status a client has seen VALID survives the ledger
 * being killed (SIGKILL, no shutdown code runs) in the middle of a load, and the ledger that
 * starts again on the same home serves it, keeps a verifiable chain and commits new work.
 */

let net: ConformanceNetwork;
before(async () => {
  net = await startConformanceNetwork('crash');
});
after(async () => {
  await net?.close();
});

const submitters = 8;
const loadMs = 2_000;

interface Acknowledged {
  readonly txId: string;
  readonly key: string;
  readonly value: string;
  readonly blockNumber: bigint;
}

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Submits puts one after another until `stop()` says so or the ledger stops answering; returns what was acknowledged VALID. */
async function submitUntilStopped(contract: Contract, worker: number, random: () => number, stop: () => boolean, failed: (what: string) => void): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  for (let i = 0; !stop(); i++) {
    const key = `crash/${worker}/${i}`;
    const value = random().toString(36).slice(2);
    try {
      const submitted = await contract.submitAsync('put', { arguments: [key, value] });
      const status = await submitted.getStatus();
      if (status.successful) acknowledged.push({ txId: status.transactionId, key, value, blockNumber: status.blockNumber });
      else failed(`${key}: ${validationCodeName(status.code)}`);
    } catch (error) {
      failed(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      return acknowledged;
    }
  }
  return acknowledged;
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

test('every transaction acknowledged VALID before a SIGKILL mid-load is on the restarted ledger, VALID, with its write; the chain verifies and new transactions commit', async (t) => {
  const seed = Number(process.env.CONFORMANCE_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed} (set CONFORMANCE_SEED=${seed} to repeat this run)`);
  const random = seededRandom(seed);
  const killAfterMs = Math.round(loadMs * (0.3 + 0.4 * random()));
  t.diagnostic(`${submitters} submitters for up to ${loadMs} ms; the ledger is killed after ${killAfterMs} ms`);

  const errorsBeforeKill: string[] = [];
  const errorsAfterKill: string[] = [];
  let killed = false;
  const started = Date.now();
  const load = Array.from({ length: submitters }, (_, worker) => {
    const department = net.departments[worker % net.departments.length]!;
    return submitUntilStopped(net.system(department), worker, seededRandom(seed + worker + 1), () => killed || Date.now() - started > loadMs,
      (what) => (killed ? errorsAfterKill : errorsBeforeKill).push(what));
  });
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  killed = true;
  await net.crash();
  const acknowledged = (await Promise.all(load)).flat();
  t.diagnostic(`${acknowledged.length} transactions acknowledged VALID before the kill; ${errorsAfterKill.length} calls failed after it`);
  assert.deepEqual(errorsBeforeKill, [], 'no call fails while the ledger is up');
  assert.ok(acknowledged.length >= submitters, `load was committed before the kill (${acknowledged.length} acknowledged)`);

  await net.restart();

  await inBatches(acknowledged, 16, async ({ txId, key, value, blockNumber }) => {
    const committed = await processedTransaction(net.qscc(), net.description.channel, txId);
    assert.equal(validationCodeName(committed.getValidationcode()), 'VALID', `transaction ${txId} (${key}, block ${blockNumber})`);
    assert.equal(text(await net.system().evaluateTransaction('get', key)), value, `the write of ${txId} at ${key}`);
  });
  assert.deepEqual(hashChainProblems(await allBlocks(net.network(), net.qscc(), net.description.channel)), []);
  const after = await (await net.system().submitAsync('put', { arguments: ['crash/after-restart', 'committed'] })).getStatus();
  assert.equal(validationCodeName(after.code), 'VALID');
  const lastAcknowledgedBlock = acknowledged.reduce((max, a) => (a.blockNumber > max ? a.blockNumber : max), 0n);
  assert.ok(after.blockNumber > lastAcknowledgedBlock, `the new transaction's block ${after.blockNumber} follows the acknowledged ones (last ${lastAcknowledgedBlock})`);
});
