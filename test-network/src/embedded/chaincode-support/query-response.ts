import { ledger, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { KeyModification } from '../ledger-state';
import type { RangeScan } from './range-scan';

/**
 * Results per `QueryResponse` of an unpaginated query; the shim fetches the next batch with
 * QUERY_STATE_NEXT. Fabric hard-codes this (`QueryResponseGenerator.MaxResultLimit`).
 */
export const QUERY_BATCH_SIZE = 100;

/** The most results one query may return, Fabric's `ledger.state.totalQueryLimit` (core.yaml). */
export const TOTAL_QUERY_LIMIT = 100_000;

/** The results of one query as the shim receives them, one `QueryResultBytes` at a time. */
export interface QueryCursor {
  next(): Promise<peer.QueryResultBytes | undefined>;
  /** Where a next page would start ('' when none), closing the cursor. */
  bookmarkAndClose(): Promise<string>;
  close(): void;
}

/** An iterator the chaincode holds open, with the results read ahead of the batch sent. */
export class OpenQuery {
  pending: peer.QueryResultBytes[] = [];
  returned = 0;

  constructor(
    readonly id: string,
    readonly cursor: QueryCursor,
  ) {}

  cutBatch(): peer.QueryResultBytes[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }
}

/** Where open queries live: the transaction's context. */
export interface OpenQueries {
  /** Closes the query's cursor and forgets it. */
  closeQuery(id: string): void;
  /** Forgets the query without closing its cursor (the caller closes it). */
  forgetQuery(id: string): void;
}

/**
 * The next `QueryResponse` of a query, as Fabric's `QueryResponseGenerator.BuildQueryResponse`
 * builds it: batches of {@link QUERY_BATCH_SIZE} with `has_more` for unpaginated queries (one
 * result is read ahead to know there is more), at most `totalReturnLimit` results in all, and for
 * a paginated query a single response carrying `QueryResponseMetadata` (records fetched and the
 * bookmark of the next page). A query that ends is closed and forgotten.
 */
export async function nextQueryResponse(
  queries: OpenQueries,
  query: OpenQuery,
  { paginated, totalReturnLimit }: { paginated: boolean; totalReturnLimit: number },
): Promise<peer.QueryResponse> {
  for (;;) {
    if (query.returned >= totalReturnLimit) return lastQueryResponse(queries, query, paginated);
    let result: peer.QueryResultBytes | undefined;
    try {
      result = await query.cursor.next();
    } catch (err) {
      queries.closeQuery(query.id);
      throw err;
    }
    if (!result) return lastQueryResponse(queries, query, paginated);
    if (!paginated && query.pending.length === QUERY_BATCH_SIZE) {
      const batch = query.cutBatch();
      query.pending.push(result);
      query.returned++;
      return newQueryResponse(query.id, batch, true);
    }
    query.pending.push(result);
    query.returned++;
  }
}

async function lastQueryResponse(queries: OpenQueries, query: OpenQuery, paginated: boolean): Promise<peer.QueryResponse> {
  const response = newQueryResponse(query.id, query.cutBatch(), false);
  if (!paginated) {
    queries.closeQuery(query.id);
    return response;
  }
  queries.forgetQuery(query.id);
  const metadata = new peer.QueryResponseMetadata();
  metadata.setFetchedRecordsCount(query.returned);
  metadata.setBookmark(await query.cursor.bookmarkAndClose());
  response.setMetadata(metadata.serializeBinary());
  return response;
}

export function newQueryResponse(id: string, results: peer.QueryResultBytes[], hasMore: boolean): peer.QueryResponse {
  const response = new peer.QueryResponse();
  response.setResultsList(results);
  response.setHasMore(hasMore);
  response.setId(id);
  return response;
}

/** A range query's results as `queryresult.KV`. */
export function rangeCursor(scan: RangeScan, namespace: string): QueryCursor {
  return {
    async next() {
      const kv = await scan.next();
      if (!kv) return undefined;
      const result = new ledger.queryresult.KV();
      result.setNamespace(namespace);
      result.setKey(kv.key);
      result.setValue(kv.value);
      return resultBytes(result.serializeBinary());
    },
    bookmarkAndClose: () => scan.bookmarkAndClose(),
    close: () => scan.close(),
  };
}

/** A key's history as `queryresult.KeyModification`, newest first. */
export function historyCursor(history: AsyncIterator<KeyModification>): QueryCursor {
  const close = (): void => {
    history.return?.().catch(() => undefined);
  };
  return {
    async next() {
      const item = await history.next();
      if (item.done) return undefined;
      const { txId, value, timestamp, isDelete } = item.value;
      const modification = new ledger.queryresult.KeyModification();
      modification.setTxId(txId);
      modification.setValue(value);
      const time = new Timestamp();
      time.setSeconds(timestamp.seconds);
      time.setNanos(timestamp.nanos);
      modification.setTimestamp(time);
      modification.setIsDelete(isDelete);
      return resultBytes(modification.serializeBinary());
    },
    // History queries are never paginated; there is no next page.
    async bookmarkAndClose() {
      close();
      return '';
    },
    close,
  };
}

function resultBytes(bytes: Uint8Array): peer.QueryResultBytes {
  const result = new peer.QueryResultBytes();
  result.setResultbytes(bytes);
  return result;
}
