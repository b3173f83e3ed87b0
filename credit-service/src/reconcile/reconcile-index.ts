import type { ChaincodeEvent, Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { Pool, type PoolClient } from 'pg';
import { INDEXED_TABLES, migrateOffchainSchema, OFFCHAIN_SCHEMA, type IndexedTable } from '../schema/offchain-schema';
import { readCheckpoint, type IndexCheckpoint } from '../trails-index/checkpoint';
import { writeLedgerRecords } from '../trails-index/index-writer';
import { readLedgerEvent, type LedgerRecord } from '../trails-index/ledger-record';

export interface ReconcileOptions {
  readonly network: Network;
  readonly chaincode: string;
  readonly pool: Pool;
  /** How long to wait for the ledger's next event before giving up (default 30 s). */
  readonly idleTimeoutMs?: number;
}

/**
 * One difference between the index and the ledger: a row the ledger's records call for that the
 * index lacks (`missing`), a row no ledger record accounts for (`extra`), or a row whose values
 * differ from what the ledger's record gives (`altered`, with the columns that differ).
 */
export interface Mismatch {
  readonly table: IndexedTable;
  readonly key: string;
  readonly kind: 'missing' | 'extra' | 'altered';
  readonly columns?: readonly string[];
}

export interface ReconcileReport {
  /** The index's checkpoint: the ledger was read up to it, and the index compared as of it. */
  readonly checkpoint: IndexCheckpoint;
  readonly ledgerHeight: number;
  /** Records (trail and credit) read from the ledger, and rows in the index, at the checkpoint. */
  readonly ledgerRecords: number;
  readonly indexRows: number;
  readonly mismatches: readonly Mismatch[];
  /** Whatever kept the comparison from being complete, e.g. a checkpoint the ledger does not have. */
  readonly problems: readonly string[];
}

const BATCH = 2_000;

/**
 * Tamper detection for the off-chain index: re-reads the trail and credit contracts' records from the
 * ledger (its chaincode events from block 0 up to the index's checkpoint, the same records the
 * indexer read) into temporary copies of the index's tables, written by the indexer's own writer,
 * and compares them row by row, every column, with the index. All of it in one REPEATABLE READ
 * transaction, so an indexer running meanwhile neither adds rows to the comparison nor moves its
 * checkpoint under it; the temporary tables go with the transaction.
 */
export async function reconcileTrailIndex(options: ReconcileOptions): Promise<ReconcileReport> {
  const { network, chaincode, pool } = options;
  await migrateOffchainSchema(pool);
  const ledgerHeight = await chainHeight(network);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const checkpoint = await readCheckpoint(client, `${network.getName()}/${chaincode}`);
    for (const { table, key } of INDEXED_TABLES) {
      await client.query(`CREATE TEMP TABLE ${table} (LIKE ${OFFCHAIN_SCHEMA}.${table}) ON COMMIT DROP`);
      await client.query(`ALTER TABLE pg_temp.${table} ADD PRIMARY KEY (${key})`);
    }
    const problems: string[] = [];
    let ledgerRecords = 0;
    if (checkpoint.blockNumber >= BigInt(ledgerHeight)) {
      problems.push(`the index's checkpoint (block ${checkpoint.blockNumber}) is beyond the ledger's height ${ledgerHeight}: it was fed from another ledger`);
    } else if (checkpoint.transactionId !== '') {
      const replay = await replayUpTo(options, client, checkpoint);
      ledgerRecords = replay.records;
      if (replay.problem) problems.push(replay.problem);
    }
    const mismatches: Mismatch[] = [];
    let indexRows = 0;
    for (const { table, key } of INDEXED_TABLES) {
      mismatches.push(...await differences(client, table, key));
      indexRows += Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${OFFCHAIN_SCHEMA}.${table}`)).rows[0]!.n);
    }
    return { checkpoint, ledgerHeight, ledgerRecords, indexRows, mismatches, problems };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Reads the chaincode's events from block 0 through the checkpoint's transaction into the temporary tables. */
async function replayUpTo(options: ReconcileOptions, client: PoolClient, checkpoint: IndexCheckpoint): Promise<{ records: number; problem?: string }> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const events = await options.network.getChaincodeEvents(options.chaincode, { startBlock: 0n });
  const iterator = events[Symbol.asyncIterator]();
  let batch: LedgerRecord[] = [];
  let records = 0;
  const flush = async () => {
    await writeLedgerRecords(client, batch, 'pg_temp');
    records += batch.length;
    batch = [];
  };
  try {
    for (;;) {
      const next = await within(iterator.next(), idleTimeoutMs);
      if (next === 'timeout' || next.done) {
        await flush();
        return { records, problem: `the ledger's events ended before the index's checkpoint (block ${checkpoint.blockNumber}, transaction ${checkpoint.transactionId})` };
      }
      const event: ChaincodeEvent = next.value;
      if (event.blockNumber > checkpoint.blockNumber) {
        await flush();
        return { records, problem: `the index's checkpoint names transaction ${checkpoint.transactionId} in block ${checkpoint.blockNumber}, which has no such event on the ledger` };
      }
      const read = readLedgerEvent(event);
      if (read.outcome === 'records') batch.push(...read.records);
      if (batch.length >= BATCH) await flush();
      if (event.blockNumber === checkpoint.blockNumber && event.transactionId === checkpoint.transactionId) {
        await flush();
        return { records };
      }
    }
  } finally {
    events.close();
  }
}

async function differences(client: PoolClient, table: IndexedTable, key: string): Promise<Mismatch[]> {
  const { rows } = await client.query<{ key: string; ledger: Record<string, unknown> | null; offchain: Record<string, unknown> | null }>(
    `SELECT coalesce(l.${key}, o.${key})::text AS key, to_jsonb(l) AS ledger, to_jsonb(o) AS offchain
     FROM pg_temp.${table} l FULL JOIN ${OFFCHAIN_SCHEMA}.${table} o ON l.${key} = o.${key}
     WHERE to_jsonb(l) IS DISTINCT FROM to_jsonb(o)
     ORDER BY 1`,
  );
  return rows.map((row): Mismatch => {
    if (row.ledger === null) return { table, key: row.key, kind: 'extra' };
    if (row.offchain === null) return { table, key: row.key, kind: 'missing' };
    const columns = Object.keys(row.ledger).filter((column) => JSON.stringify(row.ledger![column]) !== JSON.stringify(row.offchain![column])).sort();
    return { table, key: row.key, kind: 'altered', columns };
  });
}

async function chainHeight(network: Network): Promise<number> {
  const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * {@link reconcileTrailIndex} on a pool of its own to `databaseUrl`, closed afterwards. The role
 * must be allowed temporary tables: the database owner's, not the gateway's least-privilege role.
 */
export async function reconcileTrailIndexAt(databaseUrl: string, options: Omit<ReconcileOptions, 'pool'>): Promise<ReconcileReport> {
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  try {
    return await reconcileTrailIndex({ ...options, pool });
  } finally {
    await pool.end();
  }
}
