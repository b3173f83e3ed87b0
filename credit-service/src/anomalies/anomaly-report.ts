import type { Pool } from 'pg';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';
import { timeWindow } from '../queries/page';

/**
 * The anomaly rules an auditor runs over the share trails (数据共享留痕) in the off-chain index.
 * The chaincode already refuses an access without a live, in-scope authorization, so what the
 * index can show is what slipped past a single check (many lawful-looking reads, a revocation
 * right after use, a ledger time that contradicts a revocation) and what the ledger refused but
 * recorded (refused attempts). Each rule is one SQL query; the README's "Anomaly rules" section
 * says why each exists and what its parameters mean.
 */
export const ANOMALY_RULES = ['bulk-pull', 'outside-window', 'out-of-scope', 'revoked-after-use', 'repeated-refusals'] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

/** Refusal checks (chaincode `TrailCheck`s) that mean "the authorization was not live at that time". */
export const WINDOW_CHECKS = ['authorization_expired', 'authorization_not_yet_valid', 'authorization_revoked'] as const;
/** Refusal checks that mean "the authorization does not cover this department, item, purpose or subject". */
export const SCOPE_CHECKS = ['other_department', 'item_out_of_scope', 'purpose_out_of_scope', 'subject_out_of_scope'] as const;

/** What the rules look at and how sensitive they are. Times are RFC 3339, `from` inclusive, `until` exclusive. */
export interface AnomalyParameters {
  /** The period whose trails are examined (by the ledger's `recordedAt`). */
  readonly from: string;
  readonly until: string;
  /** Which rules run; all by default. */
  readonly rules?: readonly AnomalyRule[];
  /** Whether bulk pulls and repeated refusals are counted per officer or per department. */
  readonly groupBy: 'officer' | 'department';
  /** bulk-pull: more than this many distinct subjects read (granted) within `bulkWindowMinutes`. */
  readonly bulkSubjects: number;
  readonly bulkWindowMinutes: number;
  /** repeated-refusals: at least this many refused attempts within `refusalWindowMinutes`. */
  readonly refusals: number;
  readonly refusalWindowMinutes: number;
  /** revoked-after-use: an authorization revoked at most this long after an access under it. */
  readonly revokedWithinMinutes: number;
  /** Most findings returned (the report says when there were more). */
  readonly limit: number;
  /** Most trails listed in one finding (its `trailCount` says how many there were). */
  readonly trailsPerFinding: number;
}

export const DEFAULT_ANOMALY_PARAMETERS = {
  groupBy: 'officer',
  bulkSubjects: 50,
  bulkWindowMinutes: 60,
  refusals: 3,
  refusalWindowMinutes: 60,
  revokedWithinMinutes: 1440,
  limit: 100,
  trailsPerFinding: 50,
} as const satisfies Omit<AnomalyParameters, 'from' | 'until' | 'rules'>;

/** A trail a finding rests on, with where it is on the ledger (its proof: `GET /api/v1/trails/{trailId}/proof`). */
export interface FindingTrail {
  readonly trailId: string;
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly recordedAt: string;
  readonly outcome: 'granted' | 'refused';
}

/** One anomaly: which rule found it, who, which trails, and why in words. */
export interface AnomalyFinding {
  readonly rule: AnomalyRule;
  readonly department: string;
  /** The officer's pseudonym, when the finding is about one officer. */
  readonly officer?: string;
  readonly authorizationId?: string;
  /** The trails involved, oldest first, at most `trailsPerFinding`. */
  readonly trails: readonly FindingTrail[];
  readonly trailCount: number;
  /** The time the finding was last seen in (its latest trail's): findings are ordered newest first by it. */
  readonly at: string;
  readonly reason: string;
}

export interface AnomalyReport {
  readonly findings: readonly AnomalyFinding[];
  /** More findings matched than `limit`: narrow the period or the rules. */
  readonly truncated: boolean;
}

interface FindingRow {
  readonly department: string;
  readonly officer: string | null;
  readonly authorization_id: string | null;
  readonly trails: FindingTrail[];
  readonly trail_count: string;
  readonly at: string;
  readonly reason: string;
}

const S = OFFCHAIN_SCHEMA;
/** A trail as a finding lists it; `t` is the share_trails row. Ledger times keep their nine fraction digits from the record. */
const trailJson = (t: string) => `json_build_object('trailId', ${t}.trail_id, 'transactionId', ${t}.transaction_id, 'blockNumber', ${t}.block_number, 'recordedAt', ${t}.record::jsonb->>'recordedAt', 'outcome', ${t}.outcome)`;

/**
 * Runs the anomaly rules over the index. Each rule's query returns at most `limit + 1` findings,
 * so the report's cost is bounded by the period, not by how much is wrong in it.
 */
export async function anomalyReport(pool: Pool, parameters: AnomalyParameters): Promise<AnomalyReport> {
  const { from, until } = timeWindow(parameters.from, parameters.until);
  const rules = parameters.rules ?? ANOMALY_RULES;
  const perRule = await Promise.all(rules.map(async (rule) => {
    const { sql, params } = RULES[rule](parameters);
    const { rows } = await pool.query<FindingRow>(sql, [from, until, parameters.limit + 1, ...params]);
    return rows.map((row) => finding(rule, row));
  }));
  const findings = perRule.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.rule.localeCompare(b.rule)));
  return { findings: findings.slice(0, parameters.limit), truncated: findings.length > parameters.limit };
}

function finding(rule: AnomalyRule, row: FindingRow): AnomalyFinding {
  return {
    rule,
    department: row.department,
    ...(row.officer !== null ? { officer: row.officer } : {}),
    ...(row.authorization_id !== null ? { authorizationId: row.authorization_id } : {}),
    trails: row.trails.map((t) => ({ ...t, blockNumber: Number(t.blockNumber) })),
    trailCount: Number(row.trail_count),
    at: row.at,
    reason: row.reason,
  };
}

/** A rule's query: $1 from, $2 until and $3 the finding limit + 1 are every rule's; `params` are its own, from $4 on. */
interface RuleQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * A sliding-window peak: for each group (an officer, or a department), the window of length
 * `window` ending at one of its `outcome` trails in which `measure` over those trails is highest
 * (only trails of the period count: a burst across its start is seen in part),
 * when that peak passes `threshold`. One finding per group, listing the trails of its peak window.
 * `reason` is a format() string given the measure, the window and the threshold.
 */
function slidingPeak(p: AnomalyParameters, outcome: 'granted' | 'refused', measure: string, comparison: '>' | '>=', window: number, threshold: number, reason: string): RuleQuery {
  const byOfficer = p.groupBy === 'officer';
  const same = (a: string, b: string) => `${b}.department = ${a}.department${byOfficer ? ` AND ${b}.officer = ${a}.officer` : ''}`;
  const inWindow = (end: string, t: string) => `${t}.recorded_at > ${end}.recorded_at - $5::interval AND ${t}.recorded_at <= ${end}.recorded_at`;
  // The trails of the window are read from the table, not from a CTE, so that the index on
  // (department, officer, recorded_at) or (department, recorded_at) serves each window.
  const considered = (t: string) => `${t}.outcome = $7 AND ${t}.recorded_at >= $1::timestamptz AND ${t}.recorded_at < $2::timestamptz`;
  const sql = `
    WITH windows AS (
      SELECT e.department, ${byOfficer ? 'e.officer' : 'NULL::text AS officer'}, e.recorded_at, e.trail_id,
        (SELECT ${measure} FROM ${S}.share_trails w WHERE ${considered('w')} AND ${same('e', 'w')} AND ${inWindow('e', 'w')}) AS measure
      FROM ${S}.share_trails e WHERE ${considered('e')}
    ), peaks AS (
      SELECT DISTINCT ON (department, officer) * FROM windows WHERE measure ${comparison} $6
      ORDER BY department, officer, measure DESC, recorded_at DESC
    )
    SELECT peaks.department, peaks.officer, NULL AS authorization_id, listed.trails, listed.trail_count,
      (SELECT record::jsonb->>'recordedAt' FROM ${S}.share_trails WHERE trail_id = peaks.trail_id) AS at,
      format($8, peaks.measure, $5::interval, $6) AS reason
    FROM peaks CROSS JOIN LATERAL (
      SELECT count(*) AS trail_count, (json_agg(${trailJson('w')} ORDER BY w.recorded_at, w.trail_id) FILTER (WHERE w.n <= $4)) AS trails
      FROM (SELECT *, row_number() OVER (ORDER BY recorded_at, trail_id) AS n FROM ${S}.share_trails w WHERE ${considered('w')} AND ${same('peaks', 'w')} AND ${inWindow('peaks', 'w')}) w
    ) listed
    ORDER BY peaks.recorded_at DESC LIMIT $3`;
  return { sql, params: [p.trailsPerFinding, `${window} minutes`, threshold, outcome, reason] };
}

/**
 * Refused attempts whose check is one of `checks`, and granted trails that contradict the
 * indexed authorization by `contradiction` (a condition over `t`, the trail, and `a`, its
 * authorization): one finding per trail. `refused` is a format() string given the check and
 * the refusal's reason; `granted` is an SQL expression.
 */
function refusedOrContradicted(checks: readonly string[], contradiction: string, refused: string, granted: string): RuleQuery {
  const sql = `
    SELECT t.department, t.officer, t.authorization_id, json_build_array(${trailJson('t')}) AS trails, 1 AS trail_count,
      t.record::jsonb->>'recordedAt' AS at,
      CASE WHEN t.outcome = 'refused' THEN format($5, t.refusal_check, t.refusal_reason) ELSE ${granted} END AS reason
    FROM ${S}.share_trails t LEFT JOIN ${S}.authorizations a ON a.authorization_id = t.authorization_id
    WHERE t.recorded_at >= $1::timestamptz AND t.recorded_at < $2::timestamptz
      AND ((t.outcome = 'refused' AND t.refusal_check = ANY($4::text[])) OR (t.outcome = 'granted' AND (${contradiction})))
    ORDER BY t.recorded_at DESC, t.trail_id DESC LIMIT $3`;
  return { sql, params: [[...checks], refused] };
}

const RULES: Record<AnomalyRule, (p: AnomalyParameters) => RuleQuery> = {
  'bulk-pull': (p) => slidingPeak(p, 'granted', 'count(DISTINCT w.subject)', '>', p.bulkWindowMinutes, p.bulkSubjects,
    'read the data of %s distinct subjects within %s (more than %s): a bulk pull, not case work'),

  'repeated-refusals': (p) => slidingPeak(p, 'refused', 'count(*)', '>=', p.refusalWindowMinutes, p.refusals,
    'was refused %s times within %s (%s or more): probing for data it is not authorized to see, or a broken integration'),

  'outside-window': () => refusedOrContradicted(WINDOW_CHECKS,
    `t.recorded_at < a.valid_from OR t.recorded_at >= a.valid_until OR (a.revoked_at IS NOT NULL AND t.recorded_at >= a.revoked_at)`,
    'tried to use an authorization outside its validity (refused, %s: %s)',
    `format('was granted at %s under authorization %s, valid from %s until %s%s: the ledger''s times contradict its own check (a revocation committed after the access but with an earlier time, or a forged transaction time)',
      t.record::jsonb->>'recordedAt', t.authorization_id, a.record::jsonb->>'validFrom', a.record::jsonb->>'validUntil',
      CASE WHEN a.revoked_at IS NULL THEN '' ELSE ', revoked at ' || (a.record::jsonb->>'revokedAt') END)`),

  'out-of-scope': () => refusedOrContradicted(SCOPE_CHECKS,
    `a.grantee <> t.department OR a.purpose <> t.purpose OR NOT a.items @> t.items OR (a.kind = 'consent' AND a.subject <> t.subject)`,
    'asked for data its authorization does not cover (refused, %s: %s)',
    `format('was granted under authorization %s, which is for %s, items %s, purpose %s, but the trail is by %s for items %s, purpose %s: the ledger''s scope check was bypassed',
      t.authorization_id, a.grantee, array_to_string(a.items, ', '), a.purpose, t.department, array_to_string(t.items, ', '), t.purpose)`),

  'revoked-after-use': (p) => ({
    sql: `
      SELECT a.grantee AS department, NULL AS officer, a.authorization_id,
        (json_agg(${trailJson('t')} ORDER BY t.recorded_at, t.trail_id) FILTER (WHERE t.n <= $4)) AS trails, count(*) AS trail_count,
        a.record::jsonb->>'revokedAt' AS at,
        format('authorization %s (%s) was revoked at %s (%s) within %s after %s access(es) under it: the %s may have withdrawn it because of them',
          a.authorization_id, a.kind, a.record::jsonb->>'revokedAt', a.revocation_reason, $5::interval, count(*),
          CASE WHEN a.kind = 'consent' THEN 'subject' ELSE 'owning department' END) AS reason
      FROM ${S}.authorizations a
      JOIN LATERAL (
        SELECT *, row_number() OVER (ORDER BY recorded_at, trail_id) AS n FROM ${S}.share_trails s
        WHERE s.authorization_id = a.authorization_id AND s.outcome = 'granted'
          AND s.recorded_at < a.revoked_at AND s.recorded_at >= a.revoked_at - $5::interval
      ) t ON true
      WHERE a.status = 'revoked' AND a.revoked_at >= $1::timestamptz AND a.revoked_at < $2::timestamptz
      GROUP BY a.authorization_id
      ORDER BY a.revoked_at DESC LIMIT $3`,
    params: [p.trailsPerFinding, `${p.revokedWithinMinutes} minutes`],
  }),
};
