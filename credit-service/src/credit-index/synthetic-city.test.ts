import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newCreditQueries } from '../queries/credit-queries';
import { migrateOffchainSchema } from '../schema/offchain-schema';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { fillSyntheticCity, syntheticSubjectUscc } from './synthetic-city';

let postgres: TestPostgres;

before(async () => {
  postgres = await startTestPostgres();
  await migrateOffchainSchema(postgres.pool);
});

after(() => postgres?.close());

const summary = async () => (await postgres.pool.query(`SELECT (SELECT count(*)::int FROM offchain.credit_subjects) AS subjects, (SELECT count(*)::int FROM offchain.credit_records) AS records,
  (SELECT count(*)::int FROM offchain.credit_evaluations) AS evaluations, (SELECT md5(string_agg(subject, ',' ORDER BY record_id)) FROM offchain.credit_records) AS spread`)).rows[0];

test('the synthetic city has N subjects with two evaluations each and M records, the same for the same seed, and the queries read it', async () => {
  await fillSyntheticCity(postgres.pool, { subjects: 200, records: 2_000, seed: 42 });
  const first = await summary();
  assert.deepEqual([first.subjects, first.records, first.evaluations], [200, 2_000, 400]);
  await postgres.pool.query('TRUNCATE offchain.credit_subjects, offchain.credit_records, offchain.credit_evaluations');
  await fillSyntheticCity(postgres.pool, { subjects: 200, records: 2_000, seed: 42 });
  assert.equal((await summary()).spread, first.spread, 'the seed repeats which subject each record is about');
  const queries = newCreditQueries(postgres.pool);
  const profile = await queries.profile({ kind: 'enterprise', uscc: syntheticSubjectUscc(7) });
  assert.equal(profile?.standing.subject, `E:${syntheticSubjectUscc(7)}`);
  assert.equal(profile?.history.length, 2);
  assert.equal(profile?.standing.district, syntheticSubjectUscc(7).slice(2, 8));
  const distribution = await queries.gradeDistribution({});
  assert.equal(distribution.A + distribution.B + distribution.C + distribution.D, 200);
});
