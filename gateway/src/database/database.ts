import { Pool, type PoolClient } from 'pg';
import { migrations } from './migrations';

/** The gateway's connection pool, with the schema brought up to date. */
export interface Database {
  readonly pool: Pool;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** True when a trivial query answers within the pool's timeout. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener that
  // would crash the process. The next query reconnects, and /healthz reports the outage.
  pool.on('error', () => undefined);
  const transaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  await migrate(pool, transaction);
  return {
    pool,
    transaction,
    isReachable: async () => pool.query('SELECT 1').then(() => true, () => false),
    close: () => pool.end(),
  };
}

async function migrate(pool: Pool, transaction: Database['transaction']): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const migration of migrations) {
    await transaction(async (client) => {
      // Serialise concurrent starters: only one applies a given version.
      await client.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const applied = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (applied.rowCount) return;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
    });
  }
}
