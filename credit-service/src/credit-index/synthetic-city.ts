import type { Pool } from 'pg';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';

/** How big a synthetic city to make, and the seed that makes it the same every time. */
export interface SyntheticCity {
  readonly subjects: number;
  readonly records: number;
  readonly seed: number;
}

/** The districts (GB/T 2260) the synthetic enterprises are registered in: Wuxi's, and a few elsewhere. */
export const SYNTHETIC_DISTRICTS = ['320202', '320205', '320206', '320211', '320213', '320214', '320281', '320282', '320200', '320000', '310115', '440300'] as const;
/** Registration authority and entity category (USCC characters 1–2), weighted as a city's register is: mostly enterprises and individual businesses. */
export const SYNTHETIC_INDUSTRIES = ['91', '91', '91', '91', '92', '92', '92', '93', '51', '52', '11', '12'] as const;

const S = OFFCHAIN_SCHEMA;

/**
 * Fills the credit tables of the off-chain index with a synthetic city, for benchmarks: N
 * enterprises (USCC-shaped subject `E:<industry><district><9 digits>X`, district and industry
 * spread over {@link SYNTHETIC_DISTRICTS} and {@link SYNTHETIC_INDUSTRIES}; the check character
 * is not computed), M credit records spread over them at random (categories, severities,
 * departments, windows as the NDRC rules give them, 1 in 20 withdrawn or repaired), and for each
 * subject its latest evaluation and the one before it (scores across the grades; 3% on the red
 * list, 1% on the list of seriously dishonest entities). Each row holds a record JSON of the
 * ledger's shape and size; evaluations carry no factors.
 *
 * Generated inside Postgres (`INSERT … SELECT` over `generate_series`, with `setseed`, serial so
 * that the seed repeats the city): the same bulk path as COPY without shipping gigabytes of rows
 * through the client. Rows go straight into the tables, not through the ledger: this measures the
 * queries at city scale, not the ledger.
 */
export async function fillSyntheticCity(pool: Pool, city: SyntheticCity): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET max_parallel_workers_per_gather = 0');
    await client.query('SET synchronous_commit = off');
    await client.query(`CREATE OR REPLACE FUNCTION pg_temp.city_subject(n bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$
      SELECT 'E:' || (ARRAY[${SYNTHETIC_INDUSTRIES.map((i) => `'${i}'`).join(',')}])[1 + (n * 7919) % ${SYNTHETIC_INDUSTRIES.length}]
        || (ARRAY[${SYNTHETIC_DISTRICTS.map((d) => `'${d}'`).join(',')}])[1 + (n * 104729) % ${SYNTHETIC_DISTRICTS.length}]
        || lpad(n::text, 9, '0') || 'X' $$`);
    await client.query(`CREATE OR REPLACE FUNCTION pg_temp.ledger_time(t timestamptz) RETURNS text IMMUTABLE LANGUAGE sql AS $$
      SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '000Z' $$`);
    await client.query('SELECT setseed($1)', [(city.seed % 2_000_000) / 2_000_000 - 0.5]);
    await client.query(`
      INSERT INTO ${S}.credit_records (record_id, subject, department, category, severity, status, published, occurred_at, repairable_from, effective_until, recorded_at, ended_at, record, block_number, transaction_id)
      SELECT record_id, subject, department, category, severity, status, severity <> 'minor', occurred_at, occurred_at + minimum, occurred_at + maximum, occurred_at + interval '1 day',
             CASE WHEN status IN ('withdrawn', 'repaired') THEN occurred_at + interval '100 days' END,
             json_build_object('recordId', record_id, 'subject', json_build_object('kind', 'enterprise', 'uscc', substr(subject, 3)), 'category', category, 'severity', severity,
               'occurredAt', pg_temp.ledger_time(occurred_at), 'reference', '市监罚〔2027〕' || g || '号', 'documentDigest', md5(record_id) || md5(subject),
               'department', department, 'disclosureMonths', extract(month FROM maximum) + 12 * extract(year FROM maximum), 'published', severity <> 'minor',
               'repairableFrom', pg_temp.ledger_time(occurred_at + minimum), 'effectiveUntil', pg_temp.ledger_time(occurred_at + maximum), 'status', status,
               'recordedAt', pg_temp.ledger_time(occurred_at + interval '1 day'),
               'seal', json_build_object('keyId', md5(department) || md5(department || 'k'), 'digest', md5(record_id || 'd') || md5(record_id || 'e'), 'signature', encode(sha512(record_id::bytea), 'base64'), 'department', department, 'sealedAt', pg_temp.ledger_time(occurred_at + interval '1 day')))::text,
             g, record_id
      FROM (
        SELECT g, md5('record ' || g) || md5('city ' || g) AS record_id, pg_temp.city_subject(1 + floor(random() * $1)::bigint) AS subject,
               (ARRAY['administrative-licence','administrative-penalty','administrative-penalty','administrative-penalty','red-list','seriously-dishonest-list','commitment-kept','commitment-broken','wage-arrears-blacklist','court-enforcement','honour'])[1 + floor(random() * 11)::int] AS category,
               (ARRAY['minor','ordinary','ordinary','serious'])[1 + floor(random() * 4)::int] AS severity,
               (ARRAY['MarketRegulationMSP','CreditOfficeMSP','TaxationMSP','HumanResourcesMSP','CourtMSP'])[1 + floor(random() * 5)::int] AS department,
               now() - random() * interval '900 days' AS occurred_at,
               CASE WHEN random() < 0.05 THEN (ARRAY['withdrawn','repaired'])[1 + floor(random() * 2)::int] ELSE 'active' END AS status
        FROM generate_series(1, $2::bigint) g
      ) r, LATERAL (SELECT CASE severity WHEN 'minor' THEN interval '0' WHEN 'ordinary' THEN interval '3 months' ELSE interval '1 year' END AS minimum,
                           CASE severity WHEN 'minor' THEN interval '3 months' WHEN 'ordinary' THEN interval '1 year' ELSE interval '3 years' END AS maximum) w`,
    [city.subjects, city.records]);
    await client.query(`
      CREATE TEMP TABLE city_evaluations AS
      SELECT n, pg_temp.city_subject(n) AS subject, md5('evaluation ' || n) || md5('previous ' || n) AS previous_id, md5('evaluation ' || n) || md5('latest ' || n) AS evaluation_id,
             400 + floor(random() * 500)::int AS previous_score, 400 + floor(random() * 500)::int AS score,
             now() - interval '200 days' - random() * interval '100 days' AS previous_at, now() - random() * interval '100 days' AS evaluated_at,
             CASE WHEN random() < 0.03 THEN ARRAY['red-list'] WHEN random() < 0.0103 THEN ARRAY['seriously-dishonest-list'] ELSE ARRAY[]::text[] END AS lists
      FROM generate_series(1, $1::bigint) n`, [city.subjects]);
    const grade = (score: string) => `CASE WHEN ${score} >= 800 THEN 'A' WHEN ${score} >= 650 THEN 'B' WHEN ${score} >= 500 THEN 'C' ELSE 'D' END`;
    const evaluationJson = (id: string, score: string, at: string, previous: string) => `json_build_object('evaluationId', ${id}, 'subject', json_build_object('kind', 'enterprise', 'uscc', substr(subject, 3)),
      'modelVersion', 1, 'score', ${score}, 'grade', ${grade(score)}, 'factors', '[]'::json, 'lists', to_json(lists), 'evaluatedAt', pg_temp.ledger_time(${at}),
      'trigger', json_build_object('kind', 'reevaluation')${previous})::text`;
    await client.query(`
      INSERT INTO ${S}.credit_evaluations (evaluation_id, subject, model_version, score, grade, previous_grade, previous_score, previous_model_version, evaluated_at, trigger_kind, trigger_record_id, lists, record, block_number, transaction_id)
      SELECT previous_id, subject, 1, previous_score, ${grade('previous_score')}, NULL, NULL, NULL, previous_at, 'reevaluation', NULL, ARRAY[]::text[], ${evaluationJson('previous_id', 'previous_score', 'previous_at', '')}, 2 * n, previous_id FROM city_evaluations
      UNION ALL
      SELECT evaluation_id, subject, 1, score, ${grade('score')}, ${grade('previous_score')}, previous_score, 1, evaluated_at, 'reevaluation', NULL, lists,
             ${evaluationJson('evaluation_id', 'score', 'evaluated_at', `, 'previous', json_build_object('grade', ${grade('previous_score')}, 'score', previous_score, 'modelVersion', 1, 'evaluatedAt', pg_temp.ledger_time(previous_at), 'evaluationId', previous_id)`)}, 2 * n + 1, evaluation_id FROM city_evaluations`);
    await client.query(`
      INSERT INTO ${S}.credit_subjects (subject, subject_kind, district, industry, grade, score, model_version, evaluation_id, evaluated_at, lists, record, block_number, transaction_id)
      SELECT e.subject, 'enterprise', substr(e.subject, 5, 6), substr(e.subject, 3, 2), e.grade, e.score, 1, e.evaluation_id, e.evaluated_at, e.lists, e.record, e.block_number, e.transaction_id
      FROM ${S}.credit_evaluations e JOIN city_evaluations c ON c.evaluation_id = e.evaluation_id`);
    await client.query('DROP TABLE city_evaluations');
    await client.query(`ANALYZE ${S}.credit_records; ANALYZE ${S}.credit_evaluations; ANALYZE ${S}.credit_subjects`);
  } finally {
    client.release();
  }
}

/** The subject the generator made as number `n` (1 to N), as the queries take it. */
export function syntheticSubjectUscc(n: number): string {
  return `${SYNTHETIC_INDUSTRIES[(n * 7919) % SYNTHETIC_INDUSTRIES.length]}${SYNTHETIC_DISTRICTS[(n * 104729) % SYNTHETIC_DISTRICTS.length]}${String(n).padStart(9, '0')}X`;
}
