import type { ClientBase } from 'pg';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';
import { tableRows, type Row } from './index-rows';
import type { LedgerRecord } from './ledger-record';

/**
 * Writes ledger records, in ledger order, into the index's tables in `schema` (the index's own,
 * or `pg_temp` copies for reconcile), inside the caller's transaction. Every write is idempotent:
 * a trail or a data item is written once and never changed (`ON CONFLICT DO NOTHING`); an
 * authorization or objection row is replaced only by a version from a later block. A key has at
 * most one valid version per block, because each version reads the one before it and a second
 * writer in the same block fails MVCC validation; so replaying any block changes nothing.
 */
export async function writeLedgerRecords(client: ClientBase, records: readonly LedgerRecord[], schema: string = OFFCHAIN_SCHEMA): Promise<void> {
  for (const [kind, rows] of Object.entries(tableRows) as [LedgerRecord['kind'], (typeof tableRows)[LedgerRecord['kind']]][]) {
    const ofKind = records.filter((record) => record.kind === kind);
    if (ofKind.length === 0) continue;
    // ON CONFLICT may touch a row once per statement: keep each key's latest version in the batch.
    const byKey = new Map<unknown, { row: Row; blockNumber: bigint }>();
    for (const record of ofKind) {
      const row = rows.row(record);
      const kept = byKey.get(row[rows.key]);
      if (!kept || kept.blockNumber <= record.blockNumber) byKey.set(row[rows.key], { row, blockNumber: record.blockNumber });
    }
    await client.query(upsertSql(schema, kind), [JSON.stringify([...byKey.values()].map((kept) => kept.row))]);
  }
}

const statements = new Map<string, string>();

/** One statement per table: the whole batch as one JSON parameter, unpacked by jsonb_to_recordset. */
function upsertSql(schema: string, kind: LedgerRecord['kind']): string {
  const cacheKey = `${schema}.${kind}`;
  const cached = statements.get(cacheKey);
  if (cached) return cached;
  const { table, key, columns, versioned } = tableRows[kind];
  const names = Object.keys(columns);
  const onConflict = versioned
    ? `DO UPDATE SET ${names.filter((n) => n !== key).map((n) => `${n} = excluded.${n}`).join(', ')} WHERE ${table}.block_number < excluded.block_number`
    : 'DO NOTHING';
  const sql = `INSERT INTO ${schema}.${table} AS ${table} (${names.join(', ')})
    SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${names.map((n) => `${n} ${columns[n]}`).join(', ')})
    ON CONFLICT (${key}) ${onConflict}`;
  statements.set(cacheKey, sql);
  return sql;
}
