import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { canonicalJson } from '@citytrust/shared';
import { openLedgerClient, type LedgerClient, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { CREDIT, ENTERPRISE, legalBasis, MARKET, person, registerSealKeys, sealedTrailJourney, shareTrail, storedShareTrail, type SealedTrails } from '../test-support/trail-records';
import { subjectReference, type LedgerPosition } from './ledger-record';
import { startOffchainIndexer, type IndexProgress, type OffchainIndexer, type OffchainIndexerOptions } from './offchain-indexer';

/**
 * The indexer's contract, on the embedded ledger and a real Postgres: every trail record from
 * block 0, with its block and transaction; data and checkpoint in one transaction; idempotent
 * replay; invalid transactions skipped; reconnection after the ledger restarts. Every record
 * comes through the trail contract, sealed: the journey's, then accesses under a live legal basis
 * (`liveBasis`), each test about subjects of its own.
 */
let home: string;
let description: NetworkDescription;
let client: LedgerClient;
let trails: SealedTrails;
let liveBasis: string;
let postgres: TestPostgres;
let journey: Awaited<ReturnType<typeof sealedTrailJourney>>;
const suiteNetworkFile = process.env.CITYTRUST_NETWORK;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'citytrust-indexer-'));
  const written = await writeTestNetworkDescription(home);
  description = written.description;
  process.env.CITYTRUST_NETWORK = written.path;
  const [{ crypto }, pg] = await Promise.all([upEmbeddedNetwork({ home, description }), startTestPostgres()]);
  postgres = pg;
  client = openLedgerClient({ description, crypto });
  trails = await registerSealKeys(client);
  journey = await sealedTrailJourney(trails);
  liveBasis = (await trails.submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', legalBasis())).record.authorizationId;
});

after(async () => {
  client?.close();
  await postgres?.close();
  if (suiteNetworkFile === undefined) delete process.env.CITYTRUST_NETWORK;
  else process.env.CITYTRUST_NETWORK = suiteNetworkFile;
  await downEmbeddedNetwork(home).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

/** Starts an indexer that records its progress; `until` waits for a committed batch to satisfy a condition. */
async function indexer(maxBatch?: number, network: OffchainIndexerOptions['network'] = client.network(MARKET)): Promise<OffchainIndexer & { progress: IndexProgress[]; until(done: (p: IndexProgress) => boolean, what: string): Promise<void> }> {
  const progress: IndexProgress[] = [];
  const waiters: Array<() => void> = [];
  const started = await startOffchainIndexer({
    network,
    chaincode: description.chaincode.name,
    pool: postgres.pool,
    retry: { initialDelayMs: 50, maxDelayMs: 500 },
    ...(maxBatch ? { maxBatch } : {}),
    onProgress: (p) => {
      progress.push(p);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  return Object.assign(started, {
    progress,
    async until(done: (p: IndexProgress) => boolean, what: string) {
      const deadline = Date.now() + 20_000;
      while (!progress.some(done)) {
        if (Date.now() > deadline) throw new Error(`the indexer did not index ${what} within 20 s: ${JSON.stringify(started.status(), (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  });
}

const passed = (position: LedgerPosition) => (p: IndexProgress) =>
  p.checkpoint.blockNumber > position.blockNumber || (p.checkpoint.blockNumber === position.blockNumber && p.checkpoint.transactionId === position.transactionId);

async function tableDump(): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [table, key] of [['data_items', 'code'], ['authorizations', 'authorization_id'], ['share_trails', 'trail_id'], ['objections', 'trail_id']]) {
    dump[table!] = (await postgres.pool.query(`SELECT * FROM offchain.${table} ORDER BY ${key}`)).rows;
  }
  return dump;
}

async function resetCheckpoint(): Promise<void> {
  await postgres.pool.query(`UPDATE offchain.checkpoints SET block_number = 0, transaction_id = ''`);
}

describe('indexing the ledger\'s trail records', () => {
  test('a fresh database replays from block 0: every record of a sealed journey, its latest version, with its block and transaction', async () => {
    const running = await indexer();
    try {
      await running.until(passed(journey.end), 'the journey');
      assert.equal(running.progress[0]!.checkpoint.blockNumber >= 0n, true);
    } finally {
      await running.stop();
    }
    const trails = (await postgres.pool.query('SELECT trail_id, department, subject, outcome, refusal_check, authorization_id, record, transaction_id, block_number FROM offchain.share_trails WHERE subject = $1 ORDER BY recorded_at',
      [subjectReference(ENTERPRISE)])).rows;
    assert.deepEqual(trails.map((t) => [t.trail_id, t.outcome, t.refusal_check, t.subject]), [
      [journey.granted.trailId, 'granted', null, subjectReference(ENTERPRISE)],
      [journey.refused.trailId, 'refused', 'authorization_revoked', subjectReference(ENTERPRISE)],
    ]);
    assert.equal(trails[0].transaction_id, journey.granted.trailId, 'a trail is indexed with the transaction that recorded it');
    assert.deepEqual(JSON.parse(trails[0].record), journey.granted, 'the row keeps the record as the ledger stores it');
    const authorization = (await postgres.pool.query('SELECT status, revocation_reason, transaction_id FROM offchain.authorizations WHERE authorization_id = $1', [journey.basis.authorizationId])).rows;
    assert.deepEqual(authorization.map((a) => [a.status, a.revocation_reason]), [['revoked', '情形消失']], 'the revocation replaced the grant');
    assert.notEqual(authorization[0].transaction_id, journey.basis.authorizationId, 'with the revoking transaction as its position');
    const objection = (await postgres.pool.query('SELECT trail_id, status, answer_outcome, department FROM offchain.objections')).rows;
    assert.deepEqual(objection, [{ trail_id: journey.granted.trailId, status: 'answered', answer_outcome: 'justified', department: CREDIT }]);
    assert.deepEqual((await postgres.pool.query('SELECT code, owner FROM offchain.data_items')).rows, [{ code: 'MR-ENT-BASIC', owner: MARKET }]);
  });

  test('replaying every block again changes nothing, and an older version never replaces a newer one', async () => {
    // The last record on the ledger, so that both passes read every block.
    const last = await trails.submit(CREDIT, 'recordAccess', shareTrail(liveBasis, person(3)));
    const first = await indexer();
    try {
      await first.until(passed(last), 'every block');
    } finally {
      await first.stop();
    }
    const before = await tableDump();
    await resetCheckpoint();
    // One event per transaction, so the grant is written again over its revocation, by SQL alone.
    const running = await indexer(1);
    try {
      await running.until(passed(last), 'every block again');
    } finally {
      await running.stop();
    }
    assert.deepEqual(await tableDump(), before);
  });

  test('a batch whose checkpoint cannot be written leaves no row behind; after the fault it is indexed once', async () => {
    const running = await indexer();
    try {
      await postgres.pool.query(`CREATE FUNCTION offchain.refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'checkpoint write refused by the test'; END $$;
        CREATE TRIGGER refuse_checkpoint BEFORE UPDATE ON offchain.checkpoints FOR EACH ROW EXECUTE FUNCTION offchain.refuse_checkpoint();`);
      const trail = await trails.submit<{ trailId: string }>(CREDIT, 'recordAccess', shareTrail(liveBasis, person(1)));
      await waitFor(() => running.status().retries >= 1 && /checkpoint write refused/.test(running.status().lastError ?? ''), 'a refused checkpoint');
      assert.equal((await postgres.pool.query('SELECT 1 FROM offchain.share_trails WHERE trail_id = $1', [trail.record.trailId])).rowCount, 0, 'the trail was rolled back with its checkpoint');
      await postgres.pool.query('DROP TRIGGER refuse_checkpoint ON offchain.checkpoints; DROP FUNCTION offchain.refuse_checkpoint()');
      await running.until(passed(trail), 'the trail after the fault');
      assert.deepEqual((await postgres.pool.query('SELECT block_number, transaction_id FROM offchain.share_trails WHERE trail_id = $1', [trail.record.trailId])).rows,
        [{ block_number: trail.blockNumber.toString(), transaction_id: trail.transactionId }]);
    } finally {
      await running.stop();
    }
  });

  test('the trail of a transaction invalidated at commit is never indexed', async () => {
    const running = await indexer();
    try {
      // Endorsed by the credit office alone: the endorsement policy wants a majority, so the
      // transaction is ordered into a block but invalidated (ENDORSEMENT_POLICY_FAILURE).
      const lone = client.contract(CREDIT, 'trail').newProposal('recordAccess', {
        arguments: trails.sealedArguments(CREDIT, shareTrail(liveBasis, person(2), { caseReference: 'YWTB-2027-000200' })),
        endorsingOrganizations: [CREDIT],
      });
      const invalid = await (await (await lone.endorse()).submit()).getStatus();
      assert.deepEqual([invalid.successful, invalid.code], [false, 10], 'code 10 is ENDORSEMENT_POLICY_FAILURE');
      const valid = await trails.submit<{ trailId: string }>(CREDIT, 'recordAccess', shareTrail(liveBasis, person(2), { caseReference: 'YWTB-2027-000201' }));
      assert.ok(valid.blockNumber >= invalid.blockNumber);
      await running.until(passed(valid), 'the valid trail');
      const rows = (await postgres.pool.query('SELECT trail_id FROM offchain.share_trails WHERE subject = $1', [subjectReference(person(2))])).rows;
      assert.deepEqual(rows, [{ trail_id: valid.record.trailId }]);
    } finally {
      await running.stop();
    }
  });

  test('a trail event whose payload is not a trail record is skipped and reported, and the index moves past it', async () => {
    // No such event can reach the ledger any more: only the trail contract sets `trail.*` events,
    // after checking the record, and the system contract may not use the name. The indexer keeps
    // its guard all the same (a chaincode upgrade could get it wrong), so this feeds its event
    // handling a stream of its own: a malformed `trail.access` event, then a trail record.
    const stream = fakeChaincodeEvents('fake-channel', [
      { eventName: 'trail.access', payload: '{"department":"MarketRegulationMSP"}' },
      { eventName: 'trail.access', payload: canonicalJson(storedShareTrail(5, person(5), new Date())) },
    ]);
    const running = await indexer(undefined, stream.network);
    try {
      const [bad, good] = stream.events;
      await running.until(passed(good!), 'past the malformed event');
      assert.deepEqual(running.progress.flatMap((p) => p.skipped), [{ transactionId: bad!.transactionId, reason: 'the trail.access payload has no string trailId' }]);
      assert.deepEqual([running.status().skipped, running.status().records], [1, 1]);
      assert.equal((await postgres.pool.query('SELECT 1 FROM offchain.share_trails WHERE subject = $1', [subjectReference(person(5))])).rowCount, 1);
    } finally {
      await running.stop();
    }
  });

  test('after the ledger stops and starts again on the same home, the indexer reconnects with back-off and indexes new trails', async () => {
    const running = await indexer();
    try {
      await downEmbeddedNetwork(home);
      await waitFor(() => running.status().state === 'retrying', 'the indexer noticing the outage');
      const { crypto } = await upEmbeddedNetwork({ home, description });
      // A client of its own: the indexer's connection must recover on its own back-off.
      const submitter = openLedgerClient({ description, crypto });
      const trail = await trails.through(submitter).submit<{ trailId: string }>(CREDIT, 'recordAccess', shareTrail(liveBasis, person(4))).finally(() => submitter.close());
      await running.until(passed(trail), 'the trail after the restart');
      assert.ok(running.status().retries >= 1);
      assert.equal(running.status().state, 'streaming');
      assert.equal((await postgres.pool.query('SELECT 1 FROM offchain.share_trails WHERE trail_id = $1', [trail.record.trailId])).rowCount, 1);
    } finally {
      await running.stop();
    }
    assert.equal(running.status().state, 'stopped');
  });
});

/**
 * A channel whose chaincode events stream delivers `events` (numbered from block 1, one a block)
 * and then stays open until closed, as a caught-up ledger does.
 */
function fakeChaincodeEvents(channel: string, events: ReadonlyArray<{ eventName: string; payload: string }>) {
  const delivered: ChaincodeEvent[] = events.map((event, i) => ({
    chaincodeName: description.chaincode.name, blockNumber: BigInt(i + 1), transactionId: String(i + 1).padStart(64, '0'), eventName: event.eventName, payload: Buffer.from(event.payload),
  }));
  const network: OffchainIndexerOptions['network'] = {
    getName: () => channel,
    getChaincodeEvents: async (): Promise<CloseableAsyncIterable<ChaincodeEvent>> => {
      let close: () => void = () => undefined;
      const closed = new Promise<void>((resolve) => (close = resolve));
      return {
        async *[Symbol.asyncIterator]() {
          yield* delivered;
          await closed;
        },
        close,
        [Symbol.dispose]: close,
      };
    },
  };
  return { network, events: delivered };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
