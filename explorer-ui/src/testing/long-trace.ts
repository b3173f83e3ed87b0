import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { canonicalJson, sm3 } from '@citytrust/shared';
import type { LedgerRecord } from '@citytrust/credit-service';
import { person, storedShareTrail } from '@citytrust/credit-service/dist/test-support/trail-records';
import { writeLedgerRecords } from '@citytrust/credit-service/dist/trails-index/index-writer';

/**
 * An auditor's trace far longer than any screen: `count` share trails with one purpose of their
 * own, written straight into the off-chain index by the indexer's own writer
 * (`writeLedgerRecords`), so the gateway's `POST /api/v1/audit/trails/search` pages them exactly
 * as it pages indexed ledger events.
 *
 * Why not through the ledger: a sealed `trail:recordAccess` costs each endorser an SM2 check, and
 * 100,000 of them take about five minutes on the 2-core machine (`bench:trails-index` records
 * 20,000 in about one); what is measured here is the browser's side of a long list, which only
 * reads the index. So these trails are in the index only: their proofs do not check, and
 * `citytrust reconcile` would report them. Use it in a throw-away gateway only.
 */
export interface LongTrace {
  /** The purpose only these trails carry: searching by it lists exactly them. */
  readonly purpose: string;
  readonly count: number;
  /** The newest trail's id (first in the list) and the oldest's (last). */
  readonly newestTrailId: string;
  readonly oldestTrailId: string;
  /** How long writing them took. */
  readonly writeMs: number;
}

export const LONG_TRACE_PURPOSE = 'long-list.scroll';
const BATCH = 5_000;

/**
 * Writes `count` trails, one a second going back from now (newest first in the list), about
 * 1,000 people, through the database's owner at `ownerUrl` (the gateway itself reads only).
 */
export async function writeLongTrace(ownerUrl: string, count: number): Promise<LongTrace> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`a long trace needs a whole number of trails of at least 1, got ${count}`);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  const started = performance.now();
  const newest = Date.now() - 60_000;
  let newestTrailId = '';
  let oldestTrailId = '';
  try {
    for (let first = 0; first < count; first += BATCH) {
      const records: LedgerRecord[] = [];
      for (let n = first; n < Math.min(count, first + BATCH); n++) {
        const record = storedShareTrail(n, person(n % 1_000), new Date(newest - n * 1_000), { purpose: LONG_TRACE_PURPOSE });
        if (n === 0) newestTrailId = record.trailId;
        oldestTrailId = record.trailId;
        records.push({ kind: 'access', record, payload: canonicalJson(record), blockNumber: 1n, transactionId: sm3(`long trace ${n}`).toString('hex') });
      }
      await client.query('BEGIN');
      await writeLedgerRecords(client, records);
      await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
  return { purpose: LONG_TRACE_PURPOSE, count, newestTrailId, oldestTrailId, writeMs: performance.now() - started };
}
