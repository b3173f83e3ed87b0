import type { ChaincodeEvent, Checkpoint, CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import type { Pool } from 'pg';
import { migrateOffchainSchema } from '../schema/offchain-schema';
import { advanceCheckpoint, readCheckpoint, type IndexCheckpoint } from './checkpoint';
import { writeLedgerRecords } from './index-writer';
import { readLedgerEvent, type LedgerRecord } from './ledger-record';

export interface OffchainIndexerOptions {
  /** The channel as one department sees it (`LedgerClient.network(mspId)`): any department reads every event. */
  readonly network: Pick<Network, 'getName' | 'getChaincodeEvents'>;
  /** The chaincode whose `trail.*` and `credit.*` events are indexed. */
  readonly chaincode: string;
  readonly pool: Pool;
  /** Called after each batch committed, with the new checkpoint: for logs, metrics and tests. */
  readonly onProgress?: (progress: IndexProgress) => void;
  /** Called when the stream or Postgres failed, before waiting `delayMs` to reconnect. */
  readonly onRetry?: (error: Error, delayMs: number) => void;
  /** Back-off after a failure: from `initialDelayMs` (default 200), doubling to `maxDelayMs` (default 5000). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Most events written in one Postgres transaction (default 2000). */
  readonly maxBatch?: number;
}

/** One committed batch. */
export interface IndexProgress {
  readonly checkpoint: IndexCheckpoint;
  /** Events in the batch, of any chaincode contract. */
  readonly events: number;
  /** Records they carried (trail and credit), written; one credit event carries several. */
  readonly records: number;
  /** `trail.*` and `credit.*` events whose payload was not the promised record, skipped (see `readLedgerEvent`). */
  readonly skipped: readonly { readonly transactionId: string; readonly reason: string }[];
}

export interface OffchainIndexerStatus {
  /** `streaming`: reading events (caught up or catching up); `retrying`: waiting to reconnect after `lastError`. */
  readonly state: 'starting' | 'streaming' | 'retrying' | 'stopped';
  /** The last committed checkpoint. */
  readonly checkpoint?: IndexCheckpoint;
  /** Since start: events read and committed, records written, malformed events skipped, reconnects. */
  readonly events: number;
  readonly records: number;
  readonly skipped: number;
  readonly retries: number;
  readonly lastError?: string;
}

export interface OffchainIndexer {
  /** Stops reading; a batch being written commits first. The checkpoint is where the next start resumes. */
  stop(): Promise<void>;
  status(): OffchainIndexerStatus;
}

/** Events read ahead of Postgres before the reader waits: bounds memory while Postgres is slow. */
const HIGH_WATER = 20_000;

/**
 * Starts the off-chain index's feed, the one follower of the ledger: the chaincode's events in
 * block order, from one checkpoint (a fresh database: block 0), each dispatched by its contract
 * (`readLedgerEvent`: trail and credit records) and written into the `offchain` tables. Its contract:
 *
 * - **Atomic:** each batch of records and the checkpoint after it commit in one Postgres
 *   transaction, so a crash at any point neither loses nor duplicates an event.
 * - **Idempotent:** every write is (see `writeLedgerRecords`); replaying a block changes nothing.
 * - **Valid transactions only:** it reads the Gateway's ChaincodeEvents stream, which delivers the
 *   events of valid transactions only (Fabric's `event.NewChaincodeEventsIterator`; the embedded
 *   ledger does the same), so an invalidated transaction's event never reaches the index.
 * - **Reconnects:** when the ledger (or Postgres) goes away it retries with back-off, resuming
 *   from the committed checkpoint, until stopped.
 *
 * Batches follow the load: whatever arrived while the previous batch was written is the next
 * batch, so a replay writes large batches and a live ledger small ones with low delay.
 *
 * @example
 * const indexer = await startOffchainIndexer({ network: client.network('MarketRegulationMSP'), chaincode: 'citytrust', pool });
 * // ... indexer.status().checkpoint
 * await indexer.stop();
 */
export async function startOffchainIndexer(options: OffchainIndexerOptions): Promise<OffchainIndexer> {
  const { network, chaincode, pool } = options;
  const initialDelay = options.retry?.initialDelayMs ?? 200;
  const maxDelay = options.retry?.maxDelayMs ?? 5_000;
  const maxBatch = options.maxBatch ?? 2_000;
  const stream = `${network.getName()}/${chaincode}`;
  await migrateOffchainSchema(pool);

  let status: Omit<OffchainIndexerStatus, 'checkpoint'> & { checkpoint?: IndexCheckpoint } = { state: 'starting', events: 0, records: 0, skipped: 0, retries: 0 };
  let stopped = false;
  let session: { close(): void } | undefined;
  const stopping = new AbortController();

  const writeBatch = async (from: IndexCheckpoint, batch: readonly ChaincodeEvent[]): Promise<IndexCheckpoint> => {
    const records: LedgerRecord[] = [];
    const skipped: { transactionId: string; reason: string }[] = [];
    for (const event of batch) {
      const read = readLedgerEvent(event);
      if (read.outcome === 'records') records.push(...read.records);
      else skipped.push({ transactionId: event.transactionId, reason: read.reason });
    }
    const client = await pool.connect();
    let checkpoint: IndexCheckpoint;
    try {
      await client.query('BEGIN');
      await writeLedgerRecords(client, records);
      checkpoint = await advanceCheckpoint(client, stream, from, batch[batch.length - 1]!);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    status = { ...status, checkpoint, events: status.events + batch.length, records: status.records + records.length, skipped: status.skipped + skipped.length };
    options.onProgress?.({ checkpoint, events: batch.length, records: records.length, skipped });
    return checkpoint;
  };

  /** One connection's life: read from the committed checkpoint until the stream fails or we stop. */
  const runSession = async (onBatch: () => void): Promise<void> => {
    let checkpoint = await readCheckpoint(pool, stream);
    status = { ...status, checkpoint };
    const events = await network.getChaincodeEvents(chaincode, { checkpoint: fabricCheckpoint(checkpoint) });
    session = events;
    if (stopped) events.close();
    const reader = readAhead(events);
    try {
      for (;;) {
        const batch = await reader.next(maxBatch);
        if (batch === undefined) break;
        checkpoint = await writeBatch(checkpoint, batch);
        if (status.state !== 'streaming') status = { ...status, state: 'streaming' };
        onBatch();
        if (stopped) break;
      }
    } finally {
      events.close();
      session = undefined;
    }
    if (!stopped) throw reader.error() ?? new Error('the ledger ended the chaincode events stream');
  };

  const running = (async () => {
    let delay = initialDelay;
    while (!stopped) {
      try {
        status = { ...status, state: 'streaming' };
        await runSession(() => (delay = initialDelay));
      } catch (error) {
        if (stopped) break;
        const failure = error instanceof Error ? error : new Error(String(error));
        status = { ...status, state: 'retrying', retries: status.retries + 1, lastError: failure.message };
        options.onRetry?.(failure, delay);
        await sleep(delay, stopping.signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
    status = { ...status, state: 'stopped' };
  })();

  return {
    async stop() {
      stopped = true;
      stopping.abort();
      session?.close();
      await running;
    },
    status: () => status,
  };
}

/** The checkpoint as fabric-gateway reads it: start at the block, skip up to and including the transaction. */
function fabricCheckpoint(checkpoint: IndexCheckpoint): Checkpoint {
  return { getBlockNumber: () => checkpoint.blockNumber, getTransactionId: () => checkpoint.transactionId || undefined };
}

/**
 * Reads a stream ahead into a queue, so that events keep arriving while a batch is written;
 * `next(max)` takes up to `max` queued events, waiting for one if none is queued, and gives
 * undefined once the stream has ended (or failed: see `error()`) and the queue is empty.
 */
function readAhead(events: CloseableAsyncIterable<ChaincodeEvent>) {
  const queue: ChaincodeEvent[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  void (async () => {
    try {
      for await (const event of events) {
        queue.push(event);
        wakeWriter?.();
        if (queue.length >= HIGH_WATER) await new Promise<void>((resolve) => (wakeReader = resolve));
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      ended = true;
      wakeWriter?.();
    }
  })();
  return {
    async next(max: number): Promise<ChaincodeEvent[] | undefined> {
      while (queue.length === 0 && !ended) await new Promise<void>((resolve) => (wakeWriter = resolve));
      wakeWriter = undefined;
      if (queue.length === 0) return undefined;
      const batch = queue.splice(0, max);
      wakeReader?.();
      wakeReader = undefined;
      return batch;
    },
    error: () => failure,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
