/**
 * The off-chain index as its own process: `node credit-service/dist/main.js` (or `npm start
 * --workspace credit-service`) with the stack up. It reads the ledger started from
 * CITYTRUST_HOME (its network description from CITYTRUST_NETWORK) and writes Postgres
 * (see `loadCreditServiceConfig`), logging one JSON object per line; SIGINT or SIGTERM stops it
 * after the batch being written.
 */
import { join } from 'node:path';
import { Pool } from 'pg';
import { loadNetworkCrypto, loadNetworkDescription, openLedgerClient } from '@citytrust/network-config';
import { loadCreditServiceConfig } from './config';
import { startOffchainIndexer } from './trails-index/offchain-indexer';

const log = (fields: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);

async function main(): Promise<void> {
  const config = loadCreditServiceConfig();
  const description = loadNetworkDescription();
  const client = openLedgerClient({ description, crypto: loadNetworkCrypto(description, join(config.home, 'crypto')) });
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  pool.on('error', () => undefined); // a lost idle connection: the indexer's next batch fails and retries
  const department = config.department ?? description.departments[0]!.mspId;
  const indexer = await startOffchainIndexer({
    network: client.network(department),
    chaincode: description.chaincode.name,
    pool,
    onProgress: (p) => log({ msg: 'indexed', blockNumber: Number(p.checkpoint.blockNumber), transactionId: p.checkpoint.transactionId, events: p.events, records: p.records, skipped: p.skipped }),
    onRetry: (error, delayMs) => log({ level: 'warn', msg: 'reconnecting', error: error.message, delayMs }),
  });
  log({ msg: 'started', channel: description.channel, chaincode: description.chaincode.name, department });
  const stop = async () => {
    await indexer.stop();
    client.close();
    await pool.end();
    log({ msg: 'stopped', ...indexer.status(), checkpoint: undefined });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  log({ level: 'error', msg: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
