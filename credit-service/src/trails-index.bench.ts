/**
 * `npm run bench:trails-index [-- --json] [-- --trails N] [-- --seed S]`: the off-chain index's
 * figures on the embedded ledger and an embedded Postgres with durable commits.
 *
 * - Replay from block 0: N share trails (default 20,000) are put on the ledger as `trail.access`
 *   chaincode events through `system:emit` (realistic stored-trail payloads with a seal's shape;
 *   sealing real trails through the trail contract would make the set-up, not the replay, the
 *   slow part), 10,000 of them about one person; then a fresh index replays them all. Goal ≥ 5,000 tx/s.
 * - A citizen's log page for that person with 10,000 entries: 1,000 pages of 50, picked at
 *   random (seeded): the first page, a page deep in by cursor, narrowed by department, item or a
 *   date window. Goal p99 ≤ 20 ms.
 * - `reconcile` over the same trails.
 *
 * Prints a table and, with --json, one JSON object of the figures as its last line.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { prepareBenchNetwork } from '@citytrust/test-network/dist/bench/bench-network';
import { summariseLatencies } from '@citytrust/test-network/dist/bench/latency-summary';
import { newSeed, seededRandom } from '@citytrust/test-network/dist/bench/seeded-random';
import { canonicalJson, type DataSubject } from '@citytrust/shared';
import { openLedgerClient } from '@citytrust/network-config';
import { newTrailQueries, type SubjectLogFilter } from './queries/trail-queries';
import { reconcileTrailIndex } from './reconcile/reconcile-index';
import { startTestPostgres } from './test-support/test-postgres';
import { CREDIT, MARKET, person, storedShareTrail } from './test-support/trail-records';
import { startTrailIndexer } from './trails-index/trail-indexer';

const SUBJECT_ENTRIES = 10_000;
const PAGE = 50;
const QUERIES = 1_000;
const EMIT_CONCURRENCY = 64;

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
    const system = client.contract(MARKET, 'system');
    const alice = person(0);
    const start = Date.UTC(2027, 0, 1);
    const subjectOf = (n: number): DataSubject => (n < SUBJECT_ENTRIES ? alice : person(1 + (n % 1_000)));

    log(`putting ${total} trail.access events on the ledger (system:emit, ${EMIT_CONCURRENCY} at a time) ...`);
    const emitStarted = performance.now();
    let next = 0;
    let last = { blockNumber: 0n, transactionId: '' };
    await Promise.all(Array.from({ length: EMIT_CONCURRENCY }, async () => {
      while (next < total) {
        const n = next++;
        // Spread over a year, one department in four not the credit office, so the filters select.
        const trail = storedShareTrail(n, subjectOf(n), new Date(start + n * 3_000), n % 4 === 0 ? { department: MARKET } : { department: CREDIT });
        const status = await (await system.submitAsync('emit', { arguments: ['trail.access', canonicalJson(trail)] })).getStatus();
        if (!status.successful) throw new Error(`emit ${n} was invalidated (code ${status.code})`);
        if (status.blockNumber > last.blockNumber) last = { blockNumber: status.blockNumber, transactionId: status.transactionId };
      }
    }));
    const emitSeconds = (performance.now() - emitStarted) / 1000;

    // The last event of the highest block is where a full replay ends.
    const replayStarted = performance.now();
    let replayEnded = 0;
    const indexer = await startTrailIndexer({
      network: client.network(MARKET),
      chaincode: network.description.chaincode.name,
      pool: postgres.pool,
      onProgress: (p) => {
        if (p.checkpoint.blockNumber >= last.blockNumber && replayEnded === 0 && indexed() >= total) replayEnded = performance.now();
      },
    });
    const indexed = () => indexer.status().records;
    while (replayEnded === 0) await new Promise((r) => setTimeout(r, 5));
    const replaySeconds = (replayEnded - replayStarted) / 1000;
    const status = indexer.status();
    await indexer.stop();
    await postgres.pool.query('ANALYZE');

    const queries = newTrailQueries(postgres.pool);
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
        const from = start + random.below(SUBJECT_ENTRIES * 3_000);
        return [{ from: new Date(from).toISOString(), until: new Date(from + 86_400_000).toISOString() }, undefined];
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
      emitTxPerSecond: Math.round(total / emitSeconds),
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
    log(`| reconcile over ${report.ledgerRecords} trails | ${figures.reconcileSeconds} s (${figures.reconcileTrailsPerSecond}/s) | – |`);
    log(`| (set-up) system:emit of the trails | ${figures.emitTxPerSecond} tx/s | – |`);
    if (values.json) console.log(JSON.stringify(figures));
  } finally {
    await network.down();
    await postgres.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
