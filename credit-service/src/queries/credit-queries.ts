import type { Pool } from 'pg';
import type { CreditCategory, CreditEvaluation, CreditGrade, CreditListName, CreditSubject, StoredCreditObjection, StoredCreditRecord, StoredCreditRepair } from '@citytrust/shared';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';
import { subjectReference } from '../trails-index/ledger-record';
import { Conditions, InvalidQueryError, pageSize, timeWindow, type Page, type PageRequest } from './page';

/** A subject's standing as the index holds it: its latest evaluation and what officers filter it by. */
export interface CreditStanding {
  /** `E:<uscc>` or `P:<subject key>`, as the ledger keys the subject. */
  readonly subject: string;
  readonly grade: CreditGrade;
  readonly score: number;
  readonly modelVersion: number;
  readonly evaluatedAt: string;
  readonly district: string | null;
  readonly industry: string | null;
  readonly lists: readonly CreditListName[];
}

/** A list the subject is on, and since when without a break (the evaluation that put it there). */
export interface ListMembership {
  readonly list: CreditListName;
  readonly since: string;
}

/** Everything a credit officer sees of one subject. */
export interface CreditSubjectProfile {
  readonly standing: CreditStanding;
  /** The latest evaluation as the ledger stores it: its factors and the grade it replaced. */
  readonly evaluation: CreditEvaluation;
  readonly memberships: readonly ListMembership[];
  /** The subject's records, newest first (at most `MAX_PROFILE_RECORDS`), with their objections and repairs. */
  readonly records: readonly CreditRecordEntry[];
  /** Its evaluations, newest first (at most `MAX_PROFILE_HISTORY`). */
  readonly history: readonly CreditEvaluation[];
}

export interface CreditRecordEntry {
  readonly record: StoredCreditRecord;
  readonly objection?: StoredCreditObjection;
  readonly repair?: StoredCreditRepair;
}

/** A credit officer's search; every field narrows it. */
export interface CreditSubjectSearch {
  readonly grade?: CreditGrade;
  /** Subjects with a record of this category in force now. */
  readonly category?: CreditCategory;
  /** GB/T 2260 code of the registering authority's division (an enterprise's USCC, characters 3–8). */
  readonly district?: string;
  /** Registration authority and entity category (an enterprise's USCC, characters 1–2). */
  readonly industry?: string;
  readonly list?: CreditListName;
}

export type GradeDistribution = Readonly<Record<CreditGrade, number>>;

/** A change of grade: one evaluation whose grade differs from the one it replaced. */
export interface GradeChange {
  readonly subject: string;
  readonly from: CreditGrade | null;
  readonly to: CreditGrade;
  readonly evaluation: CreditEvaluation;
}

export interface GradeChanges {
  /** How many subjects' evaluations moved from one grade to another in the period (`from` null: a first evaluation). */
  readonly transitions: readonly { readonly from: CreditGrade | null; readonly to: CreditGrade; readonly count: number }[];
  readonly changes: Page<GradeChange>;
}

/**
 * Why a subject's grade is what it is at `until` rather than what it was at `from`: the
 * evaluation in force at each date, every evaluation between them with what triggered it, the
 * model versions they used, and the records whose part differs (added, removed or weighed
 * differently), each as the ledger stores it.
 */
export interface GradeChangeExplanation {
  readonly subject: string;
  readonly atFrom: CreditEvaluation | null;
  readonly atUntil: CreditEvaluation | null;
  readonly evaluations: readonly CreditEvaluation[];
  readonly modelVersions: readonly number[];
  readonly records: readonly { readonly record: StoredCreditRecord; readonly change: 'added' | 'removed' | 'reweighed' | 'trigger'; readonly contributionAtFrom: number | null; readonly contributionAtUntil: number | null }[];
}

export const MAX_PROFILE_RECORDS = 500;
export const MAX_PROFILE_HISTORY = 100;

/** The credit queries of the off-chain index, for the gateway's GraphQL for credit officers. */
export interface CreditQueries {
  /** A subject's profile, or undefined when the index holds no evaluation of it. */
  profile(subject: CreditSubject): Promise<CreditSubjectProfile | undefined>;
  /** Subjects by subject order (keyset pages: `after` is the previous page's `next`). */
  searchSubjects(search: CreditSubjectSearch, page: PageRequest): Promise<Page<CreditStanding>>;
  /** How many subjects have each grade, optionally within a district or industry. */
  gradeDistribution(scope: Pick<CreditSubjectSearch, 'district' | 'industry'>): Promise<GradeDistribution>;
  /** Grade changes in [from, until), oldest first, and their totals by transition. */
  gradeChanges(period: { readonly from: string; readonly until: string }, page: PageRequest): Promise<GradeChanges>;
  explainGradeChange(subject: CreditSubject, from: string, until: string): Promise<GradeChangeExplanation>;
}

const S = OFFCHAIN_SCHEMA;
const standingColumns = `subject, grade, score, model_version, to_char(evaluated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS evaluated_at, district, industry, lists`;

interface StandingRow { subject: string; grade: CreditGrade; score: number; model_version: number; evaluated_at: string; district: string | null; industry: string | null; lists: CreditListName[] }

const standingOf = (row: StandingRow): CreditStanding => ({
  subject: row.subject, grade: row.grade, score: row.score, modelVersion: row.model_version, evaluatedAt: row.evaluated_at, district: row.district, industry: row.industry, lists: row.lists,
});

/**
 * The credit officers' queries over the index. Each answers from one indexed access path: a
 * profile by the subject's keys, a search by the filter's index in subject order (a deep page
 * costs what the first does), the distribution by a count over the grade index, changes by the
 * partial index of evaluations that changed a grade.
 */
export function newCreditQueries(pool: Pool): CreditQueries {
  return {
    async profile(subject) {
      const ref = subjectReference(subject);
      const standing = (await pool.query<StandingRow & { record: string }>(`SELECT ${standingColumns}, record FROM ${S}.credit_subjects WHERE subject = $1`, [ref])).rows[0];
      if (!standing) return undefined;
      const [records, history] = await Promise.all([
        pool.query<{ record: string; objection: string | null; repair: string | null }>(
          `SELECT r.record, o.record AS objection, p.record AS repair FROM ${S}.credit_records r
           LEFT JOIN ${S}.credit_objections o ON o.record_id = r.record_id LEFT JOIN ${S}.credit_repairs p ON p.record_id = r.record_id
           WHERE r.subject = $1 ORDER BY r.recorded_at DESC, r.record_id DESC LIMIT ${MAX_PROFILE_RECORDS}`, [ref]),
        pool.query<{ record: string }>(`SELECT record FROM ${S}.credit_evaluations WHERE subject = $1 ORDER BY evaluated_at DESC, evaluation_id DESC LIMIT ${MAX_PROFILE_HISTORY}`, [ref]),
      ]);
      const evaluations = history.rows.map((row) => JSON.parse(row.record) as CreditEvaluation);
      return {
        standing: standingOf(standing),
        evaluation: JSON.parse(standing.record) as CreditEvaluation,
        memberships: memberships(standing.lists, evaluations),
        records: records.rows.map((row) => ({
          record: JSON.parse(row.record) as StoredCreditRecord,
          ...(row.objection ? { objection: JSON.parse(row.objection) as StoredCreditObjection } : {}),
          ...(row.repair ? { repair: JSON.parse(row.repair) as StoredCreditRepair } : {}),
        })),
        history: evaluations,
      };
    },

    async searchSubjects(search, page) {
      const limit = pageSize(page);
      const where = new Conditions()
        .add(search.grade, (p) => `s.grade = ${p}`)
        .add(search.district, (p) => `s.district = ${p}`)
        .add(search.industry, (p) => `s.industry = ${p}`)
        .add(search.list === undefined ? undefined : [search.list], (p) => `s.lists @> ${p}::text[]`)
        .add(search.category, (p) => `EXISTS (SELECT 1 FROM ${S}.credit_records r WHERE r.subject = s.subject AND r.category = ${p} AND r.status IN ('active', 'under-objection') AND r.effective_until > now() AND r.occurred_at <= now())`)
        .add(page.after === undefined ? undefined : cursorSubject(page.after), (p) => `s.subject > ${p}`);
      const { rows } = await pool.query<StandingRow>(`SELECT ${standingColumns} FROM ${S}.credit_subjects s ${where.where()} ORDER BY s.subject LIMIT ${limit + 1}`, where.params);
      const entries = rows.slice(0, limit).map(standingOf);
      return { entries, next: rows.length > limit ? cursorOf(entries.at(-1)!.subject) : null };
    },

    async gradeDistribution(scope) {
      const where = new Conditions().add(scope.district, (p) => `district = ${p}`).add(scope.industry, (p) => `industry = ${p}`);
      const { rows } = await pool.query<{ grade: CreditGrade; n: number }>(`SELECT grade, count(*)::int AS n FROM ${S}.credit_subjects ${where.where()} GROUP BY grade`, where.params);
      const distribution: Record<CreditGrade, number> = { A: 0, B: 0, C: 0, D: 0 };
      for (const row of rows) distribution[row.grade] = row.n;
      return distribution;
    },

    async gradeChanges(period, page) {
      const { from, until } = timeWindow(period.from, period.until);
      const limit = pageSize(page);
      const changed = `evaluated_at >= $1 AND evaluated_at < $2 AND grade IS DISTINCT FROM previous_grade`;
      const after = page.after === undefined ? undefined : await changeCursor(pool, page.after);
      const [totals, listed] = await Promise.all([
        pool.query<{ from: CreditGrade | null; to: CreditGrade; count: number }>(
          `SELECT previous_grade AS from, grade AS to, count(*)::int AS count FROM ${S}.credit_evaluations WHERE ${changed} GROUP BY 1, 2 ORDER BY 1 NULLS FIRST, 2`, [from, until]),
        pool.query<{ subject: string; record: string }>(
          `SELECT subject, record FROM ${S}.credit_evaluations WHERE ${changed} ${after ? `AND (evaluated_at, evaluation_id) > (SELECT evaluated_at, evaluation_id FROM ${S}.credit_evaluations WHERE evaluation_id = $3)` : ''}
           ORDER BY evaluated_at, evaluation_id LIMIT ${limit + 1}`, after ? [from, until, after] : [from, until]),
      ]);
      const entries = listed.rows.slice(0, limit).map((row): GradeChange => {
        const evaluation = JSON.parse(row.record) as CreditEvaluation;
        return { subject: row.subject, from: evaluation.previous?.grade ?? null, to: evaluation.grade, evaluation };
      });
      return { transitions: totals.rows, changes: { entries, next: listed.rows.length > limit ? cursorOf(entries.at(-1)!.evaluation.evaluationId) : null } };
    },

    async explainGradeChange(subject, fromGiven, untilGiven) {
      const { from, until } = timeWindow(fromGiven, untilGiven);
      const ref = subjectReference(subject);
      const { rows } = await pool.query<{ record: string; at: 'from' | 'until' | 'between' }>(
        `(SELECT record, 'from' AS at FROM ${S}.credit_evaluations WHERE subject = $1 AND evaluated_at <= $2 ORDER BY evaluated_at DESC, evaluation_id DESC LIMIT 1)
         UNION ALL (SELECT record, 'between' FROM ${S}.credit_evaluations WHERE subject = $1 AND evaluated_at > $2 AND evaluated_at <= $3 ORDER BY evaluated_at, evaluation_id)`,
        [ref, from, until]);
      const atFrom = rows.filter((row) => row.at === 'from').map((row) => JSON.parse(row.record) as CreditEvaluation)[0] ?? null;
      const evaluations = rows.filter((row) => row.at === 'between').map((row) => JSON.parse(row.record) as CreditEvaluation);
      const atUntil = evaluations.at(-1) ?? atFrom;
      const before = new Map((atFrom?.factors ?? []).map((f) => [f.recordId, f.contribution]));
      const now = new Map((atUntil?.factors ?? []).map((f) => [f.recordId, f.contribution]));
      const changes = new Map<string, GradeChangeExplanation['records'][number]['change']>();
      for (const [id, contribution] of now) if (!before.has(id)) changes.set(id, 'added'); else if (before.get(id) !== contribution) changes.set(id, 'reweighed');
      for (const id of before.keys()) if (!now.has(id)) changes.set(id, 'removed');
      for (const evaluation of evaluations) if ('recordId' in evaluation.trigger && !changes.has(evaluation.trigger.recordId)) changes.set(evaluation.trigger.recordId, 'trigger');
      const records = (await pool.query<{ record_id: string; record: string }>(`SELECT record_id, record FROM ${S}.credit_records WHERE record_id = ANY($1) ORDER BY recorded_at, record_id`, [[...changes.keys()]])).rows;
      return {
        subject: ref,
        atFrom,
        atUntil,
        evaluations,
        modelVersions: [...new Set([atFrom, ...evaluations].filter((e): e is CreditEvaluation => e !== null).map((e) => e.modelVersion))].sort((a, b) => a - b),
        records: records.map((row) => ({ record: JSON.parse(row.record) as StoredCreditRecord, change: changes.get(row.record_id)!, contributionAtFrom: before.get(row.record_id) ?? null, contributionAtUntil: now.get(row.record_id) ?? null })),
      };
    },
  };
}

/**
 * Since when, without a break, the subject has been on each list it is on: walking its
 * evaluations newest first, the oldest of the unbroken run that lists it.
 */
function memberships(lists: readonly CreditListName[], newestFirst: readonly CreditEvaluation[]): ListMembership[] {
  return lists.map((list) => {
    let since = newestFirst[0]?.evaluatedAt ?? '';
    for (const evaluation of newestFirst) {
      if (!evaluation.lists.includes(list)) break;
      since = evaluation.evaluatedAt;
    }
    return { list, since };
  });
}

/** Cursors are opaque to clients: the last entry's key, base64url. */
function cursorOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function cursorSubject(cursor: string): string {
  const subject = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[EP]:[0-9A-Za-z]{1,128}$/.test(subject)) throw new InvalidQueryError('after', 'is not a cursor this search returned; pass the previous page\'s next');
  return subject;
}

/** The evaluation a changes cursor names; compared in SQL, where its time keeps its microseconds. */
async function changeCursor(pool: Pool, cursor: string): Promise<string> {
  const evaluationId = Buffer.from(cursor, 'base64url').toString('utf8');
  const { rowCount } = await pool.query(`SELECT 1 FROM ${S}.credit_evaluations WHERE evaluation_id = $1`, [evaluationId]);
  if (rowCount === 0) throw new InvalidQueryError('after', 'is not a cursor this query returned; pass the previous page\'s next');
  return evaluationId;
}
