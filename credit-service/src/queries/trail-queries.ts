import type { Pool } from 'pg';
import type { DataSubject, StoredAuthorization, StoredDataItem, StoredObjection, StoredShareTrail } from '@citytrust/shared';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';
import { subjectReference } from '../trails-index/ledger-record';
import { Conditions, InvalidQueryError, pageSize, timeWindow, type Page, type PageRequest } from './page';

/** A record from the index, as the ledger holds it, with the transaction that wrote it and its block. */
export interface Indexed<T> {
  readonly record: T;
  readonly blockNumber: number;
  readonly transactionId: string;
}

/**
 * An auditor's search over share trails (数据共享留痕); every field narrows it. Times are the
 * ledger's (`recordedAt`), `from` inclusive, `until` exclusive.
 */
export interface TrailSearch {
  readonly department?: string;
  /** An officer's pseudonym, as the trail records it. */
  readonly officer?: string;
  readonly item?: string;
  readonly purpose?: string;
  readonly authorizationId?: string;
  readonly subject?: DataSubject;
  readonly from?: string;
  readonly until?: string;
  readonly outcome?: StoredShareTrail['outcome'];
}

/** What a citizen may narrow their own access log by. */
export type SubjectLogFilter = Pick<TrailSearch, 'department' | 'item' | 'outcome' | 'from' | 'until'>;

export interface AuthorizationSearch {
  readonly grantee?: string;
  readonly subject?: DataSubject;
  readonly item?: string;
  readonly status?: StoredAuthorization['status'];
}

export interface ObjectionSearch {
  readonly department?: string;
  readonly subject?: DataSubject;
  readonly status?: StoredObjection['status'];
}

/** How current the index is: the chaincode events stream it reads and its checkpoint. */
export interface IndexFreshness {
  readonly stream: string;
  /** The index holds every event before this block, and in it up to `transactionId`. */
  readonly blockNumber: number;
  readonly transactionId: string;
  readonly updatedAt: Date;
}

/**
 * The off-chain index's queries, for the gateway's auditor and citizen endpoints: what LevelDB
 * range queries cannot answer (by department, item, purpose, authorization, time). Every page is
 * newest first. Input is typed and is expected to have been checked at the API's edge; what only
 * the index can know (a page cursor that names no entry) is an {@link InvalidQueryError}.
 */
export interface TrailQueries {
  /** Share trails matching every given field. */
  searchTrails(search: TrailSearch, page?: PageRequest): Promise<Page<Indexed<StoredShareTrail>>>;
  /**
   * One subject's access log (who used their data, when, why, under what): the only trail query
   * a citizen's request may reach, so the subject is not optional.
   */
  subjectTrails(subject: DataSubject, filter?: SubjectLogFilter, page?: PageRequest): Promise<Page<Indexed<StoredShareTrail>>>;
  trail(trailId: string): Promise<Indexed<StoredShareTrail> | undefined>;
  authorizations(search: AuthorizationSearch, page?: PageRequest): Promise<Page<Indexed<StoredAuthorization>>>;
  /** The data catalog (数据资源目录), by code; small enough to answer whole. */
  dataItems(owner?: string): Promise<readonly Indexed<StoredDataItem>[]>;
  objections(search: ObjectionSearch, page?: PageRequest): Promise<Page<Indexed<StoredObjection>>>;
  freshness(): Promise<readonly IndexFreshness[]>;
}

interface RecordRow {
  readonly record: string;
  readonly block_number: string;
  readonly transaction_id: string;
  readonly id: string;
}

const S = OFFCHAIN_SCHEMA;

export function newTrailQueries(pool: Pool): TrailQueries {
  /** A keyset page over `table`, newest first by (`time`, `key`), of the rows matching `conditions`. */
  const keysetPage = async <T>(table: string, time: string, key: string, conditions: Conditions, page: PageRequest): Promise<Page<Indexed<T>>> => {
    const limit = pageSize(page);
    conditions.add(page.after, (p) => `(${time}, ${key}) < (SELECT ${time}, ${key} FROM ${S}.${table} WHERE ${key} = ${p})`);
    conditions.params.push(limit + 1);
    const sql = `SELECT record, block_number, transaction_id, ${key} AS id FROM ${S}.${table} ${conditions.where()}
      ORDER BY ${time} DESC, ${key} DESC LIMIT $${conditions.params.length}`;
    const { rows } = await pool.query<RecordRow>(sql, conditions.params);
    if (rows.length === 0 && page.after !== undefined) {
      const known = await pool.query(`SELECT 1 FROM ${S}.${table} WHERE ${key} = $1`, [page.after]);
      if (known.rowCount === 0) throw new InvalidQueryError('after', `names no entry of this index (${JSON.stringify(page.after)}); use the next value of the previous page`);
    }
    const entries = rows.slice(0, limit).map((row) => indexed<T>(row));
    return { entries, next: rows.length > limit ? rows[limit - 1]!.id : null };
  };

  const trailConditions = (search: TrailSearch): Conditions => {
    const { from, until } = timeWindow(search.from, search.until);
    return new Conditions()
      .add(search.subject && subjectReference(search.subject), (p) => `subject = ${p}`)
      .add(search.department, (p) => `department = ${p}`)
      .add(search.officer, (p) => `officer = ${p}`)
      .add(search.item, (p) => `items @> ARRAY[${p}::text]`)
      .add(search.purpose, (p) => `purpose = ${p}`)
      .add(search.authorizationId, (p) => `authorization_id = ${p}`)
      .add(search.outcome, (p) => `outcome = ${p}`)
      .add(from, (p) => `recorded_at >= ${p}::timestamptz`)
      .add(until, (p) => `recorded_at < ${p}::timestamptz`);
  };

  return {
    searchTrails: async (search, page = {}) => keysetPage('share_trails', 'recorded_at', 'trail_id', trailConditions(search), page),
    subjectTrails: async (subject, filter = {}, page = {}) => keysetPage('share_trails', 'recorded_at', 'trail_id', trailConditions({ ...filter, subject }), page),
    async trail(trailId) {
      const { rows } = await pool.query<RecordRow>(`SELECT record, block_number, transaction_id, trail_id AS id FROM ${S}.share_trails WHERE trail_id = $1`, [trailId]);
      return rows[0] && indexed<StoredShareTrail>(rows[0]);
    },
    async authorizations(search, page = {}) {
      const conditions = new Conditions()
        .add(search.grantee, (p) => `grantee = ${p}`)
        .add(search.subject && subjectReference(search.subject), (p) => `subject = ${p}`)
        .add(search.item, (p) => `items @> ARRAY[${p}::text]`)
        .add(search.status, (p) => `status = ${p}`);
      return keysetPage('authorizations', 'recorded_at', 'authorization_id', conditions, page);
    },
    async dataItems(owner) {
      const conditions = new Conditions().add(owner, (p) => `owner = ${p}`);
      const { rows } = await pool.query<RecordRow>(`SELECT record, block_number, transaction_id, code AS id FROM ${S}.data_items ${conditions.where()} ORDER BY code`, conditions.params);
      return rows.map((row) => indexed<StoredDataItem>(row));
    },
    async objections(search, page = {}) {
      const conditions = new Conditions()
        .add(search.department, (p) => `department = ${p}`)
        .add(search.subject && subjectReference(search.subject), (p) => `subject = ${p}`)
        .add(search.status, (p) => `status = ${p}`);
      return keysetPage('objections', 'raised_at', 'trail_id', conditions, page);
    },
    async freshness() {
      const { rows } = await pool.query<{ stream: string; block_number: string; transaction_id: string; updated_at: Date }>(`SELECT stream, block_number, transaction_id, updated_at FROM ${S}.checkpoints ORDER BY stream`);
      return rows.map((row) => ({ stream: row.stream, blockNumber: Number(row.block_number), transactionId: row.transaction_id, updatedAt: row.updated_at }));
    },
  };
}

function indexed<T>(row: RecordRow): Indexed<T> {
  return { record: JSON.parse(row.record) as T, blockNumber: Number(row.block_number), transactionId: row.transaction_id };
}
