import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, type StoredShareTrail } from '@citytrust/shared';
import { migrateOffchainSchema } from '../schema/offchain-schema';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { ENTERPRISE, MARKET, person, storedShareTrail } from '../test-support/trail-records';
import { writeLedgerRecords } from '../trails-index/index-writer';
import { InvalidQueryError } from './page';
import { newTrailQueries, type TrailQueries } from './trail-queries';

/**
 * The queries over a known index: 30 trails of one person a day apart (every third about two
 * items, every fifth for another purpose, the last five by Market Regulation and refused), and
 * 10 of an enterprise.
 */
let postgres: TestPostgres;
let queries: TrailQueries;
const alice = person(1);
const day = (n: number) => new Date(Date.UTC(2027, 0, 1 + n));
const aliceTrails = Array.from({ length: 30 }, (_, n) => storedShareTrail(n, alice, day(n), n >= 25 ? { department: MARKET, outcome: 'refused', refusal: { check: 'authorization_expired', reason: 'expired' } } : {}));
const enterpriseTrails = Array.from({ length: 10 }, (_, n) => storedShareTrail(100 + n, ENTERPRISE, day(n)));
const newestFirst = (trails: StoredShareTrail[]) => trails.map((t) => t.trailId).reverse();

before(async () => {
  postgres = await startTestPostgres();
  await migrateOffchainSchema(postgres.pool);
  queries = newTrailQueries(postgres.pool);
  const client = await postgres.pool.connect();
  try {
    await writeLedgerRecords(client, [...aliceTrails, ...enterpriseTrails].map((record, i) => ({ kind: 'access', record, payload: canonicalJson(record), blockNumber: BigInt(i + 1), transactionId: record.trailId })));
  } finally {
    client.release();
  }
});
after(() => postgres?.close());

describe('a subject\'s access log', () => {
  test('pages newest first through every entry of that subject and no other, each with its ledger position', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await queries.subjectTrails(alice, {}, { limit: 7, ...(after ? { after } : {}) });
      assert.ok(page.entries.length <= 7);
      seen.push(...page.entries.map((entry) => entry.record.trailId));
      after = page.next ?? undefined;
    } while (after);
    assert.deepEqual(seen, newestFirst(aliceTrails));
    const first = (await queries.subjectTrails(alice, {}, { limit: 1 })).entries[0]!;
    assert.deepEqual(first, { record: aliceTrails[29], blockNumber: 30, transactionId: aliceTrails[29]!.trailId });
  });

  test('narrows by department, item and date window', async () => {
    const byMarket = await queries.subjectTrails(alice, { department: MARKET });
    assert.deepEqual(byMarket.entries.map((e) => e.record.trailId), newestFirst(aliceTrails.slice(25)));
    const byItem = await queries.subjectTrails(alice, { item: 'MR-ENT-PUBLIC' });
    assert.deepEqual(byItem.entries.map((e) => e.record.trailId), newestFirst(aliceTrails.filter((t) => t.items.includes('MR-ENT-PUBLIC'))));
    const window = await queries.subjectTrails(alice, { from: day(3).toISOString(), until: day(6).toISOString() });
    assert.deepEqual(window.entries.map((e) => e.record.trailId), newestFirst(aliceTrails.slice(3, 6)));
  });

  test('reads a bound in any RFC 3339 offset as the instant it names, even one Postgres has no zone for', async () => {
    // -16:16 puts the start at 2027-01-04T16:00:00Z, between day 3's trail and day 4's; +08:00 the end at day 6's.
    const window = await queries.searchTrails({ subject: alice, from: '2027-01-03T23:44:00-16:16', until: '2027-01-07T08:00:00+08:00' });
    assert.deepEqual(window.entries.map((e) => e.record.trailId), newestFirst(aliceTrails.slice(4, 6)));
  });
});

describe('an auditor\'s search', () => {
  test('by purpose, outcome and authorization across subjects', async () => {
    const everyone = [...aliceTrails, ...enterpriseTrails];
    const purpose = await queries.searchTrails({ purpose: 'credit-repair.review' }, { limit: 500 });
    assert.equal(purpose.entries.length, everyone.filter((t) => t.purpose === 'credit-repair.review').length);
    const refused = await queries.searchTrails({ outcome: 'refused' });
    assert.deepEqual(refused.entries.map((e) => e.record.trailId), newestFirst(aliceTrails.slice(25)));
    const authorizationId = aliceTrails[0]!.authorizationId;
    const under = await queries.searchTrails({ authorizationId, subject: ENTERPRISE });
    assert.deepEqual(under.entries.map((e) => e.record.trailId).sort(), enterpriseTrails.filter((t) => t.authorizationId === authorizationId).map((t) => t.trailId).sort());
    const officer = everyone[0]!.officer;
    const byOfficer = await queries.searchTrails({ officer, department: everyone[0]!.department }, { limit: 500 });
    assert.deepEqual(byOfficer.entries.map((e) => e.record.trailId).sort(), everyone.filter((t) => t.officer === officer && t.department === everyone[0]!.department).map((t) => t.trailId).sort());
    assert.deepEqual(await queries.trail(enterpriseTrails[0]!.trailId), { record: enterpriseTrails[0], blockNumber: 31, transactionId: enterpriseTrails[0]!.trailId });
  });

  test('refuses a cursor that names no entry, a page size out of range and an empty window, naming the field', async () => {
    await assert.rejects(queries.subjectTrails(alice, {}, { after: 'f'.repeat(64) }), (e: unknown) => e instanceof InvalidQueryError && e.field === 'after');
    await assert.rejects(queries.searchTrails({}, { limit: 501 }), { name: 'InvalidQueryError', message: 'limit must be a whole number from 1 to 500, got 501' });
    await assert.rejects(queries.searchTrails({ from: '2027-02-01T00:00:00Z', until: '2027-01-01T00:00:00Z' }), { message: 'until must be after from (2027-02-01T00:00:00Z)' });
    await assert.rejects(queries.searchTrails({ from: 'yesterday' }), { message: 'from must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z, got "yesterday"' });
    await assert.rejects(queries.searchTrails({ until: '0000-01-01T00:00:00Z' }), { message: 'until must be in 1970 or later, got "0000-01-01T00:00:00Z"' });
    await assert.rejects(queries.searchTrails({ from: '2027-02-30T00:00:00Z' }), { message: 'from must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z, got "2027-02-30T00:00:00Z"' });
  });
});
