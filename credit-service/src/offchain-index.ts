import { Pool } from 'pg';
import { readCheckpoint, type IndexCheckpoint } from './trails-index/checkpoint';
import { startOffchainIndexer, type OffchainIndexer, type OffchainIndexerOptions } from './trails-index/offchain-indexer';

/** The off-chain index with its own connection pool, for a process that hosts it (`citytrust start`). */
export interface OffchainIndex {
  readonly indexer: OffchainIndexer;
  /** Where it resumed: the checkpoint committed by its last run (block 0 on a fresh database). */
  readonly resumedFrom: IndexCheckpoint;
  /** Stops the indexer (a batch being written commits first), then closes its pool. */
  stop(): Promise<void>;
}

/**
 * Starts the trail indexer on a pool of its own to `databaseUrl`, whose role must be able to
 * create the `offchain` schema on first start.
 */
export async function startOffchainIndex(databaseUrl: string, options: Omit<OffchainIndexerOptions, 'pool'>): Promise<OffchainIndex> {
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined); // a lost idle connection: the indexer's next batch fails and retries
  try {
    const indexer = await startOffchainIndexer({ ...options, pool });
    return {
      indexer,
      resumedFrom: await readCheckpoint(pool, `${options.network.getName()}/${options.chaincode}`),
      async stop() {
        await indexer.stop();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
