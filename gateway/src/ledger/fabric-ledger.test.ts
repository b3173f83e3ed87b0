import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerClient, type LedgerClient, type NetworkCrypto, type NetworkDescription } from '@citytrust/network-config';
import { freePort, writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { ApiError, DependencyUnavailableError } from '../errors';
import { fabricLedger, LedgerRejectedError, type FabricLedgerOptions } from './fabric-ledger';
import type { Ledger, LedgerCall } from './ledger';

/** One embedded ledger for this file: its own home, free ports, and a client as the gateway opens it. */
interface TestLedger {
  readonly home: string;
  readonly description: NetworkDescription;
  readonly crypto: NetworkCrypto;
  readonly client: LedgerClient;
  readonly departments: readonly string[];
  /** A ledger over the shared client; `options` override the gateway's defaults. */
  ledger(options?: Partial<FabricLedgerOptions>): Ledger;
}

let network: TestLedger | undefined;
const suiteNetworkFile = process.env.CITYTRUST_NETWORK;

before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-fabric-ledger-'));
  try {
    const { path, description } = await writeTestNetworkDescription(home);
    // The ledger process reads its description from CITYTRUST_NETWORK in the environment it inherits.
    process.env.CITYTRUST_NETWORK = path;
    const { crypto } = await upEmbeddedNetwork({ home, description });
    const client = openLedgerClient({ description, crypto });
    const departments = description.departments.map((d) => d.mspId);
    network = {
      home,
      description,
      crypto,
      client,
      departments,
      ledger: (options = {}) => fabricLedger({ client, channel: description.channel, chaincode: description.chaincode.name, healthDepartment: departments[0]!, ...options }),
    };
  } catch (error) {
    await downEmbeddedNetwork(home).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
});

after(async () => {
  if (suiteNetworkFile === undefined) delete process.env.CITYTRUST_NETWORK;
  else process.env.CITYTRUST_NETWORK = suiteNetworkFile;
  if (!network) return;
  network.client.close();
  try {
    await downEmbeddedNetwork(network.home);
  } finally {
    rmSync(network.home, { recursive: true, force: true });
  }
});

function running(): TestLedger {
  if (!network) throw new Error('the embedded ledger did not start; see the before hook');
  return network;
}

function system(department: string, transaction: string, ...args: string[]): LedgerCall {
  return { department, contract: 'system', transaction, arguments: args };
}

/** A key no other test touches, so tests pass alone and in any order. */
function keyFor(test: string): string {
  return `fabric-ledger-test/${test}/${process.hrtime.bigint()}`;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('health', () => {
  test('a running ledger is reachable, and the detail names the channel and the address', async () => {
    const { description, client } = running();
    const health = await running().ledger().health();
    assert.equal(health.reachable, true, health.detail);
    assert.match(health.detail, new RegExp(`channel ${description.channel}\\b`));
    assert.ok(health.detail.includes(client.address), `"${health.detail}" names ${client.address}`);
    // The genesis block and the readiness transaction `up` waits for.
    assert.ok(health.height !== undefined && health.height >= 2, `height ${health.height} is at least 2`);
  });

  test('the height grows once a submission commits', async () => {
    const { departments } = running();
    const ledger = running().ledger();
    const before = (await ledger.health()).height ?? 0;
    const submitted = await ledger.submit(system(departments[0]!, 'put', keyFor('height'), 'v'));
    const after = (await ledger.health()).height ?? 0;
    assert.ok(after > before, `height ${before} → ${after}`);
    assert.ok(after > submitted.blockNumber, `height ${after} counts block ${submitted.blockNumber}`);
  });
});

describe('submit and evaluate', () => {
  test('a submission as a department returns its transaction id, block, validation code and result', async () => {
    const { departments } = running();
    const ledger = running().ledger();
    const key = keyFor('submit');
    const submitted = await ledger.submit(system(departments[0]!, 'increment', key));
    assert.match(submitted.transactionId, /^[0-9a-f]{64}$/);
    assert.ok(Number.isSafeInteger(submitted.blockNumber) && submitted.blockNumber >= 1, `block ${submitted.blockNumber}`);
    assert.equal(submitted.validationCode, 'VALID');
    assert.equal(text(submitted.result), '1', 'increment returns the new count');
  });

  test('what one department submits, another evaluates', async () => {
    const { departments } = running();
    const ledger = running().ledger();
    const key = keyFor('put-get');
    const put = await ledger.submit(system(departments[0]!, 'put', key, 'sealed record'));
    assert.equal(put.result.length, 0, 'put returns nothing');
    assert.equal(text(await ledger.evaluate(system(departments[1]!, 'get', key))), 'sealed record');
  });

  test('every department of the network can submit as its own client identity', async () => {
    const { departments } = running();
    const ledger = running().ledger();
    assert.equal(departments.length, 3);
    for (const department of departments) {
      const key = keyFor(department);
      const submitted = await ledger.submit(system(department, 'put', key, department));
      assert.equal(submitted.validationCode, 'VALID', department);
      assert.equal(text(await ledger.evaluate(system(department, 'get', key))), department);
    }
  });
});

describe('MVCC read conflicts', () => {
  /** Increments one key `count` times at once, from all departments in turn. */
  async function incrementBurst(ledger: Ledger, key: string, count: number) {
    const { departments } = running();
    return Promise.allSettled(Array.from({ length: count }, (_, i) => ledger.submit(system(departments[i % departments.length]!, 'increment', key))));
  }

  test('with n retries, n + 1 concurrent increments of one key all commit', async () => {
    const { departments } = running();
    for (const [retries, count] of [[undefined, 4], [11, 12]] as const) {
      const ledger = running().ledger(retries === undefined ? {} : { mvccRetries: retries });
      const key = keyFor(`burst-${count}`);
      const outcomes = await incrementBurst(ledger, key, count);
      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
      assert.deepEqual(failures, [], `${count} concurrent increments, mvccRetries ${retries ?? 'default'}`);
      assert.equal(text(await ledger.evaluate(system(departments[0]!, 'get', key))), String(count));
      const results = outcomes.map((o) => (o.status === 'fulfilled' ? Number(text(o.value.result)) : NaN)).sort((a, b) => a - b);
      assert.deepEqual(results, Array.from({ length: count }, (_, i) => i + 1), 'each increment saw a distinct count');
    }
  });

  test('without retries, a burst on one key loses to MVCC_READ_CONFLICT with a 409', async () => {
    const { departments } = running();
    const count = 10;
    const ledger = running().ledger({ mvccRetries: 0 });
    const key = keyFor('no-retries');
    const outcomes = await incrementBurst(ledger, key, count);
    const rejections = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    assert.ok(rejections.length > 0, `some of ${count} concurrent increments conflict`);
    for (const rejection of rejections) {
      assert.ok(rejection instanceof LedgerRejectedError, String(rejection));
      assert.equal(rejection.statusCode, 409);
      assert.equal(rejection.code, 'ledger_rejected');
      assert.equal(rejection.details?.validationCode, 'MVCC_READ_CONFLICT');
      assert.equal(rejection.details?.attempts, 1);
      assert.match(String(rejection.details?.transactionId), /^[0-9a-f]{64}$/);
      assert.match(rejection.message, /MVCC_READ_CONFLICT.*submit it again/);
    }
    const committed = count - rejections.length;
    assert.equal(text(await ledger.evaluate(system(departments[0]!, 'get', key))), String(committed), 'only the committed increments count');
  });
});

describe('chaincode errors', () => {
  test('evaluating a missing key is a 409 with the chaincode\'s reason', async () => {
    const { departments } = running();
    const key = keyFor('missing');
    await assert.rejects(running().ledger().evaluate(system(departments[0]!, 'get', key)), (error: unknown) => {
      assert.ok(error instanceof LedgerRejectedError, String(error));
      assert.equal(error.statusCode, 409);
      assert.equal(error.code, 'ledger_rejected');
      assert.ok(error.message.includes(`key "${key}" not found`), error.message);
      return true;
    });
  });

  test('a submission the chaincode refuses is a 409 with its reason, and nothing is written', async () => {
    const { departments } = running();
    const ledger = running().ledger();
    const key = keyFor('not-a-counter');
    await ledger.submit(system(departments[0]!, 'put', key, 'hello'));
    await assert.rejects(ledger.submit(system(departments[1]!, 'increment', key)), (error: unknown) => {
      assert.ok(error instanceof LedgerRejectedError, String(error));
      assert.equal(error.statusCode, 409);
      assert.equal(error.code, 'ledger_rejected');
      assert.ok(error.message.includes('not a counter'), error.message);
      return true;
    });
    assert.equal(text(await ledger.evaluate(system(departments[0]!, 'get', key))), 'hello');
  });
});

describe('an unreachable ledger', () => {
  /** A ledger whose client dials `address` with the network's real identities. */
  function ledgerAt(address: string, options: Partial<FabricLedgerOptions> = {}): Ledger {
    const { description, crypto, departments } = running();
    const client = openLedgerClient({ description, crypto, address });
    return fabricLedger({ client, channel: description.channel, chaincode: description.chaincode.name, healthDepartment: departments[0]!, ...options });
  }

  function assertUnavailable(error: unknown): true {
    assert.ok(error instanceof DependencyUnavailableError, String(error));
    assert.ok(error instanceof ApiError);
    assert.equal(error.statusCode, 503);
    assert.equal(error.code, 'ledger_unavailable');
    assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0, 'a 503 says when to retry');
    return true;
  }

  test('where nothing listens: health says unreachable at once, and calls are 503s', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const ledger = ledgerAt(address);
    try {
      const started = Date.now();
      const health = await ledger.health();
      assert.equal(health.reachable, false);
      assert.equal(health.height, undefined);
      assert.ok(health.detail.includes(address), health.detail);
      assert.match(health.detail, /ECONNREFUSED|UNAVAILABLE/);
      assert.ok(Date.now() - started < 3_000, `answered in ${Date.now() - started} ms`);
      const { departments } = running();
      await assert.rejects(ledger.submit(system(departments[0]!, 'put', keyFor('unreachable'), 'v')), assertUnavailable);
      await assert.rejects(ledger.evaluate(system(departments[0]!, 'get', keyFor('unreachable'))), assertUnavailable);
    } finally {
      await ledger.close();
    }
  });

  test('that accepts connections and never answers: health gives up after its timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const ledger = ledgerAt(`127.0.0.1:${port}`, { healthTimeoutMs: 300 });
    try {
      const started = Date.now();
      const health = await ledger.health();
      const elapsed = Date.now() - started;
      assert.equal(health.reachable, false);
      assert.match(health.detail, /DEADLINE_EXCEEDED|Deadline exceeded/i);
      assert.ok(elapsed >= 250 && elapsed < 3_000, `gave up after ${elapsed} ms`);
    } finally {
      await ledger.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
