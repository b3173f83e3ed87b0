import type { ClientBase, Pool } from 'pg';
import { OFFCHAIN_SCHEMA } from '../schema/offchain-schema';
import type { LedgerPosition } from './ledger-record';

/**
 * How far the index has read a chaincode's events, as fabric-gateway's `Checkpoint` means it:
 * resume from `blockNumber`, after `transactionId` in it ('' for none). A fresh index is at
 * block 0 with no transaction, so it replays the whole ledger.
 */
export interface IndexCheckpoint {
  readonly blockNumber: bigint;
  readonly transactionId: string;
}

export const FRESH_CHECKPOINT: IndexCheckpoint = { blockNumber: 0n, transactionId: '' };

/** Thrown when the checkpoint moved under us: another indexer writes the same stream. */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

/** The stream's checkpoint; a stream never indexed gets the fresh one. */
export async function readCheckpoint(db: Pool | ClientBase, stream: string): Promise<IndexCheckpoint> {
  await db.query(`INSERT INTO ${OFFCHAIN_SCHEMA}.checkpoints (stream, block_number, transaction_id) VALUES ($1, 0, '') ON CONFLICT (stream) DO NOTHING`, [stream]);
  const { rows } = await db.query<{ block_number: string; transaction_id: string }>(`SELECT block_number, transaction_id FROM ${OFFCHAIN_SCHEMA}.checkpoints WHERE stream = $1`, [stream]);
  const row = rows[0]!;
  return { blockNumber: BigInt(row.block_number), transactionId: row.transaction_id };
}

/**
 * Moves the checkpoint from `from` to just after `last`, inside the caller's transaction (the one
 * that wrote the records, so both commit or neither does). If it is no longer at `from`, another
 * indexer advanced it: this one's transaction must roll back and resume from what is committed.
 */
export async function advanceCheckpoint(client: ClientBase, stream: string, from: IndexCheckpoint, last: LedgerPosition): Promise<IndexCheckpoint> {
  const to: IndexCheckpoint = { blockNumber: last.blockNumber, transactionId: last.transactionId };
  const { rowCount } = await client.query(
    `UPDATE ${OFFCHAIN_SCHEMA}.checkpoints SET block_number = $2, transaction_id = $3, updated_at = now() WHERE stream = $1 AND block_number = $4 AND transaction_id = $5`,
    [stream, to.blockNumber.toString(), to.transactionId, from.blockNumber.toString(), from.transactionId],
  );
  if (rowCount !== 1) throw new CheckpointMovedError(`the checkpoint of ${stream} is no longer at block ${from.blockNumber} after '${from.transactionId}': another indexer writes this database; resuming from its checkpoint`);
  return to;
}
