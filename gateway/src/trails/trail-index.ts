import type { Pool } from 'pg';
import type { DataSubject, StoredShareTrail } from '@citytrust/shared';
import {
  anomalyReport,
  InvalidQueryError,
  newTrailQueries,
  type AnomalyParameters,
  type AnomalyReport,
  type Indexed,
  type Page,
  type SubjectLogFilter,
  type TrailSearch,
} from '@citytrust/credit-service';
import { InvalidRequestError } from '../errors';

/**
 * How current the off-chain index is: it holds every trail record up to this transaction of this
 * block. A trail recorded after it is on the ledger already and appears here once the indexer
 * has read it (usually well under a second). Block 0 with no transaction and no `updatedAt`: the
 * indexer has never run, and the index holds nothing.
 */
export interface IndexFreshness {
  readonly blockNumber: number;
  readonly transactionId: string;
  readonly updatedAt?: string;
}

const NEVER_INDEXED: IndexFreshness = { blockNumber: 0, transactionId: '' };

/** A share trail from the index, with where the ledger holds it. */
export type IndexedTrail = StoredShareTrail & { readonly blockNumber: number; readonly transactionId: string };

/** A page of trails, newest first; `bookmark` is the next page's, '' on the last. */
export interface IndexedTrailPage {
  readonly trails: readonly IndexedTrail[];
  readonly bookmark: string;
  readonly index: IndexFreshness;
}

/** A page request as the API names it. */
export interface TrailPageRequest {
  readonly pageSize: number;
  readonly bookmark?: string;
}

/**
 * Where a request's fields are, to name them in a 400: the body's by their path, a query
 * string's as `querystring.<name>` (as the API's schema validation names them).
 */
export type FieldLocation = 'body' | 'querystring';

/**
 * The gateway's reads of the off-chain index (schema `offchain`, written by the credit service's
 * indexer): citizens' own logs, auditors' traces and the anomaly report. Everything read here is
 * on the ledger, which stays the source of truth (a trail's proof comes from the ledger); the
 * index answers what LevelDB range queries cannot, and each answer says how current it is.
 */
export interface TrailIndex {
  /** One subject's log: the only trail query a citizen's request reaches, so the subject is not optional. */
  subjectLog(subject: DataSubject, filter: SubjectLogFilter, page: TrailPageRequest, location: FieldLocation): Promise<IndexedTrailPage>;
  /** An auditor's trace: every given field narrows it. */
  searchTrails(search: TrailSearch, page: TrailPageRequest, location: FieldLocation): Promise<IndexedTrailPage>;
  anomalies(parameters: AnomalyParameters, location: FieldLocation): Promise<AnomalyReport & { readonly index: IndexFreshness }>;
}

/** The index's names for paging, as the API names them. */
const apiField: Record<string, string> = { after: 'bookmark', limit: 'pageSize' };

export function newTrailIndex(pool: Pool): TrailIndex {
  const queries = newTrailQueries(pool);
  // Read before the query, so the freshness promised is never later than what the answer holds.
  const freshness = async (): Promise<IndexFreshness> => {
    const streams = await queries.freshness();
    // One stream per channel and chaincode; with several, the least advanced is what all answers hold.
    const least = [...streams].sort((a, b) => a.blockNumber - b.blockNumber)[0];
    return least ? { blockNumber: least.blockNumber, transactionId: least.transactionId, updatedAt: least.updatedAt.toISOString() } : NEVER_INDEXED;
  };
  const page = async (location: FieldLocation, read: () => Promise<Page<Indexed<StoredShareTrail>>>): Promise<IndexedTrailPage> => {
    const index = await freshness();
    const { entries, next } = await asRequestError(location, read);
    return { trails: entries.map(({ record, blockNumber, transactionId }) => ({ ...record, blockNumber, transactionId })), bookmark: next ?? '', index };
  };
  const pageOf = (request: TrailPageRequest) => ({ limit: request.pageSize, ...(request.bookmark ? { after: request.bookmark } : {}) });

  return {
    subjectLog: (subject, filter, request, location) => page(location, () => queries.subjectTrails(subject, filter, pageOf(request))),
    searchTrails: (search, request, location) => page(location, () => queries.searchTrails(search, pageOf(request))),
    async anomalies(parameters, location) {
      const index = await freshness();
      return { ...(await asRequestError(location, () => anomalyReport(pool, parameters))), index };
    },
  };
}

/** What only the index can find wrong (a bookmark naming no entry, a window ending before it starts) is a 400 naming the field. */
async function asRequestError<T>(location: FieldLocation, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof InvalidQueryError)) throw error;
    const name = apiField[error.field] ?? error.field;
    const field = location === 'body' ? name : `${location}.${name}`;
    throw new InvalidRequestError(`${field}${error.message.slice(error.field.length)}`, field);
  }
}
