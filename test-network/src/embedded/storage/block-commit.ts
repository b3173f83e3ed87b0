import { peer } from '@hyperledger/fabric-protos';
import type { BlockLocation } from './block-file';
import type { BlockTransaction } from './block-writes';
import {
  SAVEPOINT_KEY,
  blockHashKey,
  blockNumberKey,
  encodeBlockLocation,
  encodeBlockNumber,
  encodeKeyModification,
  encodeSavepoint,
  encodeTransactionRecord,
  encodeVersionedValue,
  historyKey,
  stateKey,
  txIdKey,
} from './ledger-keys';

/** The part of a LevelDB chained batch that staging a block uses. */
export interface WriteBatch {
  put(key: Buffer, value: Buffer): unknown;
  del(key: Buffer): unknown;
}

/** A block whose record is durable in a block file, ready to be indexed and applied. */
export interface PlacedBlock {
  readonly blockNum: number;
  readonly blockHash: Buffer;
  readonly location: BlockLocation;
  /** Offset just past the block's record. */
  readonly end: number;
  readonly transactions: readonly BlockTransaction[];
}

const EMPTY = new Uint8Array();

/**
 * Stages everything committing one block changes in LevelDB: its block-number and header-hash
 * index entries, each transaction id not yet indexed (`indexedTxIds`, looked up by the caller)
 * with its validation code, the writes of its valid
 * transactions to state (with their height as version) and history, and the savepoint. Writing
 * them as one batch is what makes a block all-or-nothing in LevelDB, and re-staging a block
 * already applied writes the same bytes again, which is what lets recovery replay blindly.
 */
export function stageBlockCommit(batch: WriteBatch, block: PlacedBlock, indexedTxIds: ReadonlySet<string>): void {
  const indexed = new Set(indexedTxIds);
  const { blockNum, blockHash, location, end } = block;
  batch.put(blockNumberKey(blockNum), encodeBlockLocation(location));
  batch.put(blockHashKey(blockHash), encodeBlockNumber(blockNum));
  for (const transaction of block.transactions) {
    const height = { blockNum, txNum: transaction.txNum };
    if (transaction.txId !== '' && !indexed.has(transaction.txId)) {
      batch.put(txIdKey(transaction.txId), encodeTransactionRecord(height, transaction.validationCode));
      indexed.add(transaction.txId);
    }
    if (transaction.validationCode !== peer.TxValidationCode.VALID) continue;
    for (const { namespace, key, value } of transaction.writes) {
      if (value === undefined) batch.del(stateKey(namespace, key));
      else batch.put(stateKey(namespace, key), encodeVersionedValue(value, height));
      const modification = { txId: transaction.txId, timestamp: transaction.timestamp, isDelete: value === undefined, value: value ?? EMPTY };
      batch.put(historyKey(namespace, key, height), encodeKeyModification(modification));
    }
  }
  batch.put(SAVEPOINT_KEY, encodeSavepoint({ blockNum, blockHash, fileNum: location.fileNum, end }));
}
