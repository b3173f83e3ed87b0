#!/usr/bin/env node
import { startEmbeddedPostgres } from '../database/embedded-postgres';

/**
 * A process that starts the embedded Postgres as the gateway does, for tests of what happens to
 * the server when this process is killed: `node postgres-owner.js <dataDir> <port>`. It prints the
 * postmaster's pid once the server accepts connections, then stays until it is killed.
 */
async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  if (dataDir === undefined || port === undefined) throw new Error('usage: postgres-owner.js <dataDir> <port>');
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), password: 'c'.repeat(64) });
  process.stdout.write(`${server.pid}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`postgres-owner: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
