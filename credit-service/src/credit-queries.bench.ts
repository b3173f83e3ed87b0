/**
 * `npm run bench:credit-queries [-- --json] [-- --subjects N] [-- --records M] [-- --sync-records K] [-- --seed S]`:
 * the credit half of the off-chain index at city scale.
 *
 * - Sync catch-up: K real credit records (default 3,000) are submitted through the credit
 *   contract on the embedded ledger (`credit:submitRecord`, each sealed by its department and
 *   evaluated by the chaincode, so each event carries the record and its evaluation), then a fresh
 *   index replays the ledger from block 0. Goal ≥ 5,000 records/s.
 * - A synthetic city written straight into the credit tables (`fillSyntheticCity`, seeded):
 *   N subjects (default 100,000) and M records (default 1,000,000); `--subjects 1000000
 *   --records 10000000` is the full city. Then, 1,000 each, seeded: a subject's profile (goal
 *   p99 ≤ 10 ms); a filtered list page of 50 (by grade, district and grade, industry, category,
 *   list, or a page deep by cursor; goal p99 ≤ 50 ms); and the grade distribution (city, a
 *   district, an industry; goal ≤ 1 s).
 *
 * Prints a table and, with --json, one JSON object of the figures as its last line.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { prepareBenchNetwork } from '@citytrust/test-network/dist/bench/bench-network';
import { summariseLatencies } from '@citytrust/test-network/dist/bench/latency-summary';
import { newSeed, seededRandom, type SeededRandom } from '@citytrust/test-network/dist/bench/seeded-random';
import { creditCategories, creditLists, creditGrades, usccCheckCharacter } from '@citytrust/shared';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import { openLedgerClient } from '@citytrust/network-config';
import { fillSyntheticCity, SYNTHETIC_DISTRICTS, SYNTHETIC_INDUSTRIES, syntheticSubjectUscc } from './credit-index/synthetic-city';
import { newCreditQueries, type CreditSubjectSearch } from './queries/credit-queries';
import { migrateOffchainSchema } from './schema/offchain-schema';
import { creditRecord, creditRules, sealedCredit } from './test-support/credit-records';
import { startTestPostgres } from './test-support/test-postgres';
import { MARKET, registerSealKeys } from './test-support/trail-records';
import { startOffchainIndexer } from './trails-index/offchain-indexer';

const SAMPLES = 1_000;
const PAGE = 50;
const SUBMIT_CONCURRENCY = 64;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false }, subjects: { type: 'string', default: '100000' }, records: { type: 'string', default: '1000000' },
      'sync-records': { type: 'string', default: '3000' }, seed: { type: 'string' },
    },
    strict: true,
  });
  const subjects = wholeNumber('--subjects', values.subjects, 100);
  const records = wholeNumber('--records', values.records, 1);
  const syncRecords = wholeNumber('--sync-records', values['sync-records'], 1);
  const random = seededRandom(values.seed === undefined ? newSeed() : Number(values.seed));
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  log(`seed ${random.seed} (--seed ${random.seed} repeats this run's city and query mix)`);

  const sync = await syncCatchUp(syncRecords, log);
  const city = await queriesAtScale(subjects, records, random, log);
  const figures = { ...sync, ...city, seed: random.seed, goals: { syncRecordsPerSecond: 5_000, profileP99Ms: 10, filteredListP99Ms: 50, distributionMaxMs: 1_000 } };
  log('');
  log('| figure | value | goal |');
  log('|---|---|---|');
  log(`| sync catch-up from block 0 (${sync.syncRecords} credit records, ${sync.syncRows} rows, ${sync.syncEvents} events) | ${sync.syncRecordsPerSecond} records/s (${sync.syncRows && Math.round(sync.syncRows / sync.syncSeconds)} rows/s, ${sync.syncSeconds} s) | ≥ 5,000 records/s |`);
  log(`| profile, ${subjects} subjects / ${records} records | p50 ${city.profileP50Ms} ms, p99 ${city.profileP99Ms} ms | p99 ≤ 10 ms |`);
  log(`| filtered list page of ${PAGE} | p50 ${city.filteredListP50Ms} ms, p99 ${city.filteredListP99Ms} ms | p99 ≤ 50 ms |`);
  log(`| grade distribution (city, district, industry) | max ${city.distributionMaxMs} ms (city ${city.distributionCityMs} ms) | ≤ 1 s |`);
  log(`| (set-up) synthetic city written | ${city.fillSeconds} s | – |`);
  log(`| (set-up) sealed credit:submitRecord, ${SUBMIT_CONCURRENCY} at a time | ${sync.submitRecordsPerSecond} records/s | – |`);
  if (values.json) console.log(JSON.stringify(figures));
}

/** Real credit events on the embedded ledger, then a fresh index replaying them from block 0. */
async function syncCatchUp(total: number, log: (line: string) => void) {
  const network = await prepareBenchNetwork();
  const postgres = await startTestPostgres({ durable: true });
  try {
    const { up } = await network.start();
    const client = openLedgerClient({ description: network.description, crypto: up.crypto });
    const credit = sealedCredit(client, await registerSealKeys(client));
    await creditRules(credit, exampleCreditModel());
    log(`submitting ${total} sealed credit records through credit:submitRecord (${SUBMIT_CONCURRENCY} at a time) ...`);
    const submitStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
      while (next < total) {
        const n = next++;
        // One subject per record: records about one subject meet on its evaluation key.
        await credit.submit(MARKET, 'submitRecord', creditRecord({ kind: 'enterprise', uscc: validUscc(n) }, 1 + (n % 300)));
      }
    }));
    const submitSeconds = (performance.now() - submitStarted) / 1000;

    // Each submitted record's event carries the record, its evaluation and the subject's standing; the model is one row more.
    const expectedRows = 3 * total + 1;
    const started = performance.now();
    let ended = 0;
    let rows = 0;
    const indexer = await startOffchainIndexer({
      network: client.network(MARKET),
      chaincode: network.description.chaincode.name,
      pool: postgres.pool,
      onProgress: (p) => {
        rows += p.records;
        if (ended === 0 && rows >= expectedRows) ended = performance.now();
      },
    });
    while (ended === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (ended - started) / 1000;
    const status = indexer.status();
    await indexer.stop();
    const creditRows = Number((await postgres.pool.query<{ n: string }>('SELECT count(*) AS n FROM offchain.credit_records')).rows[0]!.n);
    client.close();
    if (creditRows !== total) throw new Error(`the index holds ${creditRows} credit records after the replay, not the ${total} submitted`);
    return {
      syncRecords: total, syncEvents: status.events, syncRows: status.records, syncSeconds: round(seconds),
      syncRecordsPerSecond: Math.round(total / seconds), submitRecordsPerSecond: Math.round(total / submitSeconds),
    };
  } finally {
    await network.down();
    await postgres.close();
  }
}

async function queriesAtScale(subjects: number, records: number, random: SeededRandom, log: (line: string) => void) {
  const postgres = await startTestPostgres({ durable: true });
  try {
    await migrateOffchainSchema(postgres.pool);
    log(`writing a synthetic city of ${subjects} subjects and ${records} records ...`);
    const fillStarted = performance.now();
    await fillSyntheticCity(postgres.pool, { subjects, records, seed: random.seed });
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const queries = newCreditQueries(postgres.pool);
    const subjectNumber = () => 1 + random.below(subjects);

    const profile = await timed(SAMPLES, async () => {
      const found = await queries.profile({ kind: 'enterprise', uscc: syntheticSubjectUscc(subjectNumber()) });
      if (!found) throw new Error('a synthetic subject has no profile');
    });

    const deepCursors: string[] = [];
    for (let after: string | undefined, i = 0; i < 20; i++) {
      const page = await queries.searchSubjects({}, { limit: 500, ...(after ? { after } : {}) });
      after = page.next ?? undefined;
      if (after) deepCursors.push(after);
    }
    const pick = <T>(values: readonly T[]): T => values[random.below(values.length)]!;
    const searches: Array<() => [CreditSubjectSearch, string | undefined]> = [
      () => [{ grade: pick(creditGrades) }, undefined],
      () => [{ district: pick(SYNTHETIC_DISTRICTS), grade: pick(creditGrades) }, undefined],
      () => [{ industry: pick(SYNTHETIC_INDUSTRIES) }, undefined],
      () => [{ category: pick(creditCategories) }, undefined],
      () => [{ list: pick(creditLists.filter((list) => list !== 'wage-arrears-blacklist')) }, undefined],
      () => [{}, pick(deepCursors)],
    ];
    const filtered = await timed(SAMPLES, async () => {
      const [search, after] = pick(searches)();
      await queries.searchSubjects(search, { limit: PAGE, ...(after ? { after } : {}) });
    });

    const distributions: number[] = [];
    for (const scope of [{}, { district: SYNTHETIC_DISTRICTS[5] }, { industry: '91' }, {}, { district: SYNTHETIC_DISTRICTS[0] }, { industry: '51' }]) {
      const began = performance.now();
      await queries.gradeDistribution(scope);
      distributions.push(performance.now() - began);
    }
    return {
      subjects, records, fillSeconds: round(fillSeconds),
      profileP50Ms: round(profile.p50Ms), profileP99Ms: round(profile.p99Ms),
      filteredListP50Ms: round(filtered.p50Ms), filteredListP99Ms: round(filtered.p99Ms),
      distributionCityMs: round(Math.max(distributions[0]!, distributions[3]!)), distributionMaxMs: round(Math.max(...distributions)),
    };
  } finally {
    await postgres.close();
  }
}

async function timed(samples: number, run: () => Promise<void>) {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const began = performance.now();
    await run();
    latencies.push(performance.now() - began);
  }
  return summariseLatencies(latencies);
}

/** The n-th valid USCC of an enterprise registered in Wuxi: the check character computed as GB 32100 says. */
function validUscc(n: number): string {
  const body = `91320214${String(n).padStart(9, '0')}`;
  return body + usccCheckCharacter(body);
}

function wholeNumber(flag: string, value: string | undefined, minimum: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) throw new Error(`${flag} must be a whole number of at least ${minimum}, got ${value}`);
  return number;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
