import { Client } from 'pg';
import { migrations } from './migrations';

/**
 * Brings the schema at `url` up to date, each migration in its own transaction. It connects as a
 * role that may create tables (the embedded cluster's superuser, or DATABASE_URL's role), on a
 * connection of its own that is closed afterwards: the gateway's pool never holds that power.
 */
export async function migrateDatabase(url: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const migration of migrations) {
      await client.query('BEGIN');
      try {
        // Serialise concurrent starters: only one applies a given version.
        await client.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
        const applied = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
        if (!applied.rowCount) {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
