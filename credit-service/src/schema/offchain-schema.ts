import type { Pool } from 'pg';
import { migrations } from './migrations';

/** The Postgres schema the off-chain index lives in, beside the gateway's tables in the same database. */
export const OFFCHAIN_SCHEMA = 'offchain';

/**
 * The indexed tables and their keys: what the indexer writes and what `reconcile` compares.
 * A record with versions (an authorization revoked, an objection answered, a credit record
 * repaired, a subject's standing after each evaluation) is one row, its latest.
 */
export const INDEXED_TABLES = [
  { table: 'data_items', key: 'code' },
  { table: 'authorizations', key: 'authorization_id' },
  { table: 'share_trails', key: 'trail_id' },
  { table: 'objections', key: 'trail_id' },
  { table: 'credit_records', key: 'record_id' },
  { table: 'credit_objections', key: 'record_id' },
  { table: 'credit_repairs', key: 'record_id' },
  { table: 'credit_models', key: 'version' },
  { table: 'credit_evaluations', key: 'evaluation_id' },
  { table: 'credit_subjects', key: 'subject' },
] as const;

export type IndexedTable = (typeof INDEXED_TABLES)[number]['table'];

/**
 * Creates the `offchain` schema and brings it up to date; safe to call from every process that
 * opens the index (the indexer, the gateway, `citytrust reconcile`), also concurrently.
 */
export async function migrateOffchainSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // One advisory lock serialises concurrent starters, including the very first CREATE SCHEMA.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['citytrust.offchain.migrations']);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${OFFCHAIN_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${OFFCHAIN_SCHEMA}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set((await client.query<{ version: number }>(`SELECT version FROM ${OFFCHAIN_SCHEMA}.schema_migrations`)).rows.map((row) => row.version));
    for (const migration of migrations.filter((m) => !applied.has(m.version))) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${OFFCHAIN_SCHEMA}.schema_migrations (version, description) VALUES ($1, $2)`, [migration.version, migration.description]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['citytrust.offchain.migrations']).catch(() => undefined);
    client.release();
  }
}
