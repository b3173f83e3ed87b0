/**
 * `npm run bench:trails-index [-- --json] [-- --trails N] [-- --seed S]`: the off-chain index's
 * figures on the embedded ledger and an embedded Postgres with durable commits.
 *
 * - Replay from block 0: N real share trails (default 20,000) are recorded through the trail
 *   contract (`trail:recordAccess`, each sealed by its department's registered key and checked by
 *   the chaincode against the catalog and a legal basis), 10,000 of them about one person; then a
 *   fresh index replays them all. Goal ≥ 5,000 tx/s. Recording the trails is the slow part of the
 *   run (each endorser verifies an SM2 seal): about a minute for the default on the 2-core machine.
 * - A citizen's log page for that person with 10,000 entries: 1,000 pages of 50, picked at
 *   random (seeded): the first page, a page deep in by cursor, narrowed by department, item or a
 *   window of 1/365 of the time the trails took to record (as a day is of a year). Goal p99 ≤ 20 ms.
 * - `reconcile` over the same trails.
 *
 * Prints a table and, with --json, one JSON object of the figures as its last line.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { prepareBenchNetwork } from '@citytrust/test-network/dist/bench/bench-network';
import { summariseLatencies } from '@citytrust/test-network/dist/bench/latency-summary';
import { newSeed, seededRandom } from '@citytrust/test-network/dist/bench/seeded-random';
import type { DataSubject, ShareTrailRecord, StoredShareTrail } from '@citytrust/shared';
import { openLedgerClient } from '@citytrust/network-config';
import { newTrailQueries, type SubjectLogFilter } from './queries/trail-queries';
import { reconcileTrailIndex } from './reconcile/reconcile-index';
import { startTestPostgres } from './test-support/test-postgres';
import { dataItem, legalBasis, MARKET, person, registerSealKeys, shareTrail, type SealedTrails } from './test-support/trail-records';
import { startOffchainIndexer } from './trails-index/offchain-indexer';

const SUBJECT_ENTRIES = 10_000;
const PAGE = 50;
const QUERIES = 1_000;
const RECORD_CONCURRENCY = 64;
const PURPOSES = ['business-licence.review', 'credit-repair.review'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, trails: { type: 'string', default: '20000' }, seed: { type: 'string' } }, strict: true });
  const total = Number(values.trails);
  if (!Number.isInteger(total) || total < SUBJECT_ENTRIES) throw new Error(`--trails must be a whole number of at least ${SUBJECT_ENTRIES}, got ${values.trails}`);
  const random = seededRandom(values.seed === undefined ? newSeed() : Number(values.seed));
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  log(`seed ${random.seed} (--seed ${random.seed} repeats this run's query mix)`);

  const network = await prepareBenchNetwork();
  const postgres = await startTestPostgres({ durable: true });
  process.once('SIGINT', () => void network.down().then(() => postgres.close()).finally(() => process.exit(130)));
  try {
    const { up } = await network.start();
    const client = openLedgerClient({ description: network.description, crypto: up.crypto });
    const alice = person(0);
    const subjectOf = (n: number): DataSubject => (n < SUBJECT_ENTRIES ? alice : person(1 + (n % 1_000)));
    const sealed = await registerSealKeys(client);
    const catalog = await openCatalog(sealed);

    log(`recording ${total} sealed share trails through trail:recordAccess (${RECORD_CONCURRENCY} at a time) ...`);
    const recordStarted = performance.now();
    let next = 0;
    let last = { blockNumber: 0n, transactionId: '' };
    const aliceTimes: string[] = [];
    await Promise.all(Array.from({ length: RECORD_CONCURRENCY }, async () => {
      while (next < total) {
        const n = next++;
        const access = catalog.access(n, subjectOf(n));
        const trail = await sealed.submit<StoredShareTrail>(access.department, 'recordAccess', access);
        if (n < SUBJECT_ENTRIES) aliceTimes.push(trail.record.recordedAt);
        if (trail.blockNumber > last.blockNumber) last = { blockNumber: trail.blockNumber, transactionId: trail.transactionId };
      }
    }));
    const recordSeconds = (performance.now() - recordStarted) / 1000;

    // A full replay has written every record and read the highest block.
    const records = catalog.records + total;
    const replayStarted = performance.now();
    let replayEnded = 0;
    const indexer = await startOffchainIndexer({
      network: client.network(MARKET),
      chaincode: network.description.chaincode.name,
      pool: postgres.pool,
      onProgress: (p) => {
        if (p.checkpoint.blockNumber >= last.blockNumber && replayEnded === 0 && indexed() >= records) replayEnded = performance.now();
      },
    });
    const indexed = () => indexer.status().records;
    while (replayEnded === 0) await new Promise((r) => setTimeout(r, 5));
    const replaySeconds = (replayEnded - replayStarted) / 1000;
    const status = indexer.status();
    await indexer.stop();
    await postgres.pool.query('ANALYZE');

    const queries = newTrailQueries(postgres.pool);
    // The person's trails span the minutes they took to record, not a year: a window of 1/365 of
    // that span selects as few of them as a day's window of a year's would.
    aliceTimes.sort();
    const first = Date.parse(aliceTimes[0]!);
    const span = Date.parse(aliceTimes.at(-1)!) - first;
    const window = Math.max(1, Math.round(span / 365));
    const deepCursors: string[] = [];
    for (let after: string | undefined, i = 0; i < 40; i++) {
      const page = await queries.subjectTrails(alice, {}, { limit: 250, ...(after ? { after } : {}) });
      after = page.next ?? undefined;
      if (after) deepCursors.push(after);
    }
    const filters: Array<() => [SubjectLogFilter, string | undefined]> = [
      () => [{}, undefined],
      () => [{}, deepCursors[random.below(deepCursors.length)]],
      () => [{ department: MARKET }, undefined],
      () => [{ item: 'MR-ENT-PUBLIC' }, undefined],
      () => {
        const from = first + random.below(Math.max(1, span - window));
        return [{ from: new Date(from).toISOString(), until: new Date(from + window).toISOString() }, undefined];
      },
    ];
    const latencies: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const [filter, after] = filters[random.below(filters.length)]!();
      const began = performance.now();
      await queries.subjectTrails(alice, filter, { limit: PAGE, ...(after ? { after } : {}) });
      latencies.push(performance.now() - began);
    }
    const page = summariseLatencies(latencies);

    const reconcileStarted = performance.now();
    const report = await reconcileTrailIndex({ network: client.network(MARKET), chaincode: network.description.chaincode.name, pool: postgres.pool });
    const reconcileSeconds = (performance.now() - reconcileStarted) / 1000;
    client.close();
    if (report.mismatches.length > 0 || report.problems.length > 0) throw new Error(`reconcile found ${report.mismatches.length} mismatches and problems ${report.problems.join('; ')} in an untouched index`);

    const figures = {
      trails: total,
      blocks: Number(last.blockNumber) + 1,
      recordTrailsPerSecond: Math.round(total / recordSeconds),
      recordSeconds: round(recordSeconds),
      replayTxPerSecond: Math.round(status.events / replaySeconds),
      replaySeconds: round(replaySeconds),
      citizenLogEntries: SUBJECT_ENTRIES,
      citizenLogPageP50Ms: round(page.p50Ms),
      citizenLogPageP99Ms: round(page.p99Ms),
      citizenLogPageMaxMs: round(page.maxMs),
      reconcileSeconds: round(reconcileSeconds),
      reconcileTrailsPerSecond: Math.round(report.ledgerRecords / reconcileSeconds),
      seed: random.seed,
      goals: { replayTxPerSecond: 5_000, citizenLogPageP99Ms: 20 },
    };
    log('');
    log('| figure | value | goal |');
    log('|---|---|---|');
    log(`| replay from block 0 (${status.events} transactions, ${figures.blocks} blocks) | ${figures.replayTxPerSecond} tx/s (${figures.replaySeconds} s) | ≥ 5,000 tx/s |`);
    log(`| citizen log page of ${PAGE}, ${SUBJECT_ENTRIES} entries, ${QUERIES} mixed pages | p50 ${figures.citizenLogPageP50Ms} ms, p99 ${figures.citizenLogPageP99Ms} ms | p99 ≤ 20 ms |`);
    log(`| reconcile over ${report.ledgerRecords} ledger records (${total} trails) | ${figures.reconcileSeconds} s (${figures.reconcileTrailsPerSecond}/s) | – |`);
    log(`| (set-up) sealed trail:recordAccess of the ${total} trails | ${figures.recordTrailsPerSecond} trails/s (${figures.recordSeconds} s) | – |`);
    if (values.json) console.log(JSON.stringify(figures));
  } finally {
    await network.down();
    await postgres.close();
  }
}

/**
 * Market Regulation's catalog as the trails use it: a conditional item and an unconditional one,
 * and a legal basis for the credit office for each purpose. `access(n, subject)` is the n-th
 * trail: one in four by Market Regulation itself (its unconditional item, no authorization), the
 * rest by the credit office under the basis of its purpose, every third about both items, so
 * that the department and item filters select.
 */
async function openCatalog(sealed: SealedTrails): Promise<{ records: number; access(n: number, subject: DataSubject): ShareTrailRecord }> {
  await sealed.submit(MARKET, 'registerDataItem', dataItem('MR-ENT-BASIC', 'conditional'));
  await sealed.submit(MARKET, 'registerDataItem', dataItem('MR-ENT-PUBLIC', 'unconditional'));
  const bases = new Map<string, string>();
  for (const purpose of PURPOSES) {
    const basis = await sealed.submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', legalBasis({ purpose, items: ['MR-ENT-BASIC', 'MR-ENT-PUBLIC'] }));
    bases.set(purpose, basis.record.authorizationId);
  }
  return {
    records: 2 + PURPOSES.length,
    access(n, subject) {
      const caseReference = `YWTB-2027-${String(n).padStart(6, '0')}`;
      if (n % 4 === 0) return shareTrail('', subject, { department: MARKET, items: ['MR-ENT-PUBLIC'], purpose: PURPOSES[0], caseReference });
      const purpose = PURPOSES[n % 5 === 0 ? 1 : 0];
      return shareTrail(bases.get(purpose)!, subject, { items: n % 3 === 0 ? ['MR-ENT-BASIC', 'MR-ENT-PUBLIC'] : ['MR-ENT-BASIC'], purpose, caseReference });
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
